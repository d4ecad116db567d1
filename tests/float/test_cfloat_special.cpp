// Explicit special cases of lop::cfloat<F>, each expected value derived by hand from the
// published format definitions (IEEE 754 binary16/32/64, bfloat16, TF32, OCP OFP8 E4M3/E5M2,
// the FNUZ variants, OCP MX FP6/FP4) and docs/cfloat.md section 2: characteristic values and
// std::numeric_limits per preset, saturation and overflow per rounding mode, underflow and
// subnormal boundaries, ties, signed zeros, NaN and Inf rules, fused multiply-add, stochastic
// rounding and its generator, comparisons, hash, text and conversions out of a cfloat.
#include <catch2/catch.hpp>

#include <cmath>
#include <compare>
#include <cstdint>
#include <functional>
#include <limits>
#include <sstream>
#include <string>
#include <type_traits>

#include "lop/cfloat.hpp"
#include "lop/fixed.hpp"

#include "../unit/test_util.hpp"

namespace {

using lop::float_format;
using lop::float_overflow;
using lop::rounding;
using lop::specials;
namespace formats = lop::formats;


template <float_format F>
std::uint64_t bits_of(double v) {
  return lop::cfloat<F>(v).bits();
}

using unit::scripted_gen;

std::string text(const auto& x) {
  std::ostringstream os;
  os << x;
  return os.str();
}

}  // namespace

// The documented constexpr example.
static_assert(lop::fp16_t(1.5) + 2 == 3.5);
static_assert(lop::fp8_e4m3fn_t(0.3).bits() == 0x2A);
static_assert(std::is_same_v<lop::fp16_t::bits_type, std::uint16_t>);
static_assert(std::is_same_v<lop::fp8_e4m3fn_t::bits_type, std::uint8_t>);
static_assert(std::is_same_v<lop::tf32_t::bits_type, std::uint32_t>);

TEST_CASE("special: fp8_e4m3fn (OCP E4M3): max 448, NaN 0x7F/0xFF, saturation", "[cfloat][special]") {
  using T = lop::fp8_e4m3fn_t;
  // S.EEEE.MMM, bias 7: max = 1.110b * 2^(15-7) = 448 = 0x7E; 0x7F is NaN.
  CHECK(T::from_bits(0x7E).to_double() == 448.0);
  CHECK(T::max().bits() == 0x7E);
  CHECK(T::lowest().bits() == 0xFE);
  CHECK(lop::isnan(T::from_bits(0x7F)));
  CHECK(lop::isnan(T::from_bits(0xFF)));
  CHECK(T::quiet_NaN().bits() == 0x7F);
  CHECK_FALSE(lop::isnan(T::from_bits(0x7E)));
  CHECK_FALSE(lop::isinf(T::from_bits(0x78)));  // no Inf: 0x78 = 1.000b * 2^8 = 256
  CHECK(T::from_bits(0x78).to_double() == 256.0);
  // Saturating conversion (the preset's overflow): 1000 -> 448, -1000 -> -448, Inf -> 448.
  CHECK(T(1000.0).bits() == 0x7E);
  CHECK(T(-1000.0).bits() == 0xFE);
  CHECK(T(HUGE_VAL).bits() == 0x7E);
  CHECK(T(-HUGE_VAL).bits() == 0xFE);
  CHECK(T(std::nan("")).bits() == 0x7F);
  // Beyond 448 the grid continues with 480 (the NaN slot): 464 is the tie 448|480 -> even 448.
  CHECK(T(464.0).bits() == 0x7E);
  CHECK(T(465.0).bits() == 0x7E);  // rounds to 480 > max: saturates
  // The non-saturating variant: above the tie, an overflow gives NaN; toward_zero gives max.
  constexpr float_format ns = formats::fp8_e4m3fn.with_overflow(float_overflow::infinity);
  CHECK(bits_of<ns>(464.0) == 0x7E);
  CHECK(bits_of<ns>(465.0) == 0x7F);
  CHECK(bits_of<ns>(-1000.0) == 0x7F);  // NaN has no sign preference: canonical 0x7F
  CHECK(bits_of<ns.with_rounding(rounding::toward_zero)>(1000.0) == 0x7E);
  CHECK(bits_of<ns.with_rounding(rounding::floor)>(1000.0) == 0x7E);
  CHECK(bits_of<ns.with_rounding(rounding::floor)>(-1000.0) == 0x7F);
  CHECK(bits_of<ns.with_rounding(rounding::ceil)>(-1000.0) == 0xFE);
  // Exact infinity (x / 0): saturate -> max; non-saturating -> NaN.
  CHECK((T(1.0) / T(0.0)).bits() == 0x7E);
  CHECK((T(-1.0) / T(0.0)).bits() == 0xFE);
  CHECK((lop::cfloat<ns>(1.0) / lop::cfloat<ns>(0.0)).bits() == 0x7F);
  // Subnormals: min 2^-9 = 0x01, min normal 2^-6 = 0x08; 0.3 -> 0.3125 = 0x2A.
  CHECK(T::denorm_min().bits() == 0x01);
  CHECK(T::min_normal().bits() == 0x08);
  CHECK(T(0x1p-9).bits() == 0x01);
  CHECK(T(0x1p-10).bits() == 0x00);        // tie 0|2^-9 -> even 0
  CHECK(T(-0x1p-10).bits() == 0x80);       // -0
  CHECK(T(0x1.8p-10).bits() == 0x01);
  CHECK(T(0x1p-11).bits() == 0x00);
  CHECK(T(0.3).bits() == 0x2A);
  CHECK(T(0.3).to_double() == 0.3125);
  CHECK(T(1.0625).bits() == 0x38);         // 1 + 1/16: tie 1|1.125 -> even 1.0 = 0x38
  CHECK(T(1.1875).bits() == 0x3A);         // tie 1.125|1.25 -> even 1.25 = 0x3A
}

