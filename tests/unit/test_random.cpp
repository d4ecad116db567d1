// Seeded random tests beyond the exhaustive sizes: quantization of values up to 128 bits into
// formats up to 128 bits, and the typed operations on formats of 9 to 64 bits (products and
// quotients up to 128 bits), against the same exact reference. Seeds are fixed and printed
// with every mismatch.
#include <cstdint>
#include <random>

#include "lop/fixed.hpp"
#include "test_util.hpp"

namespace {

using namespace unit;
using lop::fixed_format;
using lop::overflow;
using lop::rounding;
using ref::exact_in;
using ref::is_trunc_quotient;
using ref::u128;
using ref::Z;

// A raw value of f with a random magnitude (uniform bit length), so that small values, ties
// and extremes all occur; now and then exactly an extreme.
i128 random_raw(std::mt19937_64& g, const fixed_format& f) {
  const std::uint64_t pick = g() % 64;
  if (pick == 0) return ref::raw_max(f);
  if (pick == 1) return ref::raw_min(f);
  if (pick == 2) return 0;
  const u128 u = static_cast<u128>(g()) << 64 | g();
  const int len = static_cast<int>(g() % static_cast<std::uint64_t>(f.width)) + 1;
  u128 m = len >= 128 ? u : u & ((u128{1} << len) - 1);
  if (f.is_signed) {
    // Sign-extend from bit len-1 when len == width, else take a random sign.
    if (len == f.width) {
      const i128 v = static_cast<i128>(m << (128 - len)) >> (128 - len);
      return v;
    }
    const auto v = static_cast<i128>(m);
    return (g() & 1) != 0 ? -v : v;
  }
  return static_cast<i128>(m);
}

fixed_format random_format(std::mt19937_64& g, int wmin, int wmax, int fmin, int fmax) {
  const bool s = (g() & 1) != 0;
  int w = wmin + static_cast<int>(g() % static_cast<std::uint64_t>(wmax - wmin + 1));
  if (!s && w > 127) w = 127;
  const int f = fmin + static_cast<int>(g() % static_cast<std::uint64_t>(fmax - fmin + 1));
  return {w, f, s, all_roundings[g() % all_roundings.size()], all_overflows[g() % 4]};
}

}  // namespace

TEST_CASE("quantize_raw: random values up to 128 bits into formats up to 128 bits", "[random][quantize]") {
  for (std::uint64_t seed : {1ULL, 2ULL, 3ULL}) {
    INFO("seed " << seed);
    checker c("random quantize_raw, seed " + std::to_string(seed));
    std::mt19937_64 g(seed);
    for (int i = 0; i < 200000; ++i) {
      const fixed_format src = random_format(g, 9, 128, -140, 140);
      const i128 x = random_raw(g, src);
      // Mostly nearby fracs; sometimes far ones.
      const int d = (g() % 8 == 0) ? static_cast<int>(g() % 601) - 300 : static_cast<int>(g() % 161) - 80;
      fixed_format dst = random_format(g, 1, 128, 0, 0);
      dst.frac = src.frac - d;
      const auto rnd = static_cast<std::uint32_t>(g());
      const i128 want = ref::quantize(x, src.frac, dst, rnd);
      const i128 got = lop::detail::quantize_raw<lop::detail::i128>(x, src.frac, dst, rnd);
      bool ok = want == got;
      if (src.width < 64 && dst.width < 64) {
        ok = ok && want == lop::detail::quantize_raw<std::int64_t>(static_cast<std::int64_t>(x), src.frac, dst, rnd);
      }
      c.expect(ok, [&] {
        return "x=" + str(x) + " (" + fmt(src) + ") -> " + fmt(dst) + " rnd=" + std::to_string(rnd) + ": want " +
               str(want) + ", got " + str(got);
      });
    }
    c.done();
  }
}

