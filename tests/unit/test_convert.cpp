// Conversions: from integers and floating point (exact reference on the IEEE fields), to
// floating point (correctly rounded, checked against the reference rounding and against
// long double), to integers (toward zero, saturating); bits()/from_bits/raw(), to_string and
// operator<< (exact decimal, parsed back), numeric_limits and std::hash.
#include <bit>
#include <cfloat>
#include <climits>
#include <cmath>
#include <cstdint>
#include <limits>
#include <random>
#include <sstream>
#include <unordered_set>
#include <vector>

#include "lop/fixed.hpp"
#include "test_util.hpp"

namespace {

using namespace unit;
using lop::fixed_format;
using lop::overflow;
using lop::rounding;

bool same_bits(double a, double b) { return std::bit_cast<std::uint64_t>(a) == std::bit_cast<std::uint64_t>(b); }
bool same_bits(float a, float b) { return std::bit_cast<std::uint32_t>(a) == std::bit_cast<std::uint32_t>(b); }

std::string dstr(double v) {
  char buf[64];
  std::snprintf(buf, sizeof buf, "%a", v);
  return buf;
}

// The reference image of a double in format f (NaN -> 0, +-inf -> the saturated extreme, or 0
// for saturate_zero), and whether the conversion draws a random number.
i128 ref_from_double(double v, const fixed_format& f, std::uint32_t rnd, bool& draws) {
  draws = false;
  if (std::isnan(v)) return 0;
  if (std::isinf(v)) {
    if (f.ovf == overflow::saturate_zero) return 0;
    if (v > 0) return ref::raw_max(f);
    return f.ovf == overflow::saturate_symmetric && f.is_signed ? -ref::raw_max(f) : ref::raw_min(f);
  }
  const ref::dyadic d = ref::decompose(v);
  draws = f.round == rounding::stochastic && d.frac > f.frac;
  return ref::quantize(d.mant, d.frac, f, draws ? rnd : 0U);
}

// Doubles around the grid and range of format f, plus special and random values.
std::vector<double> interesting_doubles(const fixed_format& f, std::uint64_t seed) {
  std::vector<double> v = {0.0,
                           -0.0,
                           std::numeric_limits<double>::quiet_NaN(),
                           -std::numeric_limits<double>::quiet_NaN(),
                           HUGE_VAL,
                           -HUGE_VAL,
                           DBL_MAX,
                           -DBL_MAX,
                           DBL_MIN,
                           -DBL_MIN,
                           std::numeric_limits<double>::denorm_min(),
                           -std::numeric_limits<double>::denorm_min(),
                           DBL_MIN - std::numeric_limits<double>::denorm_min(),
                           0x1.8p-1074 * 2,
                           std::ldexp(0.75, -1060),
                           std::ldexp(-0.75, -1050),
                           1.0,
                           -1.0,
                           0.5,
                           -0.5,
                           std::ldexp(1.0, 1000),
                           std::ldexp(-1.0, 1000),
                           std::ldexp(1.0, -1000),
                           std::ldexp(-1.0, -1000),
                           9.2233720368547758e18,
                           -9.2233720368547758e18,
                           1.8446744073709552e19};
  // Multiples of a quarter of the grid step (ties and the points between) and their neighbours.
  for (int j = -6; j <= 3; ++j)
    for (int k = -40; k <= 40; ++k) {
      const double x = std::ldexp(static_cast<double>(k), j - f.frac);
      v.push_back(x);
      v.push_back(std::nextafter(x, HUGE_VAL));
      v.push_back(std::nextafter(x, -HUGE_VAL));
    }
  // Around the range limits.
  for (i128 r : {ref::raw_max(f), ref::raw_min(f), -ref::raw_max(f)})
    for (double delta : {-1.0, -0.75, -0.5, -0.25, 0.0, 0.25, 0.5, 0.75, 1.0, 1.5}) {
      const double x = std::ldexp(static_cast<double>(r) + delta, -f.frac);
      v.push_back(x);
      v.push_back(std::nextafter(x, HUGE_VAL));
      v.push_back(std::nextafter(x, -HUGE_VAL));
    }
  std::mt19937_64 gen(seed);
  for (int i = 0; i < 1500; ++i) v.push_back(std::bit_cast<double>(gen()));  // every exponent
  std::uniform_int_distribution<int> e(-f.frac - 20, -f.frac + f.width + 4);
  for (int i = 0; i < 1500; ++i) {
    const auto m = static_cast<std::int64_t>(gen() >> 11) * ((gen() & 1) != 0 ? 1 : -1);
    v.push_back(std::ldexp(static_cast<double>(m), e(gen) - 53));
  }
  return v;
}

// From double and float, with a scripted generator, with the default generator, and via lop::quantize.
template <fixed_format F>
void from_floating(checker& c) {
  using T = lop::fixed<F>;
  const auto report = [&](const char* how, double v, std::uint32_t rnd, i128 want, i128 got) {
    return std::string(how) + " " + dstr(v) + " -> " + fmt(F) + " rnd=" + std::to_string(rnd) + ": want " + str(want) +
           ", got " + str(got);
  };
  for (double v : interesting_doubles(F, 0x5EED0000ULL + static_cast<std::uint64_t>(F.width * 4096 + F.frac))) {
    for (std::uint32_t rnd : {0U, 0x80000000U, 0xFFFFFFFFU, 0x12345678U}) {
      bool draws = false;
      const i128 want = ref_from_double(v, F, rnd, draws);
      scripted_gen g{rnd};
      const T x(v, g);
      c.expect(raw_of(x) == want && g.calls == (draws ? 1 : 0), [&] { return report("fixed<F>(double, gen)", v, rnd, want, raw_of(x)); });
      if (F.round != rounding::stochastic && rnd != 0) continue;
      const std::uint32_t st = lop::default_generator().state();
      const T y = v;  // implicit, default generator
      const i128 want_y = ref_from_double(v, F, st, draws);
      const std::uint32_t after = lop::default_generator().state();
      c.expect(raw_of(y) == want_y && after == (draws ? lop::lfsr32::next(st) : st),
               [&] { return report("fixed<F> = double", v, st, want_y, raw_of(y)); });
      const auto fv = static_cast<float>(v);
      scripted_gen gf{rnd};
      const T z(fv, gf);
      const i128 want_z = ref_from_double(static_cast<double>(fv), F, rnd, draws);
      c.expect(raw_of(z) == want_z && gf.calls == (draws ? 1 : 0), [&] { return report("fixed<F>(float, gen)", fv, rnd, want_z, raw_of(z)); });
      if constexpr (F.round != rounding::stochastic) {
        const T q = lop::quantize<F>(v);
        c.expect(raw_of(q) == want, [&] { return report("quantize<F>(double)", v, rnd, want, raw_of(q)); });
      }
    }
  }
}

// From every int8 value and the extremes of the 64-bit types; to every integer type.
template <fixed_format F>
void integers(checker& c) {
  using T = lop::fixed<F>;
  const auto report = [&](const char* how, i128 v, i128 want, i128 got) {
    return std::string(how) + " " + str(v) + " / " + fmt(F) + ": want " + str(want) + ", got " + str(got);
  };
  const auto from = [&](auto v, const char* how) {
    const std::uint32_t st = lop::default_generator().state();
    const T x = v;
    const bool draws = F.round == rounding::stochastic && F.frac < 0;
    const i128 want = ref::quantize(static_cast<i128>(v), 0, F, draws ? st : 0U);
    c.expect(raw_of(x) == want, [&] { return report(how, static_cast<i128>(v), want, raw_of(x)); });
  };
  for (int v = -128; v <= 127; ++v) from(static_cast<std::int8_t>(v), "from int8");
  for (int v = 0; v <= 255; ++v) from(static_cast<std::uint8_t>(v), "from uint8");
  for (std::int64_t v : {INT64_MIN, INT64_MIN + 1, std::int64_t{-1}, std::int64_t{0}, std::int64_t{1},
                         INT64_MAX - 1, INT64_MAX, std::int64_t{1} << 40})
    from(v, "from int64");
  for (std::uint64_t v : {std::uint64_t{0}, std::uint64_t{1}, UINT64_MAX, UINT64_MAX - 1, std::uint64_t{1} << 63})
    from(v, "from uint64");
  for (int v : {INT_MIN, INT_MAX, -7, 7, 100}) from(v, "from int");
  from(static_cast<short>(-300), "from short");
  from(true, "from bool");
  from(false, "from bool");

  // To integers: toward zero, saturated to the integer type's range.
  const auto to = [&](auto tag, const char* how, i128 a, const T& x) {
    using I = decltype(tag);
    const fixed_format fi{std::numeric_limits<I>::digits + (std::is_signed_v<I> ? 1 : 0), 0, std::is_signed_v<I>,
                          rounding::toward_zero, overflow::saturate};
    const i128 want = ref::quantize(a, F.frac, fi);
    const I got = static_cast<I>(x);
    c.expect(static_cast<i128>(got) == want, [&] { return report(how, a, want, static_cast<i128>(got)); });
  };
  const auto each_value = [&](auto&& fn) {
    if constexpr (F.width <= 12) {
      for (i128 a = ref::raw_min(F); a <= ref::raw_max(F); ++a) fn(a);
    } else {
      std::mt19937_64 gen(99);
      for (i128 a : {ref::raw_min(F), ref::raw_max(F), i128{0}, i128{1}, i128{-1}}) fn(a);
      for (int i = 0; i < 4000; ++i) fn(T::from_bits(static_cast<ref::u128>(gen()) << 64 | gen()).raw());
    }
  };
  each_value([&](i128 a0) {
    const T x = T::from_bits(static_cast<ref::u128>(a0));
    const i128 a = raw_of(x);
    to(std::int8_t{}, "to int8", a, x);
    to(std::uint8_t{}, "to uint8", a, x);
    to(std::int16_t{}, "to int16", a, x);
    to(std::int32_t{}, "to int32", a, x);
    to(std::uint32_t{}, "to uint32", a, x);
    to(std::int64_t{}, "to int64", a, x);
    to(std::uint64_t{}, "to uint64", a, x);
    c.expect(static_cast<bool>(x) == (a != 0), [&] { return report("to bool (nonzero)", a, a != 0, static_cast<bool>(x)); });
    // Independent second check where the value is exact in a double.
    if (F.width <= 53) {
      const double t = std::trunc(std::ldexp(static_cast<double>(a), -F.frac));
      const double clamped = t < -128 ? -128 : (t > 127 ? 127 : t);
      c.expect(static_cast<std::int8_t>(x) == static_cast<std::int8_t>(clamped),
               [&] { return report("to int8 (double check)", a, static_cast<i128>(clamped), static_cast<std::int8_t>(x)); });
    }
  });
}

// To double and float: correctly rounded nearest-even; checked against the reference rounding
// and, where the raw value fits 64 bits, against long double (exact) rounded by the hardware.
template <fixed_format F>
void to_floating(checker& c, std::uint64_t seed) {
  using T = lop::fixed<F>;
  const auto one = [&](i128 a0) {
    const T x = T::from_bits(static_cast<ref::u128>(a0));
    const i128 a = raw_of(x);
    const double want_d = ref::to_double(a, F.frac);
    const float want_f = ref::to_float(a, F.frac);
    const double d1 = x.to_double(), d2 = static_cast<double>(x);
    const float f1 = x.to_float(), f2 = static_cast<float>(x);
    c.expect(same_bits(d1, want_d) && same_bits(d2, want_d), [&] {
      return "to double raw " + str(a) + " in " + fmt(F) + ": want " + dstr(want_d) + ", got " + dstr(d1);
    });
    c.expect(same_bits(f1, want_f) && same_bits(f2, want_f), [&] {
      return "to float raw " + str(a) + " in " + fmt(F) + ": want " + dstr(want_f) + ", got " + dstr(f1);
    });
    if (a >= INT64_MIN && a <= INT64_MAX) {
      const long double e = std::ldexp(static_cast<long double>(static_cast<std::int64_t>(a)), -F.frac);
      c.expect(same_bits(d1, static_cast<double>(e)) && same_bits(f1, static_cast<float>(e)),
               [&] { return "to double/float vs long double, raw " + str(a) + " in " + fmt(F); });
    }
  };
  if constexpr (F.width <= 16) {
    for (i128 a = ref::raw_min(F); a <= ref::raw_max(F); ++a) one(a);
  } else {
    std::mt19937_64 gen(seed);
    INFO("seed " << seed);
    for (i128 a : {ref::raw_min(F), ref::raw_max(F), i128{0}, i128{1}, i128{-1}}) one(a);
    for (int i = 0; i < 20000; ++i) {
      // Random raw values with random magnitudes (so that rounding ties and carries happen).
      const auto u = static_cast<ref::u128>(gen()) << 64 | gen();
      const int keep = static_cast<int>(gen() % 128) + 1;
      one(T::from_bits(u >> (128 - keep)).raw());
    }
  }
}

}  // namespace