TEST_CASE("special: fp8_e5m2 (OCP E5M2): IEEE-style, Inf 0x7C", "[cfloat][special]") {
  using T = lop::fp8_e5m2_t;
  CHECK(T::max().bits() == 0x7B);
  CHECK(T::max().to_double() == 57344.0);
  CHECK(T::infinity().bits() == 0x7C);
  CHECK(lop::isinf(T::from_bits(0x7C)));
  CHECK(lop::isinf(T::from_bits(0xFC)));
  CHECK(T::quiet_NaN().bits() == 0x7E);
  for (unsigned b : {0x7Du, 0x7Eu, 0x7Fu, 0xFDu, 0xFEu, 0xFFu}) CHECK(lop::isnan(T::from_bits(b)));
  // Overflow to Inf; 61440 is the tie 57344|65536 -> even (65536) -> Inf.
  CHECK(T(1e6).bits() == 0x7C);
  CHECK(T(-1e6).bits() == 0xFC);
  CHECK(T(61440.0).bits() == 0x7C);
  CHECK(T(61439.0).bits() == 0x7B);
  CHECK(bits_of<formats::fp8_e5m2.with_rounding(rounding::toward_zero)>(1e6) == 0x7B);
  CHECK(bits_of<formats::fp8_e5m2.with_overflow(float_overflow::saturate)>(1e6) == 0x7B);
  CHECK(T::denorm_min().bits() == 0x01);
  CHECK(T::denorm_min().to_double() == 0x1p-16);
  CHECK(T::min_normal().bits() == 0x04);
  CHECK(T::min_normal().to_double() == 0x1p-14);
  // Inf arithmetic.
  const T inf = T::infinity();
  CHECK((inf + T(1.0)).bits() == 0x7C);
  CHECK((inf * T(-2.0)).bits() == 0xFC);
  CHECK((inf - inf).bits() == 0x7E);
  CHECK((inf * T(0.0)).bits() == 0x7E);
  CHECK((inf / inf).bits() == 0x7E);
  CHECK((T(1.0) / inf).bits() == 0x00);
  CHECK((T(-1.0) / inf).bits() == 0x80);
  CHECK(lop::sqrt(inf).bits() == 0x7C);
  CHECK(lop::sqrt(-inf).bits() == 0x7E);
  // NaN payloads are not propagated: any NaN operand gives the canonical NaN.
  CHECK((T::from_bits(0x7D) + T(1.0)).bits() == 0x7E);
  CHECK((T::from_bits(0xFF) * T(1.0)).bits() == 0x7E);
}

