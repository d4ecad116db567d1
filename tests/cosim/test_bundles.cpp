// Bit-exact co-simulation of lop-hwgen bundles against the C++ model. Each bundle is built
// from a list file in this directory by lop_add_verilated(KIND bundle); the test reads the
// same file. Set LOP_COSIM_SCALE (e.g. 0.1 or 4) to scale the random vector counts.
#include <catch2/catch.hpp>

#include <chrono>
#include <cstdlib>
#include <iostream>
#include <string>

#include "Vlop_cosim_arith.h"
#include "Vlop_cosim_pe.h"
#include "Vlop_cosim_pe_approx.h"
#include "Vlop_cosim_pe_float_small.h"
#include "Vlop_cosim_pe_float_wide.h"
#include "Vlop_cosim_pe_table.h"
#include "Vlop_cosim_quant_s.h"
#include "Vlop_cosim_quant_u.h"
#include "cosim.hpp"
#include "lop/table_multiplier.hpp"
#include "../unit/user_circuits.hpp"

namespace {

using namespace lop_cosim;

template <class Model>
void comb_bundle(const char* list, std::uint64_t seed) {
  const auto units = read_list(list_path(list));
  REQUIRE(!units.empty());
  Model m;
  failures fail;
  comb_config cfg;
  cfg.seed = seed;
  cfg.random_vectors = static_cast<std::uint64_t>(1'000'000 * scale());
  const auto t0 = std::chrono::steady_clock::now();
  const comb_stats st = run_comb_bundle(m, units, cfg, fail);
  m.final();
  const double secs = std::chrono::duration<double>(std::chrono::steady_clock::now() - t0).count();
  std::cout << "[cosim] " << list << ": " << st.units << " units (" << st.exhaustive_units
            << " exhaustive), " << st.vectors << " vectors, " << st.checks << " unit checks, seed "
            << hex(seed) << ", " << secs << " s\n";
  INFO("bundle " << list << ", seed " << hex(seed) << ": " << fail.summary());
  CHECK(fail.count == 0);
  CHECK(st.vectors >= cfg.random_vectors);
}

// Every PE of a bundle against lop::pe_model, cycle by cycle: operands of <= 16 bits together
// get every (a, b) pair, then cfg.random_macs (scaled by LOP_COSIM_SCALE) random MACs reach
// every PE.
template <class Model>
void pe_bundle(const char* list, pe_config cfg) {
  const auto units = read_list(list_path(list));
  REQUIRE(!units.empty());
  Model m;
  failures fail;
  cfg.random_macs = static_cast<std::uint64_t>(static_cast<double>(cfg.random_macs) * scale());
  const auto t0 = std::chrono::steady_clock::now();
  const pe_stats st = run_pe_bundle(m, units, cfg, fail);
  m.final();
  const double secs = std::chrono::duration<double>(std::chrono::steady_clock::now() - t0).count();
  std::cout << "[cosim] " << list << ": " << st.units << " PEs (" << st.exhaustive_units
            << " with every operand pair), " << st.cycles << " cycles, " << st.checks
            << " register checks, >= " << st.min_macs << " MACs per PE, " << st.clipping_units
            << " PEs overflowed their accumulator >= 100 times, stimulus seed " << hex(cfg.seed) << ", " << secs
            << " s\n";
  INFO("bundle " << list << ", stimulus seed " << hex(cfg.seed) << ": " << fail.summary());
  CHECK(fail.count == 0);
  CHECK(st.min_macs >= cfg.random_macs);
}

// Float-operand PEs (docs/cfloat.md section 5): the pairs in a shuffled order with frequent
// clears (many accumulator states), then `random_macs` random/special MACs.
template <class Model>
void float_pe_bundle(const char* list, std::uint64_t seed, std::uint64_t random_macs, double clear_rate) {
  pe_config cfg;
  cfg.seed = seed;
  cfg.random_macs = random_macs;
  cfg.shuffle_exhaustive = true;
  cfg.exhaustive_clear_rate = clear_rate;
  pe_bundle<Model>(list, cfg);
}

// Fixed-point PEs: the pairs in order, then 1,000,000 random MACs.
template <class Model>
void fixed_pe_bundle(const char* list) {
  pe_config cfg;
  cfg.random_macs = 1'000'000;
  pe_bundle<Model>(list, cfg);
}

}  // namespace

TEST_CASE("cosim: float PEs with operands of <= 8 bits", "[cosim][pe_float_small]") {
  float_pe_bundle<Vlop_cosim_pe_float_small>("pe_float_small.list", 0xF1EA7C0DEULL, 200'000, 1.0 / 150.0);
}

TEST_CASE("cosim: float PEs with fp16/bf16/fp32 operands", "[cosim][pe_float_wide]") {
  float_pe_bundle<Vlop_cosim_pe_float_wide>("pe_float_wide.list", 0x5EED16B7ULL, 1'000'000, 1.0 / 3000.0);
}

TEST_CASE("cosim: quantizers with signed inputs", "[cosim][quantize]") {
  comb_bundle<Vlop_cosim_quant_s>("quant_s.list", 0x51C0FFEEULL);
}

TEST_CASE("cosim: quantizers with unsigned inputs", "[cosim][quantize]") {
  comb_bundle<Vlop_cosim_quant_u>("quant_u.list", 0x0BADF00DULL);
}

TEST_CASE("cosim: exact multipliers and adders", "[cosim][arith]") {
  comb_bundle<Vlop_cosim_arith>("arith.list", 0xA817ULL);
}

TEST_CASE("cosim: processing elements", "[cosim][pe]") { fixed_pe_bundle<Vlop_cosim_pe>("pe.list"); }

TEST_CASE("cosim: processing elements with approximate multipliers", "[cosim][pe_approx]") {
  fixed_pe_bundle<Vlop_cosim_pe_approx>("pe_approx.list");
}

TEST_CASE("cosim: processing elements with the user's table multipliers", "[cosim][pe_table]") {
  for (const int w : {8, 16}) {
    const lop::operand_shape s{w, false};
    lop::register_table_multiplier(lop::table_multiplier("udm" + std::to_string(w), s, s, [w](std::int64_t a, std::int64_t b) {
      return static_cast<std::int64_t>(user_circuits::udm(static_cast<std::uint64_t>(a), static_cast<std::uint64_t>(b), w));
    }));
  }
  lop::register_table_multiplier(lop::table_multiplier("floor4", {6, true}, {5, true}, user_circuits::floor4));
  fixed_pe_bundle<Vlop_cosim_pe_table>("pe_table.list");
}