TEST_CASE("from floating point: exact reference on the IEEE fields", "[convert][float]") {
  checker c("from double/float");
  from_floating<lop::sfix(8, 4)>(c);
  from_floating<lop::sfix(8, 4, rounding::half_even, overflow::saturate)>(c);
  from_floating<lop::ufix(8, 8, rounding::half_up, overflow::saturate_zero)>(c);
  from_floating<lop::sfix(6, -2, rounding::half_away, overflow::saturate_symmetric)>(c);
  from_floating<lop::ufix(5, 3, rounding::toward_zero, overflow::wrap)>(c);
  from_floating<lop::sfix(4, 0, rounding::stochastic, overflow::wrap)>(c);
  from_floating<lop::ufix(7, 9, rounding::stochastic, overflow::saturate)>(c);
  from_floating<lop::sfix(16, 8, rounding::half_even, overflow::saturate)>(c);
  from_floating<lop::sfix(32, 16, rounding::stochastic, overflow::saturate_symmetric)>(c);
  from_floating<lop::ufix(64, 0, rounding::half_away, overflow::saturate)>(c);
  from_floating<lop::sfix(64, 60, rounding::floor, overflow::wrap)>(c);
  from_floating<lop::sfix(12, 1080, rounding::half_even, overflow::saturate)>(c);      // subnormal range
  from_floating<lop::sfix(20, 1060, rounding::stochastic, overflow::saturate)>(c);     // d < 32 for subnormals
  from_floating<lop::ufix(10, -1000, rounding::half_up, overflow::saturate_zero)>(c);  // huge values
  from_floating<lop::sfix(128, 64, rounding::half_even, overflow::saturate)>(c);
  from_floating<lop::ufix(127, 1074, rounding::toward_zero, overflow::saturate)>(c);
  from_floating<lop::sfix(1, 0, rounding::half_up, overflow::wrap)>(c);
  from_floating<lop::sfix(8, 4, rounding::ceil, overflow::saturate)>(c);
  from_floating<lop::ufix(6, 2, rounding::ceil, overflow::wrap)>(c);
  from_floating<lop::sfix(12, 1080, rounding::ceil, overflow::saturate_symmetric)>(c);  // subnormal range
  c.done();
}

