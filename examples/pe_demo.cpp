// lop-demo: the quick-start main job. For one PE descriptor (LOP_DEMO_PE, chosen at
// configure time) it co-simulates the generated Verilog (Verilated at build time) against
// lop::pe_model on seeded random MAC streams, comparing every bit of `out` and `acc` each
// cycle, then synthesizes the same Verilog with Yosys and prints the report.
//
//   lop-demo [cycles] [seed] [--json]
#include <lop/hw/generators.hpp>
#include <lop/hw/synth.hpp>
#include <lop/lop.hpp>

#include <cstdint>
#include <cstdlib>
#include <filesystem>
#include <random>
#include <string>
#include <type_traits>
#include <vector>

#include "Vlop_demo_pe.h"
#include "verilated.h"

namespace {


// The seed port exists only when the PE rounds stochastically.
template <class Model>
void load_seed(Model& m, std::uint32_t seed) {
  if constexpr (requires { m.seed; }) m.seed = seed;
}

std::uint64_t mask(int w) { return w >= 64 ? ~std::uint64_t{0} : (std::uint64_t{1} << w) - 1; }

// Compares the model's out/acc with the hardware's, all bits; returns mismatches.
long cosimulate(const lop::pe_spec& s, long cycles, std::uint32_t seed) {
  static_assert(sizeof(Vlop_demo_pe::out) <= 8 && sizeof(Vlop_demo_pe::acc) <= 8,
                "lop-demo drives ports of at most 64 bits; choose a PE with acc <= 64 bits");
  VerilatedContext ctx;
  Vlop_demo_pe top(&ctx);
  lop::pe_model model(s, seed);
  std::mt19937_64 rng(seed);
  auto tick = [&] {
    top.clk = 0;
    top.eval();
    top.clk = 1;
    top.eval();
  };
  load_seed(top, seed);
  top.rst = 1;
  top.en = top.clear = 0;
  tick();
  top.rst = 0;
  model.reset(seed);

  struct input { bool en, clear; std::uint64_t a, b; };
  std::vector<input> pipe(static_cast<std::size_t>(s.pipeline));  // inputs in flight
  long bad = 0;
  for (long c = 0; c < cycles; ++c) {
    const std::uint64_t r = rng();
    input in{(r & 7) != 0, (r >> 3 & 63) == 0, rng() & mask(s.a.fixed.width), rng() & mask(s.b.fixed.width)};
    top.en = in.en;
    top.clear = in.clear;
    top.a = static_cast<std::remove_reference_t<decltype(top.a)>>(in.a);
    top.b = static_cast<std::remove_reference_t<decltype(top.b)>>(in.b);
    tick();
    // The model sees each input when it reaches the accumulator stage.
    pipe.insert(pipe.begin(), in);
    const input now = pipe.back();
    pipe.pop_back();
    if (now.en) {
      model.mac(lop::detail::extend<lop::detail::i128>(now.a, s.a.fixed.width, s.a.fixed.is_signed),
                lop::detail::extend<lop::detail::i128>(now.b, s.b.fixed.width, s.b.fixed.is_signed), now.clear);
    } else if (now.clear) {
      model.clear();
    }
    const auto want_out = static_cast<std::uint64_t>(model.out()) & mask(s.out.fixed.width);
    const auto want_acc = static_cast<std::uint64_t>(model.acc()) & mask(s.acc.fixed.width);
    if (top.out != want_out || top.acc != want_acc) {
      if (++bad <= 5)
        fmt::print(stderr, "cycle {}: out {:#x} (model {:#x}), acc {:#x} (model {:#x})\n", c,
                   static_cast<std::uint64_t>(top.out), want_out, static_cast<std::uint64_t>(top.acc), want_acc);
    }
  }
  top.final();
  return bad;
}

}  // namespace

int main(int argc, char** argv) {
  const lop::pe_spec s = lop::parse_pe_spec(LOP_DEMO_PE);
  long cycles = 1'000'000;
  std::uint32_t seed = 2024;
  bool json = false;
  std::vector<std::string> pos;
  for (int i = 1; i < argc; ++i) {
    const std::string arg = argv[i];
    if (arg == "--json") {
      json = true;
    } else if (arg == "-h" || arg == "--help") {
      fmt::print("usage: lop-demo [cycles] [seed] [--json]\n"
                 "Co-simulates and synthesizes the PE {}\n(re-configure with -DLOP_DEMO_PE=... for another)\n", LOP_DEMO_PE);
      return 0;
    } else {
      pos.push_back(arg);
    }
  }
  try {
    if (!pos.empty()) cycles = std::stol(pos[0]);
    if (pos.size() > 1) seed = static_cast<std::uint32_t>(std::stoul(pos[1]));
  } catch (const std::exception&) {
    fmt::print(stderr, "lop-demo: cycles and seed must be integers (see --help)\n");
    return 2;
  }

  fmt::print("PE        {}\n", s);
  const long bad = cosimulate(s, cycles, seed);
  fmt::print("co-sim    {} cycles (seed {}), every bit of out and acc compared: {} mismatches\n", cycles, seed, bad);

  std::vector<std::filesystem::path> files;
  for (const auto& e : std::filesystem::directory_iterator(LOP_DEMO_VERILOG_DIR))
    if (e.path().extension() == ".v") files.push_back(e.path());
  std::sort(files.begin(), files.end());
  try {
    const lop::hw::synth_report r = lop::hw::synthesize(files, lop::hw::pe_name(s));
    if (json) {
      fmt::print("{}\n", lop::hw::to_json(r));
    } else {
      fmt::print("synthesis {} ({} Verilog files in {})\n", r.yosys_version, files.size(), LOP_DEMO_VERILOG_DIR);
      fmt::print("  cells            {}\n  flip-flops       {}\n  CMOS transistors {}\n  iCE40 LUT4       {}\n  iCE40 cells      {}\n",
                 r.cells, r.flip_flops, r.transistors, r.ice40_lut4, r.ice40_cells);
    }
  } catch (const lop::hw::synth_error& e) {
    fmt::print(stderr, "lop-demo: synthesis failed: {}\n", e.what());
    return 1;
  }
  return bad == 0 ? 0 : 1;
}