namespace {

void expect_op(checker& c, bool ok, const char* op, const fixed_format& fa, i128 a, const fixed_format& fb, i128 b,
               i128 got) {
  c.expect(ok, [&] {
    return std::string(op) + ": a=" + str(a) + " in " + fmt(fa) + ", b=" + str(b) + " in " + fmt(fb) + " gave raw " +
           str(got);
  });
}

// Every operation on random pairs of values of FA and FB; Out is a narrower format the exact
// results are quantized back into (every mode, scripted random values).
template <fixed_format FA, fixed_format FB, bool Divide = true>
void random_ops(checker& c, std::uint64_t seed, int n) {
  using A = lop::fixed<FA>;
  using B = lop::fixed<FB>;
  std::mt19937_64 g(seed);
  const int f = FA.frac > FB.frac ? FA.frac : FB.frac;
  for (int i = 0; i < n; ++i) {
    const A x = A::from_bits(static_cast<u128>(random_raw(g, FA)));
    const B y = B::from_bits(static_cast<u128>(random_raw(g, FB)));
    const i128 a = raw_of(x), b = raw_of(y);
    const Z za = Z(a).shl(f - FA.frac), zb = Z(b).shl(f - FB.frac);
    const auto s = x + y;
    expect_op(c, exact_in(raw_of(s), decltype(s)::format, za + zb, f), "a+b", FA, a, FB, b, raw_of(s));
    const auto d = x - y;
    expect_op(c, exact_in(raw_of(d), decltype(d)::format, za - zb, f), "a-b", FA, a, FB, b, raw_of(d));
    const auto p = x * y;
    constexpr fixed_format PF = decltype(p)::format;
    expect_op(c, exact_in(raw_of(p), PF, Z(a) * Z(b), FA.frac + FB.frac), "a*b", FA, a, FB, b, raw_of(p));
    if constexpr (Divide) {
      const auto q = x / y;
      constexpr fixed_format QF = decltype(q)::format;
      const bool ok = b == 0 ? raw_of(q) == (a < 0 ? ref::raw_min(QF) : ref::raw_max(QF))
                             : is_trunc_quotient(raw_of(q), a, FB.width, b) && ref::in_range(raw_of(q), QF);
      expect_op(c, ok, "a/b", FA, a, FB, b, raw_of(q));
    }
    const auto want = ref::compare(a, FA.frac, b, FB.frac);
    expect_op(c, (x <=> y) == want && (x == y) == (want == 0) && (y < x) == (want > 0), "a<=>b", FA, a, FB, b, 0);
    const auto n_ = -x;
    expect_op(c, exact_in(raw_of(n_), decltype(n_)::format, Z(-a), FA.frac), "-a", FA, a, FB, b, raw_of(n_));
    const auto m = abs(y);
    expect_op(c, exact_in(raw_of(m), decltype(m)::format, Z(b < 0 ? -b : b), FB.frac), "abs(b)", FA, a, FB, b,
              raw_of(m));
    // Shifts stay in the format: value * 2^k quantized with its modes (non-stochastic here).
    const int k = static_cast<int>(g() % 150) - 75;
    const A sh = x << k;
    expect_op(c, raw_of(sh) == ref::quantize(a, FA.frac - k, FA), "a<<k", FA, a, lop::sfix(32, 0), k, raw_of(sh));
    // Exact 128-bit products: converted to double and float, printed, quantized back.
    const double pd = p.to_double();
    expect_op(c, pd == ref::to_double(raw_of(p), PF.frac) && p.to_float() == ref::to_float(raw_of(p), PF.frac),
              "to_double(a*b)", FA, a, FB, b, raw_of(p));
    if constexpr (PF.frac <= 124 && PF.frac >= -120) {
      expect_op(c, ref::decimal_equals<8>(lop::to_string(p), raw_of(p), PF.frac), "to_string(a*b)", FA, a, FB, b,
                raw_of(p));
    }
    const auto rnd = static_cast<std::uint32_t>(g());
    const auto back = [&](auto out_tag) {
      constexpr fixed_format OF = decltype(out_tag)::format;
      scripted_gen gen{rnd};
      const auto o = lop::quantize<OF>(p, gen);
      const bool stoch = OF.round == rounding::stochastic && PF.frac > OF.frac;
      expect_op(c, raw_of(o) == ref::quantize(raw_of(p), PF.frac, OF, stoch ? rnd : 0U) && gen.calls == (stoch ? 1 : 0),
                "quantize(a*b)", FA, a, FB, b, raw_of(o));
    };
    constexpr int ow = FA.width, of = FA.frac;
    back(lop::fixed<lop::sfix(ow, of, rounding::half_even, overflow::saturate)>{});
    back(lop::fixed<lop::sfix(ow, of, rounding::stochastic, overflow::wrap)>{});
    back(lop::fixed<lop::ufix(ow, of + 3, rounding::half_away, overflow::saturate_zero)>{});
    back(lop::fixed<lop::sfix(ow, of - 2, rounding::toward_zero, overflow::saturate_symmetric)>{});
    back(lop::fixed<lop::sfix(ow, of, rounding::half_up, overflow::wrap)>{});
    back(lop::fixed<lop::ufix(ow, of, rounding::floor, overflow::saturate)>{});
    back(lop::fixed<lop::sfix(ow, of - 1, rounding::ceil, overflow::saturate)>{});
  }
}

}  // namespace

