// Tests of the Yosys driver (lop::hw::synthesize) on small hand-written designs.
#include <catch2/catch.hpp>

#include <filesystem>
#include <fstream>
#include <map>
#include <nlohmann/json.hpp>
#include <stdexcept>
#include <string>

#include "lop/hw/synth.hpp"
#include "lop/hw/temp_dir.hpp"

namespace fs = std::filesystem;
using lop::hw::synth_error;
using lop::hw::synth_options;
using lop::hw::synth_report;
using lop::hw::synthesize;

namespace {

// A fresh directory per test case, removed at the end, and a way to put files in it.
struct scratch : lop::hw::temp_dir {
  scratch() : temp_dir("lop-synth-test-") {}
  fs::path write(const std::string& name, const std::string& text) const {
    const fs::path p = path() / name;
    std::ofstream(p) << text;
    return p;
  }
};

// Yosys 0.23's `stat -tech cmos` transistor costs (kernel/cost.h), checked against its output.
const std::map<std::string, long> cmos_cost = {
    {"$_BUF_", 1},   {"$_NOT_", 2},   {"$_AND_", 6},   {"$_NAND_", 4},   {"$_OR_", 6},    {"$_NOR_", 4},
    {"$_ANDNOT_", 6}, {"$_ORNOT_", 6}, {"$_XOR_", 12},  {"$_XNOR_", 12},  {"$_AOI3_", 6},  {"$_OAI3_", 6},
    {"$_AOI4_", 8},  {"$_OAI4_", 8},  {"$_MUX_", 12},  {"$_NMUX_", 10},  {"$_DFF_P_", 16}, {"$_DFF_N_", 16}};
constexpr long dff_cost = 16;

long recompute_transistors(const synth_report& r) {
  long t = 0;
  for (const auto& [type, n] : r.cell_types) {
    INFO("cell type " << type);
    REQUIRE(cmos_cost.count(type) == 1);
    t += cmos_cost.at(type) * n;
  }
  return t;
}

const char* const comb_adder = R"(module add8(input [7:0] a, input [7:0] b, output [8:0] s);
  assign s = a + b;
endmodule
)";

const char* const reg_adder = R"(module add8r(input clk, input rst, input en, input [7:0] a, input [7:0] b, output reg [8:0] s);
  always @(posedge clk) begin
    if (rst) s <= 9'd0;
    else if (en) s <= a + b;
  end
endmodule
)";

const char* const plain_reg_adder = R"(module add8p(input clk, input [7:0] a, input [7:0] b, output reg [8:0] s);
  always @(posedge clk) s <= a + b;
endmodule
)";

void check_sane(const synth_report& r) {
  CHECK(!r.yosys_version.empty());
  CHECK(r.yosys_version.find("Yosys") != std::string::npos);
  CHECK(r.cells > 0);
  CHECK(r.transistors > 0);
  long sum = 0;
  for (const auto& [type, n] : r.cell_types) {
    sum += n;
    INFO(type);
    CHECK(type.find("LATCH") == std::string::npos);
    CHECK(type != "$_SR_");
  }
  CHECK(sum == r.cells);
  CHECK(r.transistors == recompute_transistors(r));  // every cell, flops included, is costed
  CHECK(r.warnings.empty());
}

}  // namespace

TEST_CASE("temp_dir: created fresh, removed at scope exit unless kept", "[synth]") {
  fs::path removed;
  fs::path kept;
  {
    lop::hw::temp_dir a("lop-temp-dir-test-");
    lop::hw::temp_dir b("lop-temp-dir-test-");
    CHECK(a.path() != b.path());
    CHECK(a.path().parent_path() == fs::temp_directory_path());
    CHECK(a.path().filename().string().rfind("lop-temp-dir-test-", 0) == 0);
    REQUIRE(fs::is_directory(a.path()));
    std::ofstream(a.path() / "f.txt") << "x";
    fs::create_directory(a.path() / "sub");
    std::ofstream(a.path() / "sub" / "g.txt") << "y";
    removed = a.path();
    CHECK_FALSE(b.kept());
    b.keep();
    CHECK(b.kept());
    kept = b.path();
  }
  CHECK_FALSE(fs::exists(removed));
  CHECK(fs::is_directory(kept));
  fs::remove_all(kept);
  CHECK_THROWS_AS(lop::hw::temp_dir("a/b"), std::invalid_argument);
}

TEST_CASE("synthesize: combinational adder", "[synth]") {
  scratch s;
  const auto r = synthesize({s.write("add8.v", comb_adder)}, "add8");
  check_sane(r);
  CHECK(r.top == "add8");
  CHECK(r.flip_flops == 0);
  CHECK(r.ice40_lut4 > 0);
  CHECK(r.ice40_cells >= r.ice40_lut4);
}

TEST_CASE("synthesize: flip-flops are counted in the transistor estimate", "[synth]") {
  scratch s;
  const auto comb = synthesize({s.write("add8.v", comb_adder)}, "add8");
  const auto plain = synthesize({s.write("add8p.v", plain_reg_adder)}, "add8p");
  const auto full = synthesize({s.write("add8r.v", reg_adder)}, "add8r");
  check_sane(plain);
  check_sane(full);
  CHECK(plain.flip_flops == 9);
  CHECK(full.flip_flops == 9);
  // Only plain flops remain after legalization; enable and reset became gates.
  CHECK(full.cell_types.at("$_DFF_P_") == 9);
  CHECK(plain.transistors >= comb.transistors + dff_cost * plain.flip_flops - 8);
  CHECK(full.transistors > plain.transistors);  // enable + reset logic
  CHECK(full.ice40_cells > comb.ice40_cells);
}