TEST_CASE("special: fp16 (IEEE binary16): max 65504, overflow per mode, subnormals, ties", "[cfloat][special]") {
  using T = lop::fp16_t;
  CHECK(T::max().bits() == 0x7BFF);
  CHECK(T::max().to_double() == 65504.0);
  CHECK(T(1.0).bits() == 0x3C00);
  CHECK(T(65519.0).bits() == 0x7BFF);     // below the tie 65520
  CHECK(T(65520.0).bits() == 0x7C00);     // tie 65504|65536 -> even -> Inf
  // Overflow: Inf, or max when the mode rounds toward zero for that sign.
  constexpr float_format h = formats::fp16;
  CHECK(bits_of<h.with_rounding(rounding::toward_zero)>(1e6) == 0x7BFF);
  CHECK(bits_of<h.with_rounding(rounding::toward_zero)>(-1e6) == 0xFBFF);
  CHECK(bits_of<h.with_rounding(rounding::floor)>(1e6) == 0x7BFF);
  CHECK(bits_of<h.with_rounding(rounding::floor)>(-1e6) == 0xFC00);
  CHECK(bits_of<h.with_rounding(rounding::ceil)>(1e6) == 0x7C00);
  CHECK(bits_of<h.with_rounding(rounding::ceil)>(-1e6) == 0xFBFF);
  CHECK(bits_of<h.with_rounding(rounding::half_away)>(1e6) == 0x7C00);
  CHECK(bits_of<h.with_rounding(rounding::half_up)>(-1e6) == 0xFC00);
  CHECK(bits_of<h.with_overflow(float_overflow::saturate)>(-1e6) == 0xFBFF);
  CHECK(bits_of<h.with_overflow(float_overflow::saturate)>(-HUGE_VAL) == 0xFC00);  // an exact Inf stays Inf
  // Subnormal boundaries: min 2^-24 = 0x0001, min normal 2^-14 = 0x0400.
  CHECK(T(0x1p-24).bits() == 0x0001);
  CHECK(T(0x1p-25).bits() == 0x0000);     // tie 0|2^-24 -> even 0
  CHECK(T(0x1.8p-25).bits() == 0x0001);
  CHECK(T(0x1p-14).bits() == 0x0400);
  CHECK(T(0x1.ff8p-15).bits() == 0x03FF);  // the largest subnormal, 1023 * 2^-24
  CHECK(T(0x1.ffcp-15).bits() == 0x0400);  // 1023.5 * 2^-24: tie 0x03FF|0x0400 -> even 0x0400
  CHECK(T(0x1.ffp-15).bits() == 0x03FE);   // 1022 * 2^-24
  CHECK(bits_of<h.with_rounding(rounding::ceil)>(1e-30) == 0x0001);
  CHECK(bits_of<h.with_rounding(rounding::floor)>(-1e-30) == 0x8001);
  CHECK(bits_of<h.with_rounding(rounding::floor)>(1e-30) == 0x0000);
  CHECK(bits_of<h.with_rounding(rounding::toward_zero)>(-1e-30) == 0x8000);
  // Ties at 1: 1 + 2^-11 is halfway between 1 and 1 + 2^-10.
  CHECK(T(1.0 + 0x1p-11).bits() == 0x3C00);                                    // even
  CHECK(T(1.0 + 3 * 0x1p-11).bits() == 0x3C02);                                // even (up)
  CHECK(bits_of<h.with_rounding(rounding::half_away)>(1.0 + 0x1p-11) == 0x3C01);
  CHECK(bits_of<h.with_rounding(rounding::half_away)>(-1.0 - 0x1p-11) == 0xBC01);
  CHECK(bits_of<h.with_rounding(rounding::half_up)>(1.0 + 0x1p-11) == 0x3C01);
  CHECK(bits_of<h.with_rounding(rounding::half_up)>(-1.0 - 0x1p-11) == 0xBC00);        // toward +inf
  CHECK(bits_of<h.with_rounding(rounding::toward_zero)>(1.0 + 0x1.fp-11) == 0x3C00);
  CHECK(bits_of<h.with_rounding(rounding::ceil)>(1.0 + 0x1p-40) == 0x3C01);
  CHECK(bits_of<h.with_rounding(rounding::floor)>(-1.0 - 0x1p-40) == 0xBC01);
  // Fused multiply-add rounds once: (1 + 2^-10)(1 - 2^-10) - 1 = -2^-20 (a subnormal),
  // where a separate product would round to 1 and give 0.
  const T a(1.0 + 0x1p-10), b(1.0 - 0x1p-10), c(-1.0);
  CHECK((a * b + c).bits() == 0x0000);
  CHECK(lop::fma(a, b, c).bits() == 0x8010);
  CHECK(lop::fma(T::infinity(), T(0.0), T(1.0)).bits() == 0x7E00);  // invalid product
  CHECK(lop::fma(T::infinity(), T(1.0), -T::infinity()).bits() == 0x7E00);
  CHECK(lop::fma(T(2.0), T(3.0), T::infinity()).bits() == 0x7C00);
  CHECK(lop::fma(T(0.0), T(-1.0), T(0.0)).bits() == 0x0000);   // -0 + +0 = +0
  CHECK(lop::fma(T(0.0), T(-1.0), T(-0.0)).bits() == 0x8000);  // -0 + -0 = -0
  // sqrt: exact squares, sqrt(2) rounded, sqrt(-0) = -0, sqrt(-1) = NaN.
  CHECK(lop::sqrt(T(4.0)).bits() == T(2.0).bits());
  CHECK(lop::sqrt(T(2.0)).bits() == 0x3DA8);  // 1.4142135 -> 1.4140625 (0x3DA8)
  CHECK(lop::sqrt(T(-0.0)).bits() == 0x8000);
  CHECK(lop::sqrt(T(-1.0)).bits() == 0x7E00);
  CHECK(lop::sqrt(T::denorm_min()).bits() == 0x0C00);  // sqrt(2^-24) = 2^-12
}

