// Arithmetic against exact integer math on the raw values: + - * / (all pairs of values of
// 1- to 8-bit formats), unary -, abs, << and >> (every value, many shift counts, every mode),
// comparisons across formats and with integers, compound assignment, result formats.
#include <climits>
#include <cstdint>
#include <vector>

#include "lop/fixed.hpp"
#include "test_util.hpp"

namespace {

using namespace unit;
using lop::fixed_format;
using ref::exact_in;
using ref::is_trunc_quotient;
using ref::Z;

// Out of line so that each typed instantiation stays small.
void expect_op(checker& c, bool ok, const char* op, const fixed_format& fa, i128 a, const fixed_format& fb, i128 b,
               i128 got, const fixed_format& fr) {
  c.expect(ok, [&] {
    return std::string(op) + ": a=" + str(a) + " in " + fmt(fa) + ", b=" + str(b) + " in " + fmt(fb) + " gave raw " +
           str(got) + " in " + fmt(fr);
  });
}

template <fixed_format FA, fixed_format FB>
void binary_ops(checker& c) {
  using A = lop::fixed<FA>;
  using B = lop::fixed<FB>;
  using S = decltype(A{} + B{});
  using D = decltype(A{} - B{});
  using P = decltype(A{} * B{});
  using Q = decltype(A{} / B{});
  // Result formats as documented in format.hpp / fixed.hpp.
  static_assert(S::format == lop::sum_format(FA, FB));
  static_assert(D::format == lop::difference_format(FA, FB));
  static_assert(P::format == lop::product_format(FA, FB));
  static_assert(Q::format == lop::quotient_format(FA, FB));
  static_assert(P::format.width == FA.width + FB.width && P::format.frac == FA.frac + FB.frac);
  static_assert(Q::format.width == FA.width + FB.width + (FB.is_signed ? 1 : 0));
  static_assert(Q::format.frac == FA.frac + FB.width - FB.frac);
  static_assert(Q::format.is_signed == (FA.is_signed || FB.is_signed));
  static_assert(D::format.is_signed && S::format.is_signed == (FA.is_signed || FB.is_signed));
  static_assert(S::format.round == FA.round && S::format.ovf == FA.ovf);

  const int f = FA.frac > FB.frac ? FA.frac : FB.frac;
  for (i128 a = ref::raw_min(FA); a <= ref::raw_max(FA); ++a) {
    const A x = A::from_bits(static_cast<std::uint64_t>(a));
    for (i128 b = ref::raw_min(FB); b <= ref::raw_max(FB); ++b) {
      const B y = B::from_bits(static_cast<std::uint64_t>(b));
      const Z za = Z(a).shl(f - FA.frac), zb = Z(b).shl(f - FB.frac);

      const S s = x + y;
      expect_op(c, exact_in(s.raw(), S::format, za + zb, f), "a+b", FA, a, FB, b, s.raw(), S::format);
      const D df = x - y;
      expect_op(c, exact_in(df.raw(), D::format, za - zb, f), "a-b", FA, a, FB, b, df.raw(), D::format);
      const P p = x * y;
      expect_op(c, exact_in(p.raw(), P::format, Z(a) * Z(b), FA.frac + FB.frac), "a*b", FA, a, FB, b, p.raw(),
                P::format);
      const Q q = x / y;
      const bool qok = b == 0 ? q.raw() == (a < 0 ? ref::raw_min(Q::format) : ref::raw_max(Q::format))
                              : is_trunc_quotient(q.raw(), a, FB.width, b) && ref::in_range(q.raw(), Q::format);
      expect_op(c, qok, "a/b", FA, a, FB, b, q.raw(), Q::format);

      const auto want = ref::compare(a, FA.frac, b, FB.frac);
      const bool cmp_ok = (x <=> y) == want && (y <=> x) == (0 <=> want) && (x == y) == (want == 0) &&
                          (x != y) == (want != 0) && (x < y) == (want < 0) && (x <= y) == (want <= 0) &&
                          (x > y) == (want > 0) && (x >= y) == (want >= 0);
      expect_op(c, cmp_ok, "a<=>b", FA, a, FB, b, 0, FA);
    }
  }
}

// Unary operators and shifts of every value of one format.
template <fixed_format F>
void unary_ops(checker& c) {
  using T = lop::fixed<F>;
  using N = decltype(-T{});
  using Abs = decltype(abs(T{}));
  static_assert(N::format == lop::negate_format(F));
  static_assert(N::format.width == F.width + 1 && N::format.is_signed && N::format.frac == F.frac);
  static_assert(Abs::format.width == F.width && !Abs::format.is_signed && Abs::format.frac == F.frac);
  static_assert(std::is_same_v<decltype(+T{}), T>);
  static_assert(std::is_same_v<decltype(T{} << 1), T> && std::is_same_v<decltype(T{} >> 1), T>);

  const std::vector<int> counts = {0,  1,   2,    3,     5,    7,      8,      9,      12,      -1,      -2,
                                   -3, -5,  -7,   -8,    -9,   -12,    31,     32,     33,      -31,     -32,
                                   -33, 100, -100, 4096, -4096, 5000, -5000, INT_MAX, INT_MIN, INT_MAX - 1};
  for (i128 a = ref::raw_min(F); a <= ref::raw_max(F); ++a) {
    const T x = T::from_bits(static_cast<std::uint64_t>(a));
    const N n = -x;
    expect_op(c, exact_in(n.raw(), N::format, Z(-a), F.frac), "-a", F, a, F, 0, n.raw(), N::format);
    const Abs m = abs(x);
    expect_op(c, exact_in(m.raw(), Abs::format, Z(a < 0 ? -a : a), F.frac), "abs", F, a, F, 0, m.raw(), Abs::format);
    expect_op(c, (+x).raw() == a, "+a", F, a, F, 0, (+x).raw(), F);

    for (int k : counts) {
      // x << k is x * 2^k quantized into F: the raw value a read with frac (F.frac - k).
      // The reference takes src_frac clamped to +-100000 (every count past 4096 gives the
      // same result as 4096 there: the value is beyond any range or below half an ulp).
      const auto clampf = [](long long v) { return static_cast<int>(v > 100000 ? 100000 : (v < -100000 ? -100000 : v)); };
      for (int dir : {1, -1}) {
        const long long shift = dir == 1 ? static_cast<long long>(k) : -static_cast<long long>(k);
        const int src_frac = clampf(F.frac - shift);
        const bool stoch = F.round == lop::rounding::stochastic && src_frac > F.frac;
        const std::uint32_t st = lop::default_generator().state();
        const T r = dir == 1 ? (x << k) : (x >> k);
        const std::uint32_t after = lop::default_generator().state();
        const i128 want = ref::quantize(a, src_frac, F, stoch ? st : 0U);
        const bool ok = r.raw() == want && after == (stoch ? lop::lfsr32::next(st) : st);
        expect_op(c, ok, dir == 1 ? "a<<k" : "a>>k", F, a, lop::sfix(32, 0), k, r.raw(), F);
      }
    }
    // Compound shifts are the same operations.
    T y = x;
    const std::uint32_t st = lop::default_generator().state();
    y <<= 2;
    y >>= 3;
    lop::default_generator() = lop::lfsr32(st);
    T z = (x << 2) >> 3;
    expect_op(c, y.raw() == z.raw(), "<<= >>=", F, a, F, 0, y.raw(), F);
  }
}

// Mixed with native integers: the integer is an exact frac-0 value of its type's width.
template <fixed_format F>
void integer_operands(checker& c) {
  using T = lop::fixed<F>;
  constexpr fixed_format I8 = lop::sfix(8, 0);
  static_assert(decltype(T{} + std::int8_t{})::format == lop::sum_format(F, I8));
  static_assert(decltype(std::int8_t{} * T{})::format == lop::product_format(I8, F));
  static_assert(decltype(T{} / 3)::format == lop::quotient_format(F, lop::sfix(32, 0)));
  static_assert(decltype(T{} - 3U)::format == lop::difference_format(F, lop::ufix(32, 0)));
  for (i128 a = ref::raw_min(F); a <= ref::raw_max(F); ++a) {
    const T x = T::from_bits(static_cast<std::uint64_t>(a));
    for (int v = -128; v <= 127; ++v) {
      const auto i = static_cast<std::int8_t>(v);
      const int f = F.frac > 0 ? F.frac : 0;
      const Z za = Z(a).shl(f - F.frac), zi = Z(v).shl(f);
      const auto s = x + i;
      expect_op(c, exact_in(s.raw(), decltype(s)::format, za + zi, f), "a+int8", F, a, I8, v, s.raw(), decltype(s)::format);
      const auto s2 = i + x;
      expect_op(c, exact_in(s2.raw(), decltype(s2)::format, za + zi, f), "int8+a", I8, v, F, a, s2.raw(), decltype(s2)::format);
      const auto d = i - x;
      expect_op(c, exact_in(d.raw(), decltype(d)::format, zi - za, f), "int8-a", I8, v, F, a, d.raw(), decltype(d)::format);
      const auto p = x * i;
      expect_op(c, exact_in(p.raw(), decltype(p)::format, Z(a) * Z(v), F.frac), "a*int8", F, a, I8, v, p.raw(), decltype(p)::format);
      const auto q = x / i;
      constexpr auto QF = decltype(q)::format;
      const bool qok = v == 0 ? q.raw() == (a < 0 ? ref::raw_min(QF) : ref::raw_max(QF))
                              : is_trunc_quotient(q.raw(), a, 8, v) && ref::in_range(q.raw(), QF);
      expect_op(c, qok, "a/int8", F, a, I8, v, q.raw(), QF);
      const auto want = ref::compare(a, F.frac, v, 0);
      const bool cmp_ok = (x <=> i) == want && (i <=> x) == (0 <=> want) && (x == i) == (want == 0) &&
                          (x < v) == (want < 0) && (v < x) == (want > 0) && (x >= v) == (want >= 0);
      expect_op(c, cmp_ok, "a<=>int", F, a, I8, v, 0, F);
      // Compound assignment with an integer: the exact result converted back into F.
      T r = x;
      r += i;
      expect_op(c, r.raw() == ref::quantize((za + zi).to_i128_unchecked(), f, F), "a+=int8", F, a, I8, v, r.raw(), F);
      r = x;
      r -= v;
      expect_op(c, r.raw() == ref::quantize((za - zi).to_i128_unchecked(), f, F), "a-=int", F, a, I8, v, r.raw(), F);
      r = x;
      r *= i;
      expect_op(c, r.raw() == ref::quantize(a * v, F.frac, F), "a*=int8", F, a, I8, v, r.raw(), F);
      r = x;
      r /= i;
      expect_op(c, r.raw() == ref::quantize(raw_of(q), QF.frac, F), "a/=int8", F, a, I8, v, r.raw(), F);
    }
    // Wide integers: the extremes of int64 and uint64.
    for (std::int64_t v : {INT64_MIN, INT64_MIN + 1, std::int64_t{-1}, std::int64_t{0}, INT64_MAX}) {
      const auto s = x + v;
      const int f = F.frac > 0 ? F.frac : 0;
      expect_op(c, exact_in(s.raw(), decltype(s)::format, Z(a).shl(f - F.frac) + Z(v).shl(f), f), "a+int64", F, a,
                lop::sfix(64, 0), v, s.raw(), decltype(s)::format);
      const auto p = x * v;
      expect_op(c, exact_in(p.raw(), decltype(p)::format, Z(a) * Z(v), F.frac), "a*int64", F, a, lop::sfix(64, 0), v,
                p.raw(), decltype(p)::format);
      expect_op(c, (x <=> v) == ref::compare(a, F.frac, v, 0), "a<=>int64", F, a, lop::sfix(64, 0), v, 0, F);
    }
    const std::uint64_t um = UINT64_MAX;
    expect_op(c, (x <=> um) == ref::compare(a, F.frac, um, 0) && x < um, "a<=>uint64", F, a, lop::ufix(64, 0), um, 0, F);
  }
}

// Compound assignment: x op= y is x = x op y, the exact result converted back into x's format.
template <fixed_format FA, fixed_format FB>
void compound(checker& c) {
  static_assert(FA.round != lop::rounding::stochastic);
  using A = lop::fixed<FA>;
  using B = lop::fixed<FB>;
  for (i128 a = ref::raw_min(FA); a <= ref::raw_max(FA); ++a) {
    const A x = A::from_bits(static_cast<std::uint64_t>(a));
    for (i128 b = ref::raw_min(FB); b <= ref::raw_max(FB); ++b) {
      const B y = B::from_bits(static_cast<std::uint64_t>(b));
      A r = x;
      r += y;
      const auto s = x + y;
      expect_op(c, r.raw() == ref::quantize(s.raw(), decltype(s)::format.frac, FA), "a+=b", FA, a, FB, b, r.raw(), FA);
      r = x;
      r -= y;
      const auto d = x - y;
      expect_op(c, r.raw() == ref::quantize(d.raw(), decltype(d)::format.frac, FA), "a-=b", FA, a, FB, b, r.raw(), FA);
      r = x;
      r *= y;
      expect_op(c, r.raw() == ref::quantize(a * b, FA.frac + FB.frac, FA), "a*=b", FA, a, FB, b, r.raw(), FA);
      r = x;
      r /= y;
      const auto q = x / y;
      expect_op(c, r.raw() == ref::quantize(q.raw(), decltype(q)::format.frac, FA), "a/=b", FA, a, FB, b, r.raw(), FA);
    }
  }
}

}  // namespace