TEST_CASE("typed operations on random values of 9- to 64-bit formats", "[random][ops]") {
  using lop::sfix;
  using lop::ufix;
  const std::uint64_t seed = 77;
  INFO("seed " << seed << " (+ index)");
  checker c("random typed ops");
  constexpr int n = 20000;
  random_ops<sfix(16, 8), ufix(24, 30)>(c, seed + 0, n);
  random_ops<ufix(24, 30), sfix(16, 8)>(c, seed + 1, n);
  random_ops<sfix(32, -5), sfix(32, 16)>(c, seed + 2, n);
  random_ops<sfix(9, 3), ufix(57, 60)>(c, seed + 3, n);
  random_ops<sfix(48, 20), ufix(40, 45)>(c, seed + 4, n);
  random_ops<ufix(63, 10), ufix(64, 0)>(c, seed + 5, n);
  random_ops<sfix(64, 0), sfix(63, 62)>(c, seed + 6, n);
  random_ops<sfix(64, 32), sfix(64, 32), false>(c, seed + 7, n);  // a/b would need 129 bits
  random_ops<ufix(64, 64), sfix(64, 10), false>(c, seed + 8, n);
  random_ops<sfix(12, 11), sfix(20, 3)>(c, seed + 9, n);
  c.done();
}

TEST_CASE("conversions of random doubles into wide formats", "[random][convert]") {
  const std::uint64_t seed = 4242;
  INFO("seed " << seed);
  checker c("random from double");
  std::mt19937_64 g(seed);
  const auto one = [&](auto tag) {
    using T = decltype(tag);
    constexpr fixed_format F = T::format;
    for (int i = 0; i < 20000; ++i) {
      const std::uint64_t bits = g();
      const int e = static_cast<int>(g() % 200) - 100 - F.frac + F.width;
      const double v = (i % 4 == 0) ? std::bit_cast<double>(bits)
                                     : std::ldexp(static_cast<double>(static_cast<std::int64_t>(bits) >> 10), e - 53);
      if (std::isnan(v) || std::isinf(v)) continue;
      const auto rnd = static_cast<std::uint32_t>(g());
      const ref::dyadic dv = ref::decompose(v);
      const bool stoch = F.round == rounding::stochastic && dv.frac > F.frac;
      const i128 want = ref::quantize(dv.mant, dv.frac, F, stoch ? rnd : 0U);
      scripted_gen gen{rnd};
      const T x(v, gen);
      c.expect(raw_of(x) == want && gen.calls == (stoch ? 1 : 0),
               [&] { return std::to_string(v) + " -> " + fmt(F) + ": want " + str(want) + ", got " + str(raw_of(x)); });
      // And back: exact when the value has at most 53 significant bits.
      c.expect(x.to_double() == ref::to_double(want, F.frac), [&] { return "back to double, " + fmt(F); });
    }
  };
  one(lop::sfixed<16, 8, rounding::half_even, overflow::saturate>{});
  one(lop::ufixed<24, 30, rounding::stochastic, overflow::wrap>{});
  one(lop::sfixed<33, -5, rounding::half_away, overflow::saturate_symmetric>{});
  one(lop::sfixed<64, 32, rounding::toward_zero, overflow::saturate_zero>{});
  one(lop::ufixed<64, 0, rounding::half_up, overflow::saturate>{});
  one(lop::sfixed<128, 70, rounding::stochastic, overflow::saturate>{});
  one(lop::sfixed<20, 6, rounding::ceil, overflow::saturate>{});
  c.done();
}