TEST_CASE("special: signed zeros and invalid operations (fp16)", "[cfloat][special]") {
  using T = lop::fp16_t;
  const T x(1.5), pz(0.0), nz(-0.0);
  CHECK(nz.bits() == 0x8000);
  CHECK((x - x).bits() == 0x0000);                 // exact x + (-x): +0
  CHECK((pz + nz).bits() == 0x0000);
  CHECK((nz + nz).bits() == 0x8000);
  CHECK((nz - pz).bits() == 0x8000);
  CHECK((nz * T(5.0)).bits() == 0x8000);
  CHECK((nz * T(-5.0)).bits() == 0x0000);
  CHECK((T(1.0) / nz).bits() == 0xFC00);
  CHECK((T(-1.0) / pz).bits() == 0xFC00);
  CHECK((pz / pz).bits() == 0x7E00);
  CHECK((T(-3.0) / T::infinity()).bits() == 0x8000);
  // With floor rounding an exact zero sum is -0.
  using Tf = lop::cfloat<formats::fp16.with_rounding(rounding::floor)>;
  CHECK((Tf(1.5) - Tf(1.5)).bits() == 0x8000);
  CHECK((Tf(0.0) + Tf(-0.0)).bits() == 0x8000);
  CHECK((Tf(0.0) + Tf(0.0)).bits() == 0x0000);
  // Underflow keeps the sign: -2^-30 -> -0.
  CHECK((T(-0x1p-15) * T(0x1p-15)).bits() == 0x8000);
  // Unary minus and abs are exact sign operations.
  CHECK((-pz).bits() == 0x8000);
  CHECK((-x).bits() == 0xBE00);
  CHECK(lop::abs(T(-2.0)).bits() == 0x4000);
  CHECK(lop::signbit(nz));
  CHECK_FALSE(lop::signbit(pz));
}

TEST_CASE("special: fnuz formats have no -0 and one NaN (0x80)", "[cfloat][special]") {
  using T = lop::fp8_e4m3fnuz_t;
  // bias 8: max = 1.111b * 2^(15-8) = 240 = 0x7F; min normal 2^-7 = 0x08; min subnormal 2^-10.
  CHECK(T::max().bits() == 0x7F);
  CHECK(T::max().to_double() == 240.0);
  CHECK(T::lowest().bits() == 0xFF);
  CHECK(T::min_normal().bits() == 0x08);
  CHECK(T::min_normal().to_double() == 0x1p-7);
  CHECK(T::denorm_min().to_double() == 0x1p-10);
  CHECK(T::quiet_NaN().bits() == 0x80);
  CHECK(lop::isnan(T::from_bits(0x80)));
  CHECK_FALSE(lop::isnan(T::from_bits(0x00)));
  CHECK(T(-0.0).bits() == 0x00);
  CHECK((T(2.0) - T(2.0)).bits() == 0x00);
  CHECK((lop::cfloat<formats::fp8_e4m3fnuz.with_rounding(rounding::floor)>(2.0) -
         lop::cfloat<formats::fp8_e4m3fnuz.with_rounding(rounding::floor)>(2.0))
            .bits() == 0x00);  // -0 with floor, but fnuz has none
  CHECK((-T(0.0)).bits() == 0x00);
  CHECK(T(-1e-9).bits() == 0x00);       // underflow to +0
  CHECK((T(-1.0) * T(0.0)).bits() == 0x00);
  CHECK((T(1.0) / T(0.0)).bits() == 0x7F);   // exact Inf saturates
  CHECK((T(-1.0) / T(0.0)).bits() == 0xFF);
  CHECK((T(0.0) / T(0.0)).bits() == 0x80);
  CHECK(lop::sqrt(T(-1.0)).bits() == 0x80);
  CHECK(T(1000.0).bits() == 0x7F);
  // Non-saturating FNUZ: overflow is NaN.
  CHECK(bits_of<formats::fp8_e4m3fnuz.with_overflow(float_overflow::infinity)>(1000.0) == 0x80);
  using U = lop::fp8_e5m2fnuz_t;
  // bias 16: max = 1.11b * 2^(31-16) = 57344 = 0x7F; min subnormal 2^-17.
  CHECK(U::max().bits() == 0x7F);
  CHECK(U::max().to_double() == 57344.0);
  CHECK(U::denorm_min().to_double() == 0x1p-17);
  CHECK(U::min_normal().to_double() == 0x1p-15);
  CHECK(U::quiet_NaN().bits() == 0x80);
}