TEST_CASE("integers in and out: every int8 value, 64-bit extremes, toward zero and saturating out",
          "[convert][integer]") {
  checker c("integer conversions");
  integers<lop::sfix(8, 4)>(c);
  integers<lop::sfix(8, 4, rounding::half_even, overflow::saturate)>(c);
  integers<lop::ufix(6, 1, rounding::floor, overflow::saturate_zero)>(c);
  integers<lop::sfix(7, -2, rounding::half_away, overflow::saturate_symmetric)>(c);
  integers<lop::sfix(5, -3, rounding::stochastic, overflow::saturate)>(c);
  integers<lop::ufix(3, 0, rounding::half_up, overflow::wrap)>(c);
  integers<lop::sfix(12, 11, rounding::toward_zero, overflow::wrap)>(c);
  integers<lop::sfix(7, -2, rounding::ceil, overflow::saturate)>(c);
  integers<lop::ufix(9, -3, rounding::ceil, overflow::saturate_zero)>(c);
  integers<lop::sfix(64, 0, rounding::floor, overflow::wrap)>(c);
  integers<lop::sfix(72, 8, rounding::half_even, overflow::saturate)>(c);
  integers<lop::ufix(100, 30, rounding::half_even, overflow::saturate)>(c);
  integers<lop::sfix(128, 0, rounding::floor, overflow::saturate)>(c);
  c.done();
}

