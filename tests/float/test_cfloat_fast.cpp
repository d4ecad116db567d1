// The fast paths of lop::cfloat's operators (tables, native float, bf16 integer rounding;
// include/lop/detail/float_fast.hpp) against the exact model lop::detail::float_* (itself
// checked against independent references in the other float tests): exhaustive over every
// operand pair for formats of <= 8 bits, seeded random plus special-value cross products for
// 16-bit formats. The vectorizable native-float formula (fast_decode, float op,
// fast_encode_half_even) is also checked directly, whichever path the operators take in this
// build (builds without AVX2 serve 8-bit formats from a table the formula fills at compile
// time), with its decode and rounding steps checked on their own: every encoding, and every
// rounding boundary (each value, each midpoint between neighbours, and one float ulp either
// side). Build this test with and without -march=native. Scale the random count with
// LOP_FLOAT_SCALE.
#include <catch2/catch.hpp>

#include <bit>
#include <cmath>
#include <cstdint>
#include <cstdlib>
#include <limits>
#include <random>
#include <vector>

#include "lop/cfloat.hpp"

namespace {

using lop::float_format;
using lop::detail::float_op;

long scale() {
  const char* s = std::getenv("LOP_FLOAT_SCALE");
  return s != nullptr && std::atol(s) > 0 ? std::atol(s) : 1;
}

template <float_format F>
std::uint64_t via_operator(float_op op, std::uint64_t a, std::uint64_t b) {
  const auto x = lop::cfloat<F>::from_bits(a);
  const auto y = lop::cfloat<F>::from_bits(b);
  switch (op) {
    case float_op::add: return (x + y).bits();
    case float_op::sub: return (x - y).bits();
    case float_op::mul: return (x * y).bits();
    case float_op::div: return (x / y).bits();
  }
  return 0;
}

// The vectorizable formula itself, evaluated at run time.
template <float_format F>
std::uint64_t via_formula(float_op op, std::uint64_t a, std::uint64_t b) {
  using namespace lop::detail;
  const float x = fast_decode<F>(static_cast<std::uint32_t>(a));
  const float y = fast_decode<F>(static_cast<std::uint32_t>(b));
  switch (op) {
    case float_op::add: return fast_encode_half_even<F>(native_op<float_op::add>(x, y));
    case float_op::sub: return fast_encode_half_even<F>(native_op<float_op::sub>(x, y));
    case float_op::mul: return fast_encode_half_even<F>(native_op<float_op::mul>(x, y));
    case float_op::div: return fast_encode_half_even<F>(native_op<float_op::div>(x, y));
  }
  return 0;
}

template <float_format F>
void check_pair(std::uint64_t a, std::uint64_t b, long& mismatches) {
  for (float_op op : {float_op::add, float_op::sub, float_op::mul, float_op::div}) {
    const std::uint64_t want = lop::detail::float_op_bits(F, op, a, b);
    const std::uint64_t got = via_operator<F>(op, a, b);
    std::uint64_t formula = want;
    if constexpr (lop::detail::via_float_simd<F>) formula = via_formula<F>(op, a, b);
    if (got != want || formula != want) {
      if (++mismatches <= 5)
        UNSCOPED_INFO(lop::to_string(F) << " op " << static_cast<int>(op) << " a=0x" << std::hex << a << " b=0x" << b
                                        << " operator=0x" << got << " formula=0x" << formula << " exact=0x" << want
                                        << std::dec);
    }
  }
}

// fast_decode on every encoding, and fast_encode_half_even at every rounding boundary, against
// the exact model's conversions.
template <float_format F>
void check_formula_steps() {
  if constexpr (lop::detail::via_float_simd<F>) {
    using lop::detail::fast_decode;
    using lop::detail::fast_encode_half_even;
    long mismatches = 0;
    const auto note = [&](const char* what, std::uint64_t bits, double v, std::uint64_t got, std::uint64_t want) {
      if (++mismatches <= 5)
        UNSCOPED_INFO(lop::to_string(F) << ' ' << what << " bits=0x" << std::hex << bits << " got=0x" << got
                                        << " want=0x" << want << std::dec << " value=" << v);
    };
    const std::uint64_t n = std::uint64_t{1} << lop::width(F);
    for (std::uint64_t e = 0; e < n; ++e) {
      const float f = fast_decode<F>(static_cast<std::uint32_t>(e));
      const double want = lop::detail::float_to_double(F, e);
      const bool same = std::isnan(want) ? std::isnan(f)
                                         : (static_cast<double>(f) == want && std::signbit(f) == std::signbit(want));
      if (!same) note("decode", e, want, static_cast<std::uint64_t>(std::bit_cast<std::uint32_t>(f)), 0);
    }
    const auto encode = [&](double v) {
      const auto x = static_cast<float>(v);  // exact or nearest: either way a float to round
      const std::uint64_t got = fast_encode_half_even<F>(x);
      const std::uint64_t want = lop::detail::float_from_double(F, static_cast<double>(x), 0);
      if (got != want) note("encode", std::bit_cast<std::uint32_t>(x), static_cast<double>(x), got, want);
    };
    const double inf = std::numeric_limits<double>::infinity();
    encode(inf);
    encode(-inf);
    encode(std::numeric_limits<double>::quiet_NaN());
    encode(-std::numeric_limits<double>::quiet_NaN());
    const std::uint64_t top = lop::max_finite_bits(F);
    // The grid continues above max finite: one more slot, then Inf-sized values.
    const double next_above_max = lop::detail::float_to_double(F, top) + std::ldexp(1.0, lop::max_exponent(F) - F.man_bits);
    for (std::uint64_t e = 0; e <= top; ++e) {
      const double v = lop::detail::float_to_double(F, e);
      const double w = e < top ? lop::detail::float_to_double(F, e + 1) : next_above_max;
      for (double s : {1.0, -1.0}) {
        for (double p : {v, (v + w) / 2, 2 * w}) {
          const auto x = static_cast<float>(s * p);
          encode(x);
          encode(std::nextafter(x, -inf));
          encode(std::nextafter(x, inf));
        }
      }
    }
    INFO(lop::to_string(F));
    CHECK(mismatches == 0);
  }
}

template <float_format F>
void exhaustive() {
  long mismatches = 0;
  const std::uint64_t n = std::uint64_t{1} << lop::width(F);
  for (std::uint64_t a = 0; a < n; ++a)
    for (std::uint64_t b = 0; b < n; ++b) check_pair<F>(a, b, mismatches);
  INFO(lop::to_string(F));
  CHECK(mismatches == 0);
  check_formula_steps<F>();
}

// Encodings every 16-bit test crosses with each other: zeros, subnormal and normal
// boundaries, max, Inf/NaN patterns, ties, both signs.
template <float_format F>
std::vector<std::uint64_t> specials() {
  const int M = F.man_bits;
  const std::uint64_t top = lop::max_finite_bits(F);
  std::vector<std::uint64_t> v{0, 1, 2, 3, (std::uint64_t{1} << M) - 1, std::uint64_t{1} << M,
                               (std::uint64_t{1} << M) + 1, top, top - 1, top + 1, top + 2,
                               lop::detail::width_mask(F) >> 1};
  for (std::uint64_t e = 1; e + 1 < (std::uint64_t{1} << F.exp_bits); e += 3) {
    v.push_back(e << M);
    v.push_back((e << M) | 1U);
    v.push_back((e << M) | ((std::uint64_t{1} << M) - 1));
  }
  const std::size_t n = v.size();
  for (std::size_t i = 0; i < n; ++i) v.push_back(v[i] | lop::sign_bit(F));
  return v;
}

template <float_format F>
void sampled(std::uint32_t seed) {
  long mismatches = 0;
  const auto sp = specials<F>();
  for (auto a : sp)
    for (auto b : sp) check_pair<F>(a & lop::detail::width_mask(F), b & lop::detail::width_mask(F), mismatches);
  std::mt19937_64 rng(seed);
  const long count = 200000 * scale();
  for (long i = 0; i < count; ++i) {
    const std::uint64_t a = rng() & lop::detail::width_mask(F);
    // Every other pair has nearby operands: cancellation and ties.
    const std::uint64_t b = (i & 1) != 0 ? (a ^ (rng() & 0xF)) : rng() & lop::detail::width_mask(F);
    check_pair<F>(a, b, mismatches);
  }
  INFO(lop::to_string(F) << " seed " << seed);
  CHECK(mismatches == 0);
  check_formula_steps<F>();
}

template <lop::rounding R, lop::float_overflow O = lop::float_overflow::infinity>
constexpr float_format with(float_format f) {
  f.round = R;
  f.ovf = O;
  return f;
}

}  // namespace