TEST_CASE("special: OCP MX FP6/FP4 (no Inf, no NaN)", "[cfloat][special]") {
  using T = lop::fp4_e2m1fn_t;
  // E2M1, bias 1: values 0, 0.5, 1, 1.5, 2, 3, 4, 6 (codes 0..7).
  const double v[] = {0, 0.5, 1, 1.5, 2, 3, 4, 6};
  for (unsigned b = 0; b < 8; ++b) {
    CHECK(T::from_bits(b).to_double() == v[b]);
    CHECK(T::from_bits(b | 8U).to_double() == -v[b]);
  }
  CHECK(T(5.0).bits() == 0x6);    // tie 4|6 -> even 4
  CHECK(T(2.5).bits() == 0x4);    // tie 2|3 -> even 2
  CHECK(T(0.25).bits() == 0x0);   // tie 0|0.5 -> even 0
  CHECK(T(0.75).bits() == 0x2);   // tie 0.5|1 -> even 1
  CHECK(T(100.0).bits() == 0x7);  // saturate
  CHECK(T(-100.0).bits() == 0xF);
  CHECK(T(HUGE_VAL).bits() == 0x7);
  CHECK(T(std::nan("")).bits() == 0x0);  // NaN -> +0 (no NaN encoding)
  CHECK((T(0.0) / T(0.0)).bits() == 0x0);
  CHECK((T(1.0) / T(0.0)).bits() == 0x7);
  CHECK((T(-1.0) / T(0.0)).bits() == 0xF);
  CHECK(lop::sqrt(T(-1.0)).bits() == 0x0);
  CHECK((T(6.0) + T(6.0)).bits() == 0x7);
  CHECK((T(-0.0)).bits() == 0x8);  // -0 exists in `none`
  using S = lop::fp6_e2m3fn_t;
  // E2M3, bias 1: max 1.111b * 2^2 = 7.5 = 0x1F; min normal 1 = 0x08; min subnormal 0.125.
  CHECK(S::max().bits() == 0x1F);
  CHECK(S::max().to_double() == 7.5);
  CHECK(S::lowest().bits() == 0x3F);
  CHECK(S::min_normal().bits() == 0x08);
  CHECK(S::denorm_min().bits() == 0x01);
  CHECK(S::denorm_min().to_double() == 0.125);
  CHECK(S(0.0625).bits() == 0x00);  // tie 0|0.125 -> even
  CHECK(S(7.75).bits() == 0x1F);    // beyond max: saturates
  using R = lop::fp6_e3m2fn_t;
  // E3M2, bias 3: max 1.11b * 2^4 = 28 = 0x1F; min normal 2^-2 = 0x04; min subnormal 2^-4.
  CHECK(R::max().bits() == 0x1F);
  CHECK(R::max().to_double() == 28.0);
  CHECK(R::min_normal().bits() == 0x04);
  CHECK(R::denorm_min().to_double() == 0.0625);
  CHECK(R(30.0).bits() == 0x1F);
}

TEST_CASE("special: stochastic rounding takes one draw per operation", "[cfloat][special][stochastic]") {
  constexpr float_format F = formats::fp16.with_rounding(rounding::stochastic);
  using T = lop::cfloat<F>;
  // 1 + 2^-12 is a quarter quantum above 1: D = 2^30, rounds up iff D + r >= 2^32.
  scripted_gen g{0xC0000000U};
  CHECK(T(1.0 + 0x1p-12, g).bits() == 0x3C01);
  g.value = 0xBFFFFFFFU;
  CHECK(T(1.0 + 0x1p-12, g).bits() == 0x3C00);
  CHECK(g.calls == 2);
  // Negative values round the magnitude the same way.
  g.value = 0xC0000000U;
  CHECK(T(-1.0 - 0x1p-12, g).bits() == 0xBC01);
  // Exact and special results still consume one draw.
  const T one = T::from_bits(0x3C00);
  const int before = g.calls;
  (void)lop::add(one, one, g);
  (void)lop::mul(one, T::quiet_NaN(), g);
  (void)lop::div(one, T::from_bits(0), g);
  (void)lop::sub(one, one, g);
  (void)lop::sqrt(one, g);
  (void)lop::fma(one, one, one, g);
  CHECK(g.calls == before + 6);
  // D is the first 32 dropped bits only: 1 + 2^-43 = 1 + 2^-33 quanta has D = 0 and never
  // rounds up; 1 + 2^-42 has D = 1 and rounds up with r = 2^32 - 1.
  g.value = 0xFFFFFFFFU;
  CHECK(T(1.0 + 0x1p-43, g).bits() == 0x3C00);
  CHECK(T(1.0 + 0x1p-42, g).bits() == 0x3C01);
  g.value = 0xFFFFFFFEU;
  CHECK(T(1.0 + 0x1p-42, g).bits() == 0x3C00);
  // The operators draw from lop::default_generator(): one step of the LFSR per operation.
  lop::lfsr32& dg = lop::default_generator();
  const std::uint32_t s0 = dg.state();
  (void)(one + one);
  CHECK(dg.state() == lop::lfsr32::next(s0));
  // A format that does not round stochastically takes no draw.
  scripted_gen h{0};
  (void)lop::add(lop::fp16_t(1.0), lop::fp16_t(2.0), h);
  CHECK(h.calls == 0);
}