TEST_CASE("+ - * / and comparisons: all pairs of values of small formats", "[ops][exhaustive]") {
  using lop::sfix;
  using lop::ufix;
  checker c("binary ops");
  constexpr auto S41 = sfix(4, 1), U43 = ufix(4, 3), S5m2 = sfix(5, -2), U57 = ufix(5, 7), S66 = sfix(6, 6),
                 U60 = ufix(6, 0), S10 = sfix(1, 0), U10 = ufix(1, 0), S84 = sfix(8, 4), U88 = ufix(8, 8),
                 S8m3 = sfix(8, -3, lop::rounding::half_even, lop::overflow::saturate);
  binary_ops<S41, U43>(c);
  binary_ops<U43, S41>(c);
  binary_ops<S41, S41>(c);
  binary_ops<U43, U43>(c);
  binary_ops<S5m2, U57>(c);
  binary_ops<U57, S5m2>(c);
  binary_ops<S66, U60>(c);
  binary_ops<U60, S66>(c);
  binary_ops<S66, S5m2>(c);
  binary_ops<S10, U10>(c);
  binary_ops<U10, S10>(c);
  binary_ops<S10, S10>(c);
  binary_ops<S84, U88>(c);
  binary_ops<U88, S84>(c);
  binary_ops<S84, S84>(c);
  binary_ops<U88, U88>(c);
  binary_ops<S8m3, S10>(c);
  binary_ops<S41, S8m3>(c);
  c.done();
}