TEST_CASE("fast paths of <= 8-bit formats equal the exact model (every operand pair)", "[cfloat][fast]") {
  using namespace lop::formats;
  using R = lop::rounding;
  using O = lop::float_overflow;
  exhaustive<fp8_e4m3fn>();
  exhaustive<fp8_e5m2>();
  exhaustive<fp8_e4m3fnuz>();
  exhaustive<fp8_e5m2fnuz>();
  exhaustive<fp6_e2m3fn>();
  exhaustive<fp6_e3m2fn>();
  exhaustive<fp4_e2m1fn>();
  exhaustive<with<R::half_even, O::infinity>(fp8_e4m3fn)>();  // overflow to NaN
  exhaustive<with<R::toward_zero, O::saturate>(fp8_e4m3fn)>();
  exhaustive<with<R::floor>(fp8_e5m2)>();
  exhaustive<with<R::ceil>(fp8_e5m2)>();
  exhaustive<with<R::half_away>(fp8_e5m2)>();
  exhaustive<with<R::half_up>(fp8_e5m2)>();
  exhaustive<float_format{3, 4, 1, false, lop::specials::none, R::half_even, O::saturate}>();
  exhaustive<float_format{4, 3, 10, false, lop::specials::ieee, R::half_even, O::saturate}>();
  exhaustive<float_format{5, 2, -3, true, lop::specials::fnuz, R::half_even, O::infinity}>();
}