TEST_CASE("special: comparisons, hash and text", "[cfloat][special]") {
  using T = lop::fp16_t;
  const T nan = T::quiet_NaN(), one(1.0), pz(0.0), nz(-0.0);
  CHECK_FALSE(nan == nan);
  CHECK(nan != nan);
  CHECK_FALSE(nan < one);
  CHECK_FALSE(nan > one);
  CHECK_FALSE(nan <= nan);
  CHECK((nan <=> one) == std::partial_ordering::unordered);
  CHECK(pz == nz);
  CHECK_FALSE(nz < pz);
  CHECK((nz <=> pz) == std::partial_ordering::equivalent);
  CHECK(T::from_bits(0xFC00) < T::lowest());
  CHECK(T::max() < T::infinity());
  CHECK(one < T::from_bits(0x3C01));
  CHECK(-one < nz);
  // Exact comparisons with native numbers and other formats.
  CHECK(T(1.5) == 1.5);
  CHECK(T(0.1) != 0.1);
  CHECK(T(0.1) < 0.1);  // 0.0999755859375
  CHECK(T(0.1) == 0.0999755859375);
  CHECK(T(3.0) == 3);
  CHECK(lop::fp8_e4m3fn_t(448.0) == T(448.0));
  CHECK(lop::fp8_e4m3fn_t(0.3) > T(0.3));  // 0.3125 > 0.30004882...
  CHECK((lop::bf16_t(1.0) <=> lop::fp8_e5m2_t(1.0)) == std::partial_ordering::equivalent);
  // Equal values hash equally.
  std::hash<T> hs;
  CHECK(hs(pz) == hs(nz));
  CHECK(hs(T(2.5)) == hs(T::from_bits(T(2.5).bits())));
  // Text: the shortest decimal that reads back; nan, inf, -inf, -0.
  CHECK(text(T(1.5)) == "1.5");
  CHECK(text(T::max()) == "65504");
  CHECK(text(nz) == "-0");
  CHECK(text(pz) == "0");
  CHECK(text(nan) == "nan");
  CHECK(text(T::infinity()) == "inf");
  CHECK(text(-T::infinity()) == "-inf");
  CHECK(text(T(0.1)) == "0.0999755859375");
  CHECK(text(lop::fp8_e4m3fn_t(0.3)) == "0.3125");
  CHECK(lop::to_string(T::denorm_min()) == "5.960464477539063e-08");
}

TEST_CASE("special: conversions out of a cfloat", "[cfloat][special]") {
  using T = lop::fp16_t;
  CHECK(static_cast<int>(T(65504.0)) == 65504);
  CHECK(static_cast<int>(T(-2.75)) == -2);   // toward zero
  CHECK(static_cast<int>(T(2.75)) == 2);
  CHECK(static_cast<std::int8_t>(T(1000.0)) == 127);  // saturated
  CHECK(static_cast<std::int8_t>(T(-1000.0)) == -128);
  CHECK(static_cast<std::uint8_t>(T(-5.0)) == 0);
  CHECK(static_cast<int>(T::quiet_NaN()) == 0);
  CHECK(static_cast<int>(T::infinity()) == std::numeric_limits<int>::max());
  CHECK(static_cast<long long>(-T::infinity()) == std::numeric_limits<long long>::min());
  CHECK(static_cast<bool>(T(0.0)) == false);
  CHECK(static_cast<bool>(T(-0.0)) == false);
  CHECK(static_cast<bool>(T::quiet_NaN()) == true);
  CHECK(static_cast<double>(T::infinity()) == HUGE_VAL);
  CHECK(std::isnan(static_cast<double>(T::quiet_NaN())));
  CHECK(std::signbit(static_cast<double>(T(-0.0))));
  CHECK(static_cast<float>(T(0.1)) == 0.0999755859375f);
  // fp64 values round to nearest-even in float: 1 + 2^-24 is a tie -> 1.
  CHECK(lop::cfloat<formats::fp64>(1.0 + 0x1p-24).to_float() == 1.0f);
  CHECK(lop::cfloat<formats::fp64>(1e300).to_float() == HUGE_VALF);
  // To lop::fixed: the fixed quantizer on the exact value; NaN -> 0, Inf -> extreme.
  using Q = lop::sfixed<8, 4, rounding::half_even, lop::overflow::saturate>;
  CHECK(static_cast<Q>(T(1.53125)).raw() == 24);  // 1.53125 * 16 = 24.5 -> even 24
  CHECK(static_cast<Q>(T(1.59375)).raw() == 26);  // 25.5 -> 26
  CHECK(static_cast<Q>(T(100.0)).raw() == 127);
  CHECK(static_cast<Q>(T::infinity()).raw() == 127);
  CHECK(static_cast<Q>(-T::infinity()).raw() == -128);
  CHECK(static_cast<Q>(T::quiet_NaN()).raw() == 0);
  using Z = lop::sfixed<8, 4, rounding::floor, lop::overflow::saturate_zero>;
  CHECK(static_cast<Z>(T::infinity()).raw() == 0);
  // From lop::fixed and integers: exact operand, one rounding.
  CHECK(T(Q(-1.5)).to_double() == -1.5);
  CHECK(T(Q(-1.5)).bits() == 0xBE00);
  CHECK(T(2049).bits() == T(2048.0).bits());   // 2049: tie 2048|2050 -> even 2048
  CHECK(T(2051).bits() == T(2052.0).bits());   // tie 2050|2052 -> even 2052
  CHECK(T(100000).bits() == 0x7C00);
  CHECK((T(1.0) + 2049).bits() == T(2050.0).bits());  // 2050 exact
}

