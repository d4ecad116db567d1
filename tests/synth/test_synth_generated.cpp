// Synthesis of Verilog produced by the hwgen generators: no latches, no warnings, every cell
// costed (flip-flops included), sizes that grow the way the descriptors say they should.
#include <catch2/catch.hpp>

#include <map>
#include <string>
#include <vector>

#include "lop/pe_spec.hpp"
#include "lop/hw/generators.hpp"
#include "lop/hw/synth.hpp"
#include "lop/hw/temp_dir.hpp"
#include "synth_util.hpp"

using lop_synth_test::check_clean;
using lop_synth_test::synth_design;

namespace {

constexpr long dff_cost = 16;  // Yosys 0.23 `stat -tech cmos` cost of $_DFF_P_

}  // namespace

TEST_CASE("synthesize generated combinational units", "[synth][generated]") {
  const auto a = lop::parse_fixed_format("fixed<8,4,signed,floor,wrap>");
  const auto b = lop::parse_fixed_format("fixed<8,6,signed,floor,wrap>");

  const auto mul = synth_design(lop::hw::multiplier(a, b));
  check_clean(mul);
  CHECK(mul.flip_flops == 0);

  const auto add = synth_design(lop::hw::adder(a, b));
  check_clean(add);
  CHECK(add.flip_flops == 0);
  CHECK(add.transistors < mul.transistors);  // an 8x8 multiplier is larger than an 8-bit adder

  const auto q = synth_design(lop::hw::quantizer(lop::parse_fixed_format("fixed<16,8,signed,floor,wrap>"),
                                                 lop::parse_fixed_format("fixed<8,4,signed,half_even,saturate>")));
  check_clean(q);
  CHECK(q.flip_flops == 0);

  const auto qc = synth_design(lop::hw::quantizer(lop::parse_fixed_format("fixed<16,8,signed,floor,wrap>"),
                                                  lop::parse_fixed_format("fixed<8,4,signed,ceil,saturate_symmetric>")));
  check_clean(qc);
  CHECK(qc.flip_flops == 0);
}

TEST_CASE("synthesize generated processing elements", "[synth][generated]") {
  const auto base = lop::parse_pe_spec(
      "pe<a=fixed<8,4,signed,floor,wrap>,b=fixed<8,4,signed,floor,wrap>,"
      "acc=fixed<20,8,signed,floor,saturate>,out=fixed<8,4,signed,half_even,saturate>,mul=exact,pipeline=0>");
  const auto mul = synth_design(lop::hw::multiplier(base.a.fixed, base.b.fixed));

  const auto p0 = synth_design(lop::hw::processing_element(base), true);
  check_clean(p0);
  // acc and out registers at least, each costed as a flop.
  CHECK(p0.flip_flops >= base.acc.fixed.width + base.out.fixed.width);
  CHECK(p0.transistors >= dff_cost * p0.flip_flops + mul.transistors / 2);
  CHECK(p0.ice40_lut4 > 0);
  CHECK(p0.ice40_cells > p0.ice40_lut4);

  auto spec1 = base;
  spec1.pipeline = 1;
  const auto p1 = synth_design(lop::hw::processing_element(spec1));
  check_clean(p1);
  CHECK(p1.flip_flops > p0.flip_flops);  // product register stage
  CHECK(p1.transistors > p0.transistors);

  auto spec2 = base;
  spec2.pipeline = 2;
  const auto p2 = synth_design(lop::hw::processing_element(spec2));
  check_clean(p2);
  CHECK(p2.flip_flops >= p1.flip_flops + base.a.fixed.width + base.b.fixed.width);  // input register stage

  auto st = base;
  st.out.fixed.round = lop::rounding::stochastic;
  const auto ps = synth_design(lop::hw::processing_element(st));
  check_clean(ps);
  CHECK(ps.flip_flops >= p0.flip_flops + 32);  // the LFSR state

  auto ce = base;
  ce.acc.fixed.round = lop::rounding::ceil;
  ce.out.fixed.round = lop::rounding::ceil;
  const auto pc = synth_design(lop::hw::processing_element(ce));
  check_clean(pc);
  CHECK(pc.flip_flops >= base.acc.fixed.width + base.out.fixed.width);  // no LFSR: ceil is deterministic

  // Determinism of the whole path (generator + Yosys).
  CHECK(lop::hw::to_json(synth_design(lop::hw::processing_element(base), true)) == lop::hw::to_json(p0));
}

TEST_CASE("synthesize approximate multipliers", "[synth][generated][approx]") {
  // Each family synthesizes clean, and saves area against the full array the way its
  // definition says it should (docs/multipliers.md has the whole table).
  const auto u8 = lop::parse_fixed_format("fixed<8,0,unsigned>");
  const auto s8 = lop::parse_fixed_format("fixed<8,0,signed>");
  const auto u16 = lop::parse_fixed_format("fixed<16,0,unsigned>");
  const auto area = [](const lop::multiplier& m, const lop::fixed_format& a, const lop::fixed_format& b) {
    const auto r = synth_design(lop::hw::approximate_multiplier(m, a, b));
    check_clean(r);
    CHECK(r.flip_flops == 0);
    return r.transistors;
  };
  const long exact8 = area(lop::multiplier::exact, u8, u8);
  CHECK(area(lop::multiplier::truncated(6), u8, u8) < exact8);
  CHECK(area(lop::multiplier::truncated(4), u8, u8) > area(lop::multiplier::truncated(8), u8, u8));
  CHECK(area(lop::multiplier::broken_array(2, 6), u8, u8) < exact8);
  CHECK(area(lop::multiplier::drum(3), s8, s8) < area(lop::multiplier::drum(6), s8, s8));
  // Ax-BxP: fewer block products, less area; fixed block positions need no selection logic.
  const auto axbxp = [](int na, int nb, int l, lop::block_select sel) { return lop::multiplier::axbxp(2, na, nb, l, sel); };
  CHECK(area(axbxp(2, 2, 3, lop::block_select::fixed), u8, u8) < area(axbxp(4, 4, 16, lop::block_select::fixed), u8, u8));
  CHECK(area(axbxp(2, 2, 3, lop::block_select::fixed), s8, s8) < area(axbxp(2, 2, 3, lop::block_select::dynamic), s8, s8));
  area(lop::multiplier::drum(4, lop::mul_negate::exact), s8, s8);
  area(lop::multiplier::mitchell(lop::mul_correction::constant), s8, u8);
  area(lop::multiplier::truncated(5, lop::mul_correction::variable), s8, s8);
  const long exact16 = area(lop::multiplier::exact, u16, u16);
  CHECK(area(lop::multiplier::mitchell(), u16, u16) < exact16 / 2);
  CHECK(area(lop::multiplier::drum(6), u16, u16) < exact16 / 2);
}