TEST_CASE("unary -, abs, << and >>: every value, every mode", "[ops][exhaustive]") {
  using lop::rounding;
  using lop::overflow;
  checker c("unary ops and shifts");
  unary_ops<lop::sfix(6, 2, rounding::half_even, overflow::saturate)>(c);
  unary_ops<lop::ufix(5, 1, rounding::floor, overflow::wrap)>(c);
  unary_ops<lop::sfix(8, 3, rounding::stochastic, overflow::saturate_symmetric)>(c);
  unary_ops<lop::sfix(4, 0, rounding::half_away, overflow::saturate_zero)>(c);
  unary_ops<lop::ufix(6, 4, rounding::toward_zero, overflow::saturate)>(c);
  unary_ops<lop::sfix(5, 3, rounding::half_up, overflow::wrap)>(c);
  unary_ops<lop::ufix(8, -2, rounding::stochastic, overflow::saturate_zero)>(c);
  unary_ops<lop::sfix(7, 9, rounding::toward_zero, overflow::saturate_symmetric)>(c);
  unary_ops<lop::sfix(1, 0, rounding::half_even, overflow::wrap)>(c);
  unary_ops<lop::ufix(1, 0, rounding::half_up, overflow::saturate)>(c);
  unary_ops<lop::ufix(8, 8, rounding::half_away, overflow::saturate_symmetric)>(c);
  unary_ops<lop::sfix(6, 2, rounding::ceil, overflow::saturate)>(c);
  unary_ops<lop::ufix(5, 1, rounding::ceil, overflow::wrap)>(c);
  c.done();
}