TEST_CASE("to double and float: correctly rounded", "[convert][float]") {
  checker c("to double/float");
  to_floating<lop::sfix(8, 4)>(c, 1);
  to_floating<lop::ufix(8, 0)>(c, 2);
  to_floating<lop::sfix(16, 1085)>(c, 3);    // double subnormals, every rounding case
  to_floating<lop::ufix(16, 160)>(c, 4);     // float subnormals
  to_floating<lop::sfix(16, -1010)>(c, 5);   // double overflow to infinity
  to_floating<lop::ufix(14, -120)>(c, 6);    // float overflow to infinity
  to_floating<lop::sfix(12, 2048)>(c, 7);    // below half the smallest subnormal
  to_floating<lop::sfix(10, -2048)>(c, 8);   // beyond every finite value
  to_floating<lop::sfix(64, 32)>(c, 9);
  to_floating<lop::ufix(64, 70)>(c, 10);
  to_floating<lop::sfix(128, 64)>(c, 11);     // 128-bit raw values (products of 64-bit formats)
  to_floating<lop::ufix(127, 1100)>(c, 12);
  to_floating<lop::sfix(128, -900)>(c, 13);
  to_floating<lop::sfix(100, 150)>(c, 14);
  c.done();

  // Runtime breadth over (raw, frac): every raw in [-600, 600] at fracs from -1100 to 1200.
  checker r("to_floating runtime");
  for (int frac = -1100; frac <= 1200; frac += 1) {
    for (i128 a = -600; a <= 600; a += (frac % 7 == 0 ? 1 : 37)) {
      const double want = ref::to_double(a, frac);
      const double got = lop::detail::to_floating<double>(a, frac);
      const float wantf = ref::to_float(a, frac);
      const float gotf = lop::detail::to_floating<float>(a, frac);
      r.expect(same_bits(want, got) && same_bits(wantf, gotf), [&] {
        return "raw " + str(a) + " frac " + std::to_string(frac) + ": want " + dstr(want) + "/" + dstr(wantf) +
               ", got " + dstr(got) + "/" + dstr(gotf);
      });
    }
  }
  r.done();
}

