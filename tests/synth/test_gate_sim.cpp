// lop::hw::gate_sim: the gate-level simulator behind lop-explore's co-simulation and energy.
// Gates against their truth tables, toggles and loads counted by hand, Yosys netlists of
// hand-written and generated designs against independent C++ computations, and the errors.
#include <catch2/catch.hpp>

#include <array>
#include <cstdint>
#include <filesystem>
#include <fstream>
#include <sstream>
#include <string>
#include <vector>

#include "lop/hw/gate_sim.hpp"
#include "lop/hw/generators.hpp"
#include "lop/hw/synth.hpp"
#include "lop/hw/temp_dir.hpp"

namespace fs = std::filesystem;
using lop::hw::gate_netlist;
using lop::hw::gate_sim;
using lop::hw::netlist_error;

namespace {

std::string slurp(const fs::path& p) {
  std::ifstream in(p);
  std::ostringstream s;
  s << in.rdbuf();
  return s.str();
}

// Yosys JSON of module m: inputs a,b,c,d (bits 2..5); one output per cell type, y<i> = bit 10+i.
const std::array<const char*, 16> types = {"$_BUF_",  "$_NOT_",  "$_AND_",  "$_NAND_", "$_OR_",   "$_NOR_",
                                           "$_XOR_",  "$_XNOR_", "$_ANDNOT_", "$_ORNOT_", "$_MUX_", "$_NMUX_",
                                           "$_AOI3_", "$_OAI3_", "$_AOI4_", "$_OAI4_"};
std::string all_gates_json() {
  std::string ports = R"("a":{"direction":"input","bits":[2]},"b":{"direction":"input","bits":[3]},)"
                      R"("c":{"direction":"input","bits":[4]},"d":{"direction":"input","bits":[5]})";
  std::string cells;
  for (std::size_t i = 0; i < types.size(); ++i) {
    const std::string t = types[i];
    const std::string y = std::to_string(10 + i);
    ports += ",\"y" + std::to_string(i) + "\":{\"direction\":\"output\",\"bits\":[" + y + "]}";
    std::string conn = "\"A\":[2],\"Y\":[" + y + "]";
    if (t != "$_BUF_" && t != "$_NOT_") conn += ",\"B\":[3]";
    if (t == "$_MUX_" || t == "$_NMUX_") conn += ",\"S\":[4]";
    const bool three = t == "$_AOI3_" || t == "$_OAI3_", four = t == "$_AOI4_" || t == "$_OAI4_";
    if (three || four) conn += ",\"C\":[4]";
    if (four) conn += ",\"D\":[5]";
    cells += std::string(i ? "," : "") + "\"g" + std::to_string(i) + "\":{\"type\":\"" + t + "\",\"connections\":{" + conn + "}}";
  }
  return R"({"modules":{"m":{"ports":{)" + ports + R"(},"cells":{)" + cells + "}}}}";
}

// Yosys' simcells.v definitions, written out independently of gate_sim.
int reference(std::size_t i, int a, int b, int c, int d) {
  switch (i) {
    case 0: return a;
    case 1: return !a;
    case 2: return a & b;
    case 3: return !(a & b);
    case 4: return a | b;
    case 5: return !(a | b);
    case 6: return a ^ b;
    case 7: return !(a ^ b);
    case 8: return a & !b;
    case 9: return a | !b;
    case 10: return c ? b : a;
    case 11: return !(c ? b : a);
    case 12: return !((a & b) | c);
    case 13: return !((a | b) & c);
    case 14: return !((a & b) | (c & d));
    default: return !((a | b) & (c | d));
  }
}

std::uint64_t get64(const gate_sim& sim, const gate_netlist::port& p, int lane) {
  return static_cast<std::uint64_t>(sim.get(p, lane));
}

}  // namespace

TEST_CASE("gate_sim: every simple gate matches its truth table in every lane", "[gate_sim]") {
  const gate_netlist n = lop::hw::read_gate_netlist(all_gates_json(), "m");
  CHECK(n.cells.size() == 16);
  CHECK(n.flops.empty());
  gate_sim sim(n);
  std::array<std::array<std::uint64_t, gate_sim::lanes>, 4> in{};
  for (int l = 0; l < gate_sim::lanes; ++l)
    for (int k = 0; k < 4; ++k) in[static_cast<std::size_t>(k)][static_cast<std::size_t>(l)] = (static_cast<unsigned>(l) >> k) & 1U;
  const char* names[] = {"a", "b", "c", "d"};
  for (int k = 0; k < 4; ++k) sim.set(n.at(names[k]), in[static_cast<std::size_t>(k)]);
  sim.cycle();
  for (std::size_t i = 0; i < types.size(); ++i)
    for (int l = 0; l < gate_sim::lanes; ++l) {
      INFO(types[i] << " lane " << l);
      CHECK(get64(sim, n.at("y" + std::to_string(i)), l) ==
            static_cast<std::uint64_t>(reference(i, l & 1, (l >> 1) & 1, (l >> 2) & 1, (l >> 3) & 1)));
    }
}

