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