TEST_CASE("mixed fixed/integer arithmetic and comparisons", "[ops][exhaustive]") {
  checker c("integer operands");
  integer_operands<lop::sfix(6, 2)>(c);
  integer_operands<lop::ufix(5, -1)>(c);
  integer_operands<lop::sfix(8, 7)>(c);
  c.done();
}

TEST_CASE("compound assignment converts the exact result back", "[ops][exhaustive]") {
  using lop::rounding;
  using lop::overflow;
  checker c("compound assignment");
  compound<lop::sfix(5, 2, rounding::half_even, overflow::saturate), lop::ufix(4, 3)>(c);
  compound<lop::ufix(6, 1, rounding::toward_zero, overflow::wrap), lop::sfix(5, -1)>(c);
  compound<lop::sfix(6, 3, rounding::half_away, overflow::saturate_zero), lop::sfix(6, 3)>(c);
  compound<lop::sfix(5, 1, rounding::ceil, overflow::saturate_symmetric), lop::ufix(4, 3)>(c);
  c.done();
}

TEST_CASE("result formats: worked examples", "[ops]") {
  using A = lop::sfixed<8, 4>;
  using B = lop::ufixed<8, 8>;
  // a in [-8, 8), b in [0, 1): sum in [-8, 9) on a 2^-8 grid: 1 sign + 4 integer + 8 fraction bits.
  STATIC_REQUIRE(decltype(A{} + B{})::format == lop::sfix(13, 8));
  STATIC_REQUIRE(decltype(A{} - B{})::format == lop::sfix(13, 8));
  STATIC_REQUIRE(decltype(B{} - B{})::format == lop::sfix(9, 8));
  STATIC_REQUIRE(decltype(A{} * B{})::format == lop::sfix(16, 12));
  STATIC_REQUIRE(decltype(B{} * B{})::format == lop::ufix(16, 16));
  STATIC_REQUIRE(decltype(A{} / B{})::format == lop::sfix(16, 4));
  STATIC_REQUIRE(decltype(B{} / A{})::format == lop::sfix(17, 12));
  STATIC_REQUIRE(decltype(-B{})::format == lop::sfix(9, 8));
  STATIC_REQUIRE(decltype(abs(A{}))::format == lop::ufix(8, 4));
  STATIC_REQUIRE(decltype(abs(B{}))::format == lop::ufix(8, 8));
  // 64-bit operands give 128-bit exact products.
  STATIC_REQUIRE(decltype(lop::sfixed<64, 32>{} * lop::sfixed<64, 32>{})::format == lop::sfix(128, 64));
  STATIC_REQUIRE(decltype(lop::ufixed<63, 0>{} * lop::ufixed<64, 0>{})::format == lop::ufix(127, 0));
}