TEST_CASE("gate_sim: toggles and loads counted by hand", "[gate_sim]") {
  // x = a & b drives an inverter and a flop: load(x) = 2; y = ~x is an output: load 1;
  // the flop's q drives output q: load 1; a drives the AND (1), b the AND (1).
  const std::string j = R"({"modules":{"t":{"ports":{
    "clk":{"direction":"input","bits":[2]},"a":{"direction":"input","bits":[3]},"b":{"direction":"input","bits":[4]},
    "y":{"direction":"output","bits":[6]},"q":{"direction":"output","bits":[7]}},
    "cells":{"and":{"type":"$_AND_","connections":{"A":[3],"B":[4],"Y":[5]}},
             "inv":{"type":"$_NOT_","connections":{"A":[5],"Y":[6]}},
             "ff":{"type":"$_DFF_P_","connections":{"C":[2],"D":[5],"Q":[7]}}}}}})";
  const gate_netlist n = lop::hw::read_gate_netlist(j, "t");
  CHECK(n.clock == "clk");
  gate_sim sim(n);
  sim.cycle();  // all zero: y settles to 1 (one toggle of load 1 in all 64 lanes)
  CHECK(sim.counted().toggles == 64);
  CHECK(sim.counted().weighted == 64);
  CHECK(sim.counted().clock == 2 * 64);
  sim.clear_activity();
  std::array<std::uint64_t, gate_sim::lanes> ones{};
  for (int l = 0; l < 10; ++l) ones[static_cast<std::size_t>(l)] = 1;  // 10 lanes get a = b = 1
  sim.set(n.at("a"), ones);
  sim.set(n.at("b"), ones);
  sim.cycle();  // a, b (load 1 each), x (load 2), y (load 1) toggle in 10 lanes; q still 0
  CHECK(sim.counted().toggles == 40);
  CHECK(sim.counted().weighted == 10 * (1 + 1 + 2 + 1));
  CHECK(get64(sim, n.at("q"), 0) == 0);
  CHECK(get64(sim, n.at("y"), 0) == 0);
  CHECK(get64(sim, n.at("y"), 10) == 1);
  sim.cycle();  // the edge: q takes x (load 1) in 10 lanes
  CHECK(sim.counted().toggles == 50);
  CHECK(sim.counted().weighted == 60);
  CHECK(sim.counted().cycles == 2);
  CHECK(get64(sim, n.at("q"), 9) == 1);
  CHECK(get64(sim, n.at("q"), 10) == 0);
}

TEST_CASE("gate_sim: bad netlists are refused with the reason", "[gate_sim]") {
  const auto refused = [](const std::string& j, const std::string& top, const std::string& what) {
    try {
      (void)lop::hw::read_gate_netlist(j, top, "n.json");
      FAIL("accepted");
    } catch (const netlist_error& e) {
      INFO(e.what());
      CHECK(std::string(e.what()).find(what) != std::string::npos);
      CHECK(std::string(e.what()).find("n.json") != std::string::npos);
    }
  };
  refused("{not json", "m", "not Yosys JSON");
  refused(all_gates_json(), "other", "no module 'other'");
  refused(R"({"modules":{"m":{"ports":{"a":{"direction":"input","bits":[2]}},"cells":{"x":{"type":"$add","connections":{}}}}}})",
          "m", "has type $add, not one of Yosys' simple gates");
  refused(R"({"modules":{"m":{"ports":{},"cells":{"x":{"type":"$_NOT_","connections":{"A":[3],"Y":[2]}},)"
          R"("y":{"type":"$_NOT_","connections":{"A":[2],"Y":[3]}}}}}})",
          "m", "combinational loop");
  refused(R"({"modules":{"m":{"ports":{"a":{"direction":"input","bits":[2]}},"cells":{"x":{"type":"$_NOT_","connections":{"A":[2],"Y":[3]}},)"
          R"("y":{"type":"$_BUF_","connections":{"A":[2],"Y":[3]}}}}}})",
          "m", "driven by several cells");
  refused(R"({"modules":{"m":{"ports":{"a":{"direction":"input","bits":[2]}},"cells":{"f":{"type":"$_DFF_P_","connections":{"C":[5],"D":[2],"Q":[3]}}}}}})",
          "m", "not clocked by an input port");
}

namespace {

// Synthesizes a generated PE and reads its netlist.
gate_netlist pe_netlist(const lop::pe_spec& s) {
  const lop::hw::design d = lop::hw::processing_element(s);
  lop::hw::temp_dir dir("lop-gate-sim-");
  std::vector<fs::path> files;
  for (const auto& m : d.modules) {
    files.push_back(dir.path() / (m.name() + ".v"));
    std::ofstream(files.back()) << m.emit();
  }
  lop::hw::synth_options o;
  o.ice40 = false;
  o.netlist_json = dir.path() / "n.json";
  (void)lop::hw::synthesize(files, d.top().name(), o);
  return lop::hw::read_gate_netlist(slurp(o.netlist_json), d.top().name());
}

// Random raw operands of f (its full bit range, fixed values sign-extended).
std::vector<std::int64_t> random_raws(const lop::number_format& f, std::size_t n, std::uint64_t seed) {
  lop::splitmix64 g(seed);
  const int w = lop::width(f);
  std::vector<std::int64_t> r(n);
  for (auto& v : r) {
    v = static_cast<std::int64_t>(g() & ((1ULL << w) - 1));
    if (f.is_fixed() && f.fixed.is_signed && ((v >> (w - 1)) & 1) != 0) v -= std::int64_t{1} << w;
  }
  return r;
}

}  // namespace