namespace {
struct expected_limits {
  double max, min, denorm_min, epsilon;
  int digits, min_exponent, max_exponent;
  bool has_infinity, has_quiet_NaN, iec559;
};
template <float_format F>
void check_limits(const expected_limits& e) {
  using L = std::numeric_limits<lop::cfloat<F>>;
  INFO(lop::to_string(F));
  CHECK(L::is_specialized);
  CHECK(L::max().to_double() == e.max);
  CHECK(L::lowest().to_double() == -e.max);
  CHECK(L::min().to_double() == e.min);
  CHECK(L::denorm_min().to_double() == e.denorm_min);
  CHECK(L::epsilon().to_double() == e.epsilon);
  CHECK(L::digits == e.digits);
  CHECK(L::min_exponent == e.min_exponent);
  CHECK(L::max_exponent == e.max_exponent);
  CHECK(L::has_infinity == e.has_infinity);
  CHECK(L::has_quiet_NaN == e.has_quiet_NaN);
  CHECK(L::has_denorm == std::denorm_present);
  CHECK(L::is_iec559 == e.iec559);
  CHECK(L::radix == 2);
  CHECK(L::round_style == std::round_to_nearest);
  if (e.has_infinity) CHECK(lop::isinf(L::infinity()));
  else CHECK(L::infinity().bits() == L::max().bits());
  if (e.has_quiet_NaN) CHECK(lop::isnan(L::quiet_NaN()));
  else CHECK(L::quiet_NaN().bits() == 0);
  // C++ convention: the normal range is [2^(min_exponent-1), 2^max_exponent).
  CHECK(e.min == std::ldexp(1.0, e.min_exponent - 1));
  CHECK(e.max < std::ldexp(1.0, e.max_exponent));
  CHECK(e.max >= std::ldexp(1.0, e.max_exponent - 1));
}
template <float_format F, class N>
void check_native_limits() {
  using L = std::numeric_limits<lop::cfloat<F>>;
  using M = std::numeric_limits<N>;
  INFO(lop::to_string(F));
  CHECK(L::max().to_double() == static_cast<double>(M::max()));
  CHECK(L::min().to_double() == static_cast<double>(M::min()));
  CHECK(L::denorm_min().to_double() == static_cast<double>(M::denorm_min()));
  CHECK(L::epsilon().to_double() == static_cast<double>(M::epsilon()));
  CHECK(L::round_error().to_double() == static_cast<double>(M::round_error()));
  CHECK(L::digits == M::digits);
  CHECK(L::digits10 == M::digits10);
  CHECK(L::max_digits10 == M::max_digits10);
  CHECK(L::min_exponent == M::min_exponent);
  CHECK(L::min_exponent10 == M::min_exponent10);
  CHECK(L::max_exponent == M::max_exponent);
  CHECK(L::max_exponent10 == M::max_exponent10);
  CHECK(L::has_infinity == M::has_infinity);
  CHECK(L::has_quiet_NaN == M::has_quiet_NaN);
  CHECK(L::has_denorm == M::has_denorm);
  CHECK(L::is_iec559 == M::is_iec559);
  CHECK(L::is_signed == M::is_signed);
  CHECK(L::is_integer == M::is_integer);
  CHECK(L::is_exact == M::is_exact);
  CHECK(L::is_bounded == M::is_bounded);
  CHECK(L::round_style == M::round_style);
}
}  // namespace