TEST_CASE("synthesize: deterministic, work_dir kept, JSON round trip", "[synth]") {
  scratch s;
  const auto v = s.write("add8r.v", reg_adder);
  synth_options o;
  o.work_dir = s.path() / "work";
  const auto a = synthesize({v}, "add8r", o);
  const auto b = synthesize({v}, "add8r", o);
  CHECK(fs::exists(o.work_dir / "synth.ys"));
  CHECK(fs::exists(o.work_dir / "yosys.log"));
  CHECK(lop::hw::to_json(a) == lop::hw::to_json(b));

  const std::string text = lop::hw::to_json(a);
  const auto j = nlohmann::json::parse(text);
  for (const char* key : {"top", "yosys_version", "transistors", "cells", "flip_flops", "ice40_lut4", "ice40_cells",
                          "cell_types", "warnings"}) {
    INFO(key);
    CHECK(j.contains(key));
  }
  CHECK(j.at("transistors").get<long>() == a.transistors);
  CHECK(text.find("\"top\"") < text.find("\"yosys_version\""));  // stable key order
  const auto back = lop::hw::report_from_json(text);
  CHECK(lop::hw::to_json(back) == text);
  CHECK_THROWS_AS(lop::hw::report_from_json("{\"top\": 1}"), synth_error);
}

TEST_CASE("synthesize: iCE40 flow can be switched off", "[synth]") {
  scratch s;
  synth_options o;
  o.ice40 = false;
  const auto r = synthesize({s.write("add8.v", comb_adder)}, "add8", o);
  CHECK(r.transistors > 0);
  CHECK(r.ice40_lut4 == 0);
  CHECK(r.ice40_cells == 0);
}

TEST_CASE("synthesize: hierarchy is flattened and counted", "[synth]") {
  scratch s;
  const auto sub = s.write("sub.v", R"(module sub(input clk, input [3:0] d, output reg [3:0] q);
  always @(posedge clk) q <= d + 4'd1;
endmodule
)");
  const auto top = s.write("two.v", R"(module two(input clk, input [3:0] d, output [3:0] q);
  wire [3:0] m;
  sub u0(.clk(clk), .d(d), .q(m));
  sub u1(.clk(clk), .d(m), .q(q));
endmodule
)");
  const auto r = synthesize({sub, top}, "two");
  check_sane(r);
  CHECK(r.flip_flops == 8);
}

TEST_CASE("synthesize: Yosys warnings are reported", "[synth]") {
  scratch s;
  const auto v = s.write("w.v", R"(module w(input [3:0] a, output [3:0] y);
  assign t = a[0];
  assign y = {a[3:1], t};
endmodule
)");
  const auto r = synthesize({v}, "w");
  REQUIRE(r.warnings.size() == 1);
  CHECK(r.warnings[0].find("implicitly declared") != std::string::npos);
  CHECK(r.warnings[0].find("w.v:2") != std::string::npos);
}

TEST_CASE("synthesize: errors are clear", "[synth]") {
  scratch s;
  SECTION("syntax error") {
    const auto v = s.write("bad.v", "module bad(input a, output b);\n  assign b = a +;\nendmodule\n");
    try {
      (void)synthesize({v}, "bad");
      FAIL("no exception");
    } catch (const synth_error& e) {
      const std::string m = e.what();
      INFO(m);
      CHECK(m.find("Yosys failed") != std::string::npos);
      CHECK(m.find("yosys -q -l yosys.log -f verilog -s synth.ys") != std::string::npos);  // the command
      CHECK(m.find("bad.v:2: ERROR: syntax error") != std::string::npos);  // the log tail
    }
  }
  SECTION("latch") {
    const auto v = s.write("lat.v", R"(module lat(input g, input [3:0] d, output reg [3:0] q);
  always @* if (g) q = d;
endmodule
)");
    try {
      (void)synthesize({v}, "lat");
      FAIL("no exception");
    } catch (const synth_error& e) {
      INFO(e.what());
      CHECK(std::string(e.what()).find("latches") != std::string::npos);
    }
  }
  SECTION("asynchronous reset") {
    const auto v = s.write("areg.v", R"(module areg(input clk, input rst, input [3:0] d, output reg [3:0] q);
  always @(posedge clk or posedge rst) if (rst) q <= 4'd0; else q <= d;
endmodule
)");
    try {
      (void)synthesize({v}, "areg");
      FAIL("no exception");
    } catch (const synth_error& e) {
      INFO(e.what());
      CHECK(std::string(e.what()).find("asynchronous") != std::string::npos);
    }
  }
  SECTION("missing top module") {
    const auto v = s.write("add8.v", comb_adder);
    try {
      (void)synthesize({v}, "nosuch");
      FAIL("no exception");
    } catch (const synth_error& e) {
      INFO(e.what());
      CHECK(std::string(e.what()).find("nosuch") != std::string::npos);
    }
  }
  SECTION("bad arguments") {
    CHECK_THROWS_AS(synthesize({}, "x"), synth_error);
    CHECK_THROWS_AS(synthesize({s.path() / "missing.v"}, "x"), synth_error);
    CHECK_THROWS_AS(synthesize({s.write("add8.v", comb_adder)}, "add8; shell rm -rf /"), synth_error);
  }
  SECTION("Yosys not installed") {
    synth_options o;
    o.yosys = "lop-no-such-yosys";
    try {
      (void)synthesize({s.write("add8.v", comb_adder)}, "add8", o);
      FAIL("no exception");
    } catch (const synth_error& e) {
      INFO(e.what());
      CHECK(std::string(e.what()).find("install the Debian package yosys") != std::string::npos);
    }
  }
}