namespace {

template <fixed_format F>
void bits_hash_string(checker& c) {
  using T = lop::fixed<F>;
  using B = typename T::bits_type;
  static_assert(std::is_unsigned_v<B> || std::is_same_v<B, ref::u128>);
  std::unordered_set<T> set;
  const int n = 1 << F.width;
  for (int b = 0; b < n; ++b) {
    const T x = T::from_bits(b);
    const i128 raw = F.is_signed && b >= n / 2 ? b - n : b;
    c.expect(x.bits() == static_cast<B>(b) && raw_of(x) == raw, [&] { return fmt(F) + " from_bits " + std::to_string(b); });
    // Bits above the width are ignored; a negative source is taken as its two's complement.
    const T hi = T::from_bits(static_cast<std::uint64_t>(b) | (~std::uint64_t{0} << F.width));
    const T neg = T::from_bits(static_cast<std::int64_t>(b) - n);
    c.expect(raw_of(hi) == raw && raw_of(neg) == raw && hi == x, [&] { return fmt(F) + " from_bits high bits, " + std::to_string(b); });
    c.expect(std::hash<T>{}(x) == std::hash<T>{}(hi), [&] { return fmt(F) + " hash, " + std::to_string(b); });
    c.expect(T(lop::detail::raw_tag{}, static_cast<typename T::raw_type>(raw)).bits() == x.bits(),
             [&] { return fmt(F) + " raw_tag"; });
    // raw(): value == raw * 2^-frac.
    c.expect(x.to_double() == std::ldexp(static_cast<double>(raw), -F.frac), [&] { return fmt(F) + " raw value"; });
    // to_string: the exact decimal, parsed back; operator<< prints the same.
    const std::string s = lop::to_string(x);
    std::ostringstream os;
    os << x;
    c.expect(ref::decimal_equals<8>(s, raw, F.frac) && os.str() == s,
             [&] { return fmt(F) + " raw " + str(raw) + " to_string \"" + s + "\" (<< \"" + os.str() + "\")"; });
    set.insert(x);
    set.insert(hi);
  }
  c.expect(set.size() == static_cast<std::size_t>(n), [&] { return fmt(F) + " unordered_set size " + std::to_string(set.size()); });
}

}  // namespace