TEST_CASE("special: std::numeric_limits of every preset", "[cfloat][special][limits]") {
  check_native_limits<formats::fp32, float>();
  check_native_limits<formats::fp64, double>();
  //                                 max                     min        denorm_min  epsilon dig minE maxE  inf    nan   iec559
  check_limits<formats::fp16>({65504.0, 0x1p-14, 0x1p-24, 0x1p-10, 11, -13, 16, true, true, true});
  check_limits<formats::bf16>({0x1.fep127, 0x1p-126, 0x1p-133, 0x1p-7, 8, -125, 128, true, true, true});
  check_limits<formats::tf32>({0x1.ffcp127, 0x1p-126, 0x1p-136, 0x1p-10, 11, -125, 128, true, true, true});
  check_limits<formats::fp8_e4m3fn>({448.0, 0x1p-6, 0x1p-9, 0x1p-3, 4, -5, 9, false, true, false});
  check_limits<formats::fp8_e5m2>({57344.0, 0x1p-14, 0x1p-16, 0x1p-2, 3, -13, 16, true, true, true});
  check_limits<formats::fp8_e4m3fnuz>({240.0, 0x1p-7, 0x1p-10, 0x1p-3, 4, -6, 8, false, true, false});
  check_limits<formats::fp8_e5m2fnuz>({57344.0, 0x1p-15, 0x1p-17, 0x1p-2, 3, -14, 16, false, true, false});
  check_limits<formats::fp6_e2m3fn>({7.5, 1.0, 0.125, 0.125, 4, 1, 3, false, false, false});
  check_limits<formats::fp6_e3m2fn>({28.0, 0.25, 0.0625, 0.25, 3, -1, 5, false, false, false});
  check_limits<formats::fp4_e2m1fn>({6.0, 1.0, 0.5, 0.5, 2, 1, 3, false, false, false});
  // Per-encoding availability beyond the presets.
  using NS = std::numeric_limits<lop::cfloat<float_format{5, 10, 15, false}>>;
  CHECK(NS::has_denorm == std::denorm_absent);
  CHECK(NS::denorm_min().bits() == NS::min().bits());
  CHECK_FALSE(NS::is_iec559);
  using SR = std::numeric_limits<lop::cfloat<formats::fp16.with_rounding(rounding::stochastic)>>;
  CHECK(SR::round_style == std::round_indeterminate);
  using TZ = std::numeric_limits<lop::cfloat<formats::fp16.with_rounding(rounding::toward_zero)>>;
  CHECK(TZ::round_style == std::round_toward_zero);
}

TEST_CASE("special: division by a 64-bit integer just off a grid point or midpoint (fp64)",
          "[cfloat][special]") {
  // A / b with b a 64-bit odd integer and A = (q*b + 1) / 2^64 an integer double: the quotient
  // is q * 2^-64 + 2^-64 / b, i.e. about 2^-64 quantum above q * 2^-64. With q of 53 bits that
  // is a hair above a grid point (ceil rounds up, the others down); with q odd of 54 bits it is
  // a hair above a midpoint (every nearest mode rounds up). Only a division that remembers a
  // nonzero remainder far below the rounding position gets these right.
  __extension__ typedef unsigned __int128 u128;
  std::uint64_t state = 0x243F6A8885A308D3ULL;
  auto next = [&] {
    state = state * 6364136223846793005ULL + 1442695040888963407ULL;
    return state;
  };
  int grid = 0, mid = 0;
  for (int trial = 0; trial < 400000 && (grid < 20 || mid < 20); ++trial) {
    const std::uint64_t b = next() | 0x8000000000000001ULL;
    std::uint64_t inv = b;  // b^-1 mod 2^64 by Newton's iteration
    for (int i = 0; i < 6; ++i) inv *= 2 - b * inv;
    const std::uint64_t q = 0 - inv;  // q * b = -1 (mod 2^64)
    const bool is_grid = q >= (std::uint64_t{1} << 52) && q < (std::uint64_t{1} << 53);
    const bool is_mid = q >= (std::uint64_t{1} << 53) && q < (std::uint64_t{1} << 54) && (q & 1U) != 0;
    if (!is_grid && !is_mid) continue;
    const u128 num = static_cast<u128>(q) * b + 1;
    const u128 A = num >> 64;
    if ((num & ~std::uint64_t{0}) != 0 || A >= (u128{1} << 53)) continue;
    const double a = static_cast<double>(static_cast<std::uint64_t>(A));
    using E = lop::cfloat<formats::fp64>;
    using C = lop::cfloat<formats::fp64.with_rounding(rounding::ceil)>;
    using Z = lop::cfloat<formats::fp64.with_rounding(rounding::toward_zero)>;
    using H = lop::cfloat<formats::fp64.with_rounding(rounding::half_away)>;
    INFO("A = " << a << ", b = " << b << ", q = " << q);
    if (is_grid) {
      ++grid;
      const double g = std::ldexp(static_cast<double>(q), -64);  // exact
      CHECK((E(a) / b).to_double() == g);
      CHECK((Z(a) / b).to_double() == g);
      CHECK((C(a) / b).to_double() == std::nextafter(g, HUGE_VAL));
      CHECK((C(-a) / b).to_double() == -g);
    } else {
      ++mid;
      const double up = std::ldexp(static_cast<double>((q + 1) / 2), -63);  // (q + 1) * 2^-64, exact
      CHECK((E(a) / b).to_double() == up);
      CHECK((H(-a) / b).to_double() == -up);
      CHECK((Z(a) / b).to_double() == std::ldexp(static_cast<double>(q / 2), -63));
    }
  }
  CHECK(grid >= 20);
  CHECK(mid >= 20);
}