TEST_CASE("fast paths of 16-bit formats equal the exact model (specials and random pairs)", "[cfloat][fast]") {
  using namespace lop::formats;
  using R = lop::rounding;
  using O = lop::float_overflow;
  sampled<bf16>(1);
  sampled<fp16>(2);
  sampled<with<R::half_away>(fp16)>(3);
  sampled<with<R::half_up, O::saturate>(fp16)>(4);
  sampled<with<R::toward_zero>(fp16)>(5);  // only * takes the fast path
  sampled<with<R::floor>(fp16)>(6);
  sampled<with<R::ceil, O::saturate>(fp16)>(7);
  sampled<float_format{5, 10, 15, false, lop::specials::ieee, R::half_even, O::saturate}>(8);
  sampled<float_format{6, 9, 20, true, lop::specials::fnuz, R::half_even, O::infinity}>(9);
  sampled<float_format{4, 9, 3, true, lop::specials::fn, R::half_even, O::infinity}>(10);
  sampled<float_format{7, 8, 63, true, lop::specials::ieee, R::half_even, O::infinity}>(11);
}

TEST_CASE("fast-path eligibility follows the proofs' conditions", "[cfloat][fast]") {
  using namespace lop::formats;
  STATIC_REQUIRE(lop::detail::via_float_simd<fp16>);
  STATIC_REQUIRE(lop::detail::via_float_simd<fp8_e4m3fn>);
  STATIC_REQUIRE(lop::detail::is_bf16<bf16>);
  STATIC_REQUIRE_FALSE(lop::detail::via_float_range<bf16>);  // exponent range beyond float's normal range
  STATIC_REQUIRE_FALSE(lop::detail::via_float_range<tf32>);
  STATIC_REQUIRE_FALSE(lop::detail::via_float_range<float_format{5, 11, 15}>);  // p = 12: 24 < 2p + 2
  STATIC_REQUIRE_FALSE((lop::detail::fast_op_available<with<lop::rounding::stochastic>(fp16), float_op::add>));
  STATIC_REQUIRE_FALSE((lop::detail::fast_op_available<with<lop::rounding::toward_zero>(fp16), float_op::add>));
  STATIC_REQUIRE((lop::detail::fast_op_available<with<lop::rounding::toward_zero>(fp16), float_op::mul>));
}