TEST_CASE("bits(), from_bits, raw(), std::hash, to_string and operator<<: every value", "[convert][bits]") {
  checker c("bits/hash/to_string");
  bits_hash_string<lop::sfix(1, 0)>(c);
  bits_hash_string<lop::ufix(1, 5)>(c);
  bits_hash_string<lop::sfix(4, -3)>(c);
  bits_hash_string<lop::ufix(7, 2)>(c);
  bits_hash_string<lop::sfix(8, 4)>(c);
  bits_hash_string<lop::ufix(8, 8)>(c);
  bits_hash_string<lop::sfix(8, 20)>(c);
  bits_hash_string<lop::sfix(12, 6, rounding::half_even, overflow::saturate)>(c);
  bits_hash_string<lop::ufix(16, 60)>(c);
  c.done();
}

TEST_CASE("bits() and from_bits at the native widths", "[convert][bits]") {
  using ref::u128;
  STATIC_REQUIRE(std::is_same_v<lop::sfixed<8, 0>::bits_type, std::uint8_t>);
  STATIC_REQUIRE(std::is_same_v<lop::sfixed<8, 0>::raw_type, std::int8_t>);
  STATIC_REQUIRE(std::is_same_v<lop::ufixed<9, 0>::raw_type, std::uint16_t>);
  STATIC_REQUIRE(std::is_same_v<lop::sfixed<33, 0>::raw_type, std::int64_t>);
  STATIC_REQUIRE(std::is_same_v<lop::sfixed<65, 0>::bits_type, u128>);
  CHECK(lop::sfixed<16, 0>::from_bits(0xFFFF).raw() == -1);
  CHECK(lop::sfixed<16, 0>::from_bits(0xFFFF).bits() == 0xFFFF);
  CHECK(lop::sfixed<16, 0>::from_bits(-1).bits() == 0xFFFF);
  CHECK(lop::sfixed<32, 0>::from_bits(0x80000000U).raw() == INT32_MIN);
  CHECK(lop::sfixed<64, 0>::from_bits(~std::uint64_t{0}).raw() == -1);
  CHECK(lop::sfixed<64, 0>::from_bits(~std::uint64_t{0}).bits() == ~std::uint64_t{0});
  CHECK(lop::ufixed<64, 0>::from_bits(-1).raw() == UINT64_MAX);
  CHECK(lop::sfixed<63, 0>::from_bits(std::uint64_t{1} << 62).raw() == -(std::int64_t{1} << 62));
  CHECK(lop::sfixed<63, 0>::from_bits(-1).bits() == (~std::uint64_t{0} >> 1));
  const u128 all = ~u128{0};
  CHECK(lop::sfixed<128, 0>::from_bits(all).raw() == -1);
  CHECK((lop::sfixed<128, 0>::from_bits(all).bits() == all));
  CHECK((lop::ufixed<127, 0>::from_bits(all).bits() == all >> 1));
  CHECK((lop::sfixed<100, 0>::from_bits(all).bits() == all >> 28));
  CHECK(lop::sfixed<100, 0>::from_bits(all).raw() == -1);
  CHECK((lop::sfixed<128, 0>::from_bits(u128{1} << 127).raw() == lop::detail::i128_min));
}

