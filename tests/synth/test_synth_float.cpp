// Synthesis of the float units (lop/hw/float_units.hpp): no latches, no warnings, every cell
// costed; combinational units have no flip-flops, pipelined ones exactly their stage registers;
// sizes grow with the formats.
#include <catch2/catch.hpp>

#include <string>
#include <vector>

#include "lop/float_format.hpp"
#include "lop/hw/float_units.hpp"
#include "lop/hw/synth.hpp"
#include "lop/hw/temp_dir.hpp"
#include "lop/pe_spec.hpp"
#include "synth_util.hpp"

using lop_synth_test::check_clean;
using lop_synth_test::synth_design;

namespace {

lop::float_format with_round(lop::float_format f, lop::rounding r) {
  f.round = r;
  return f;
}

}  // namespace

TEST_CASE("synthesize float units", "[synth][float]") {
  using namespace lop::formats;
  const auto m8 = synth_design(lop::hw::float_multiplier(fp8_e4m3fn, fp8_e4m3fn, fp8_e4m3fn));
  check_clean(m8);
  CHECK(m8.flip_flops == 0);
  const auto m16 = synth_design(lop::hw::float_multiplier(fp16, fp16, fp16));
  check_clean(m16);
  CHECK(m16.flip_flops == 0);
  CHECK(m8.transistors < m16.transistors);

  const auto a16 = synth_design(lop::hw::float_adder(fp16, fp16, fp16));
  check_clean(a16);
  CHECK(a16.flip_flops == 0);
  const auto c = synth_design(lop::hw::float_converter(fp32, with_round(fp8_e4m3fn, lop::rounding::ceil)));
  check_clean(c);
  CHECK(c.flip_flops == 0);

  // Stochastic rounding keeps 32 more bits through the round block and compares with rnd.
  const auto a16s = synth_design(lop::hw::float_adder(fp16, fp16, with_round(fp16, lop::rounding::stochastic)));
  check_clean(a16s);
  CHECK(a16s.transistors > a16.transistors);

  // Pipeline stages: registers and nothing else sequential; more stages, more flops.
  const auto p1 = synth_design(lop::hw::float_multiplier(fp16, fp16, fp16, 1));
  check_clean(p1);
  CHECK(p1.flip_flops > 0);
  const auto p3 = synth_design(lop::hw::float_multiplier(fp16, fp16, fp16, 3));
  check_clean(p3);
  CHECK(p3.flip_flops >= p1.flip_flops + 2 * 16 + 16);  // + input registers and an output register

  // Determinism of generator + Yosys.
  CHECK(lop::hw::to_json(synth_design(lop::hw::float_adder(fp16, fp16, fp16))) == lop::hw::to_json(a16));
}

TEST_CASE("synthesize float processing elements", "[synth][float][pe]") {
  // Pipeline 0: the only flops are acc and out (no LFSR without stochastic rounding).
  const lop::pe_spec p0 = lop::parse_pe_spec("pe<a=fp8_e4m3fn,b=fp8_e4m3fn,acc=fp16,out=fp8_e4m3fn,mac=fused>");
  const auto r0 = synth_design(lop::hw::processing_element(p0));
  check_clean(r0);
  CHECK(r0.flip_flops == 16 + 8);
  // Pipeline 2: + inputs (8 + 8 + en + clear) and the exact product (sign, 8 x 4-bit
  // significand product, exponent, zero/nan/inf, en, clear).
  lop::pe_spec p2 = p0;
  p2.pipeline = 2;
  const auto r2 = synth_design(lop::hw::processing_element(p2));
  check_clean(r2);
  CHECK(r2.flip_flops > r0.flip_flops + 18 + 8 + 5);
  // A fixed accumulator fed by float products, unfused, stochastic: + the 32-bit LFSR.
  const lop::pe_spec pf = lop::parse_pe_spec(
      "pe<a=fp8_e4m3fn,b=fp8_e4m3fn,acc=fixed<24,10,signed,stochastic,saturate>,out=fp8_e4m3fn,mac=unfused>");
  const auto rf = synth_design(lop::hw::processing_element(pf));
  check_clean(rf);
  CHECK(rf.flip_flops == 24 + 8 + 32);
}