TEST_CASE("gate_sim: a registered adder's Yosys netlist computes a + b", "[gate_sim][yosys]") {
  lop::hw::temp_dir dir("lop-gate-sim-");
  const fs::path v = dir.path() / "acc.v";
  std::ofstream(v) << "module acc(input clk, input [7:0] a, input [7:0] b, output reg [8:0] s);\n"
                      "  always @(posedge clk) s <= a + b;\nendmodule\n";
  lop::hw::synth_options o;
  o.ice40 = false;
  o.netlist_json = dir.path() / "n.json";
  (void)lop::hw::synthesize({v}, "acc", o);
  const gate_netlist n = lop::hw::read_gate_netlist(slurp(o.netlist_json), "acc");
  CHECK(n.flops.size() == 9);
  gate_sim sim(n);
  lop::splitmix64 g(7);
  for (int round = 0; round < 20; ++round) {
    std::array<std::uint64_t, gate_sim::lanes> a{}, b{};
    for (int l = 0; l < gate_sim::lanes; ++l) {
      a[static_cast<std::size_t>(l)] = g() & 0xFF;
      b[static_cast<std::size_t>(l)] = g() & 0xFF;
    }
    sim.set(n.at("a"), a);
    sim.set(n.at("b"), b);
    sim.cycle();  // settles the sum
    sim.cycle();  // registers it
    for (int l = 0; l < gate_sim::lanes; ++l)
      CHECK(get64(sim, n.at("s"), l) == a[static_cast<std::size_t>(l)] + b[static_cast<std::size_t>(l)]);
  }
}

TEST_CASE("simulate_pe: synthesized PEs equal pe_model on every bit, and another model mismatches", "[gate_sim][yosys]") {
  const char* pes[] = {
      // pipeline 2, stochastic accumulator and output (LFSR draws), wrap
      "pe<a=fixed<8,3>,b=fixed<6,2,unsigned>,acc=fixed<20,4,signed,stochastic,wrap>,out=fixed<8,1,signed,stochastic,"
      "saturate>,pipeline=2>",
      // approximate multiplier, saturating accumulator
      "pe<a=fixed<8,0>,b=fixed<8,0,unsigned>,acc=fixed<18,0,signed,floor,saturate>,out=fixed<10,-6,signed,half_even,"
      "saturate>,mul=drum<k=4>>",
      // float operands, fp32 accumulator, pipeline 1
      "pe<a=fp8_e4m3fn,b=fp8_e5m2,acc=fp32,out=bf16,pipeline=1>",
      // an 80-bit (Kulisch-style) accumulator: registers wider than 64 bits
      "pe<a=fp8_e4m3fn,b=fp8_e4m3fn,acc=fixed<80,30,signed,half_even,saturate>,out=fp16>",
  };
  for (const char* text : pes) {
    INFO(text);
    const lop::pe_spec s = lop::parse_pe_spec(text);
    const gate_netlist n = pe_netlist(s);
    const long depth = 37;  // dots per lane are not a multiple of the depth: lanes restart mid-run
    const std::size_t count = 130 * static_cast<std::size_t>(depth);  // 130 dots: the last round is partial
    const auto a = random_raws(s.a, count, 1);
    const auto b = random_raws(s.b, count, 2);
    const lop::hw::pe_netlist_run r = lop::hw::simulate_pe(n, s, a, b, depth);
    INFO(r.first_mismatch);
    CHECK(r.macs == count);
    CHECK(r.mismatches == 0);
    CHECK(r.checks == 2 * 64 * (3 * static_cast<std::uint64_t>(depth) + static_cast<std::uint64_t>(s.pipeline) + 1));
    CHECK(r.weighted_toggles_per_mac() > 0);

    // The same netlist against another PE's model: a different output rounding.
    lop::pe_spec other = s;
    if (other.out.is_fixed())
      other.out.fixed.round = lop::rounding::floor;
    else
      other.out.floating.round = lop::rounding::floor;
    const lop::hw::pe_netlist_run bad = lop::hw::simulate_pe(n, other, a, b, depth);
    CHECK(bad.mismatches > 0);
    CHECK(!bad.first_mismatch.empty());

    // Zero operands switch less than random ones.
    const std::vector<std::int64_t> zeros(count, 0);
    CHECK(lop::hw::simulate_pe(n, s, zeros, zeros, depth).weighted_toggles_per_mac() < r.weighted_toggles_per_mac());
  }
  CHECK_THROWS_AS(lop::hw::simulate_pe(pe_netlist(lop::parse_pe_spec(pes[1])), lop::parse_pe_spec(pes[1]),
                                       std::vector<std::int64_t>(10), std::vector<std::int64_t>(10), 3),
                  netlist_error);
}