TEST_CASE("to_string: wide values and extreme fracs", "[convert][string]") {
  checker c("to_string wide");
  std::mt19937_64 gen(2024);
  INFO("seed 2024");
  for (int i = 0; i < 20000; ++i) {
    const auto u = static_cast<ref::u128>(gen()) << 64 | gen();
    const auto raw = static_cast<i128>(u >> (gen() % 128));
    const int frac = static_cast<int>(gen() % 241) - 120;
    const std::string s = lop::detail::to_decimal(raw, frac);
    c.expect(ref::decimal_equals<8>(s, raw, frac),
             [&] { return "raw " + str(raw) + " frac " + std::to_string(frac) + ": \"" + s + "\""; });
  }
  for (i128 raw : {i128{1}, i128{-1}, i128{3}, lop::detail::i128_min, lop::detail::i128_max}) {
    for (int frac : {2048, -2048, 1074, 127, -127}) {
      const std::string s = lop::detail::to_decimal(raw, frac);
      c.expect(ref::decimal_equals<120>(s, raw, frac),
               [&] { return "raw " + str(raw) + " frac " + std::to_string(frac) + ": " + s.substr(0, 40) + "..."; });
    }
  }
  c.done();
  CHECK(lop::to_string(lop::sfixed<8, 3>(-1.375)) == "-1.375");
  CHECK(lop::to_string(lop::sfixed<8, 3>(0.0)) == "0");
  CHECK(lop::to_string(lop::sfixed<8, 3>(-0.0)) == "0");
  CHECK(lop::to_string(lop::sfixed<8, -2>(-256)) == "-256");
  CHECK(lop::to_string(lop::ufixed<8, 8>::max()) == "0.99609375");
  CHECK(lop::to_string(lop::sfixed<4, 0>::lowest()) == "-8");
}

namespace {
template <fixed_format F>
void limits() {
  using T = lop::fixed<F>;
  using L = std::numeric_limits<T>;
  STATIC_REQUIRE(L::is_specialized);
  STATIC_REQUIRE(L::is_signed == F.is_signed);
  STATIC_REQUIRE(!L::is_integer);
  STATIC_REQUIRE(L::is_exact);
  STATIC_REQUIRE(L::is_bounded);
  STATIC_REQUIRE(!L::has_infinity);
  STATIC_REQUIRE(!L::has_quiet_NaN);
  STATIC_REQUIRE(!L::is_iec559);
  STATIC_REQUIRE(L::radix == 2);
  STATIC_REQUIRE(L::digits == F.width - (F.is_signed ? 1 : 0));
  STATIC_REQUIRE(L::is_modulo == (F.ovf == overflow::wrap));
  constexpr std::float_round_style want_style =
      F.round == rounding::floor         ? std::round_toward_neg_infinity
      : F.round == rounding::toward_zero ? std::round_toward_zero
      : F.round == rounding::ceil        ? std::round_toward_infinity
      : F.round == rounding::stochastic  ? std::round_indeterminate
                                         : std::round_to_nearest;
  STATIC_REQUIRE(L::round_style == want_style);
  CHECK(L::min().raw() == 1);
  CHECK(L::epsilon().raw() == 1);
  CHECK(L::denorm_min().raw() == 1);
  CHECK(static_cast<i128>(L::max().raw()) == ref::raw_max(F));
  CHECK(static_cast<i128>(L::lowest().raw()) == ref::raw_min(F));
  CHECK(static_cast<i128>(T::max().raw()) == ref::raw_max(F));
  CHECK(static_cast<i128>(T::lowest().raw()) == ref::raw_min(F));
  CHECK(T::ulp().raw() == 1);
}
}  // namespace

TEST_CASE("numeric_limits", "[convert][limits]") {
  limits<lop::sfix(8, 4)>();
  limits<lop::ufix(8, 8, rounding::half_even, overflow::saturate)>();
  limits<lop::sfix(1, 0, rounding::toward_zero, overflow::saturate_zero)>();
  limits<lop::ufix(1, -3, rounding::stochastic, overflow::saturate_symmetric)>();
  limits<lop::sfix(64, 32, rounding::half_up, overflow::wrap)>();
  limits<lop::sfix(128, 0, rounding::half_away, overflow::saturate)>();
  limits<lop::sfix(16, 8, rounding::ceil, overflow::saturate)>();
  limits<lop::ufix(127, 200)>();
  CHECK(std::numeric_limits<lop::sfixed<8, 4>>::max().to_double() == 127.0 / 16);
  CHECK(std::numeric_limits<lop::sfixed<8, 4>>::lowest().to_double() == -8.0);
  CHECK(std::numeric_limits<lop::sfixed<8, 4>>::min().to_double() == 1.0 / 16);
}
