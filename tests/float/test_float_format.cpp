// lop::float_format: presets against the published numbers of their specifications,
// exact characteristic values against an independent decoder, validate() messages, and the
// canonical text (print/parse round trips, shortened forms, preset names, errors).
#include <catch2/catch.hpp>

#include <cmath>
#include <cstdint>
#include <limits>
#include <optional>
#include <string>
#include <string_view>
#include <vector>

#include "lop/float_format.hpp"

namespace {

using lop::float_format;
using lop::float_overflow;
using lop::rounding;
using lop::specials;
namespace formats = lop::formats;

// A float_format is usable as a template argument (C++20 structural type).
template <float_format F>
constexpr int width_of = lop::width(F);
static_assert(width_of<formats::fp8_e4m3fn> == 8);
static_assert(width_of<lop::float_format{}> == 32);
static_assert(lop::float_format{} == formats::fp32);
static_assert(lop::validate(formats::fp32) == nullptr);
static_assert(lop::max_finite(formats::fp8_e4m3fn).to_double() == 448.0);

// Independent decoder, written from the encoding definitions in docs/cfloat.md: the value of
// an encoding as a double (NaN for NaN, +-inf for Inf). Used for formats of <= 16 bits.
double decode(const float_format& f, std::uint64_t bits) {
  const int w = 1 + f.exp_bits + f.man_bits;
  const bool neg = ((bits >> (w - 1)) & 1U) != 0;
  const std::uint64_t field = (bits >> f.man_bits) & ((std::uint64_t{1} << f.exp_bits) - 1);
  const std::uint64_t man = bits & ((std::uint64_t{1} << f.man_bits) - 1);
  const std::uint64_t top = (std::uint64_t{1} << f.exp_bits) - 1;
  const std::uint64_t man_top = (std::uint64_t{1} << f.man_bits) - 1;
  const double nan = std::numeric_limits<double>::quiet_NaN();
  if (f.enc == specials::ieee && field == top)
    return man == 0 ? (neg ? -HUGE_VAL : HUGE_VAL) : nan;
  if (f.enc == specials::fn && field == top && man == man_top) return nan;
  if (f.enc == specials::fnuz && neg && field == 0 && man == 0) return nan;
  double mag = 0;
  if (field == 0) {
    mag = f.subnormals ? std::ldexp(static_cast<double>(man), 1 - f.bias - f.man_bits) : 0.0;
  } else {
    mag = std::ldexp(static_cast<double>(man + (std::uint64_t{1} << f.man_bits)),
                     static_cast<int>(field) - f.bias - f.man_bits);
  }
  return neg ? -mag : mag;
}

// A published characteristic set of one preset.
struct published {
  std::string_view name;
  float_format f;
  int width;
  double max_finite;
  double min_normal;
  double min_subnormal;
  std::uint64_t max_bits;
  std::optional<std::uint64_t> inf, nan, neg_zero;
};

// Literal numbers from the specifications:
//  IEEE 754-2019 (binary32, binary16, binary64); bfloat16 (Google Brain / Intel BF16 spec:
//  binary32 with 16 fraction bits dropped); NVIDIA TF32 (A100 whitepaper: 8-bit exponent,
//  10-bit mantissa); OCP 8-bit Floating Point Specification (OFP8) rev 1.0, table 1 (E4M3:
//  max 448, min normal 2^-6, min subnormal 2^-9, NaN S.1111.111, no Inf; E5M2: max 57344,
//  min normal 2^-14, min subnormal 2^-16, Inf S.11111.00, NaN S.11111.{01,10,11}); the FNUZ
//  8-bit formats of Graphcore/AMD as defined in LLVM APFloat (Float8E4M3FNUZ: bias 8, max 240;
//  Float8E5M2FNUZ: bias 16, max 57344; NaN 0x80, no -0); OCP Microscaling Formats (MX)
//  Specification v1.0, tables 2-3 (FP6 E2M3: max 7.5, min normal 1.0, min subnormal 0.125;
//  FP6 E3M2: max 28, min normal 0.25, min subnormal 0.0625; FP4 E2M1: max 6, min normal 1.0,
//  min subnormal 0.5; no Inf, no NaN).
const std::vector<published>& published_values() {
  static const std::vector<published> v{
      {"fp64", formats::fp64, 64, 1.7976931348623157e308, 2.2250738585072014e-308,
       4.9406564584124654e-324, 0x7FEFFFFFFFFFFFFFULL, 0x7FF0000000000000ULL,
       0x7FF8000000000000ULL, 0x8000000000000000ULL},
      {"fp32", formats::fp32, 32, 3.4028234663852886e38, 1.1754943508222875e-38,
       1.401298464324817e-45, 0x7F7FFFFF, 0x7F800000, 0x7FC00000, 0x80000000},
      {"fp16", formats::fp16, 16, 65504.0, 6.103515625e-05, 5.9604644775390625e-08, 0x7BFF,
       0x7C00, 0x7E00, 0x8000},
      {"bf16", formats::bf16, 16, 3.3895313892515355e38, 1.1754943508222875e-38,
       9.183549615799121e-41, 0x7F7F, 0x7F80, 0x7FC0, 0x8000},
      {"tf32", formats::tf32, 19, 3.4011621342146535e38, 1.1754943508222875e-38,
       1.1479437019748901e-41, 0x3FBFF, 0x3FC00, 0x3FE00, 0x40000},
      {"fp8_e4m3fn", formats::fp8_e4m3fn, 8, 448.0, 0.015625, 0.001953125, 0x7E, std::nullopt,
       0x7F, 0x80},
      {"fp8_e5m2", formats::fp8_e5m2, 8, 57344.0, 6.103515625e-05, 1.52587890625e-05, 0x7B, 0x7C,
       0x7E, 0x80},
      {"fp8_e4m3fnuz", formats::fp8_e4m3fnuz, 8, 240.0, 0.0078125, 0.0009765625, 0x7F,
       std::nullopt, 0x80, std::nullopt},
      {"fp8_e5m2fnuz", formats::fp8_e5m2fnuz, 8, 57344.0, 3.0517578125e-05, 7.62939453125e-06,
       0x7F, std::nullopt, 0x80, std::nullopt},
      {"fp6_e2m3fn", formats::fp6_e2m3fn, 6, 7.5, 1.0, 0.125, 0x1F, std::nullopt, std::nullopt,
       0x20},
      {"fp6_e3m2fn", formats::fp6_e3m2fn, 6, 28.0, 0.25, 0.0625, 0x1F, std::nullopt,
       std::nullopt, 0x20},
      {"fp4_e2m1fn", formats::fp4_e2m1fn, 4, 6.0, 1.0, 0.5, 0x7, std::nullopt, std::nullopt,
       0x8},
  };
  return v;
}

TEST_CASE("presets match their published definitions", "[float_format]") {
  REQUIRE(published_values().size() == lop::float_presets.size());
  for (const auto& p : published_values()) {
    INFO(p.name);
    const float_format& f = p.f;
    CHECK(lop::validate(f) == nullptr);
    CHECK(lop::width(f) == p.width);
    CHECK(f.round == rounding::half_even);
    CHECK(f.subnormals);
    CHECK(f.ovf == (f.enc == specials::ieee ? float_overflow::infinity : float_overflow::saturate));
    CHECK(lop::max_finite(f).to_double() == p.max_finite);
    CHECK(lop::min_normal(f).to_double() == p.min_normal);
    REQUIRE(lop::min_subnormal(f).has_value());
    CHECK(lop::min_subnormal(f)->to_double() == p.min_subnormal);
    CHECK(lop::min_positive(f).to_double() == p.min_subnormal);
    CHECK(lop::max_finite_bits(f) == p.max_bits);
    CHECK(lop::max_finite_bits(f, true) == (p.max_bits | lop::sign_bit(f)));
    CHECK(lop::infinity_bits(f) == p.inf);
    if (p.inf) CHECK(lop::infinity_bits(f, true) == (*p.inf | lop::sign_bit(f)));
    CHECK(lop::nan_bits(f) == p.nan);
    CHECK(lop::negative_zero_bits(f) == p.neg_zero);
    // The preset's name parses to it.
    CHECK(lop::find_float_preset(p.name) == f);
    CHECK(lop::parse_float_format(p.name) == f);
  }
  // Published bit-level facts checked against the raw words.
  CHECK(formats::fp8_e4m3fn == float_format{4, 3, 7, true, specials::fn, rounding::half_even,
                                            float_overflow::saturate});
  CHECK(formats::fp8_e5m2.bias == 15);
  CHECK(formats::fp8_e4m3fnuz.bias == 8);
  CHECK(formats::fp8_e5m2fnuz.bias == 16);
  CHECK(formats::bf16.bias == 127);
  CHECK(formats::tf32.bias == 127);
  CHECK(lop::max_exponent(formats::fp32) == 127);  // emax of binary32
  CHECK(lop::min_exponent(formats::fp32) == -126);  // emin of binary32
  CHECK(lop::max_exponent(formats::fp16) == 15);
  CHECK(lop::min_exponent(formats::fp16) == -14);
  CHECK(lop::max_exponent(formats::fp8_e4m3fn) == 8);  // 448 = 1.75 * 2^8
  CHECK(lop::max_exponent(formats::fp8_e5m2) == 15);
  // The dyadic of E4M3's max: 1.110b * 2^8 = 14 * 2^5.
  CHECK(lop::max_finite(formats::fp8_e4m3fn) == lop::dyadic{14, 5});
  CHECK(lop::max_finite(formats::fp8_e4m3fn).normalized() == lop::dyadic{7, 6});
}

TEST_CASE("presets agree with std::numeric_limits for fp32 and fp64", "[float_format]") {
  using F = std::numeric_limits<float>;
  using D = std::numeric_limits<double>;
  CHECK(lop::max_finite(formats::fp32).to_double() == static_cast<double>(F::max()));
  CHECK(lop::min_normal(formats::fp32).to_double() == static_cast<double>(F::min()));
  CHECK(lop::min_subnormal(formats::fp32)->to_double() == static_cast<double>(F::denorm_min()));
  CHECK(lop::max_exponent(formats::fp32) + 1 == F::max_exponent);
  CHECK(lop::min_exponent(formats::fp32) + 1 == F::min_exponent);
  CHECK(lop::max_finite(formats::fp64).to_double() == D::max());
  CHECK(lop::min_normal(formats::fp64).to_double() == D::min());
  CHECK(lop::min_subnormal(formats::fp64)->to_double() == D::denorm_min());
}

TEST_CASE("exhaustive encoding census of the 8-bit and smaller presets", "[float_format]") {
  struct census { int zero, sub, normal, inf, nan; };
  auto count = [](const float_format& f) {
    census c{0, 0, 0, 0, 0};
    for (std::uint64_t b = 0; b < (std::uint64_t{1} << lop::width(f)); ++b) {
      switch (lop::classify(f, b)) {
        case lop::float_class::zero: ++c.zero; break;
        case lop::float_class::subnormal: ++c.sub; break;
        case lop::float_class::normal: ++c.normal; break;
        case lop::float_class::infinity: ++c.inf; break;
        case lop::float_class::nan: ++c.nan; break;
      }
    }
    return c;
  };
  auto e4m3 = count(formats::fp8_e4m3fn);  // OFP8: 2 NaNs, no Inf, +-0
  CHECK((e4m3.nan == 2 && e4m3.inf == 0 && e4m3.zero == 2 && e4m3.sub == 14));
  auto e5m2 = count(formats::fp8_e5m2);  // IEEE-like: 6 NaNs, 2 Inf
  CHECK((e5m2.nan == 6 && e5m2.inf == 2 && e5m2.zero == 2 && e5m2.sub == 6));
  auto fnuz = count(formats::fp8_e4m3fnuz);  // one NaN, one zero
  CHECK((fnuz.nan == 1 && fnuz.inf == 0 && fnuz.zero == 1 && fnuz.sub == 14));
  auto fp4 = count(formats::fp4_e2m1fn);  // MX: all numbers
  CHECK((fp4.nan == 0 && fp4.inf == 0 && fp4.zero == 2 && fp4.sub == 2 && fp4.normal == 12));
  auto fp6 = count(formats::fp6_e2m3fn);
  CHECK((fp6.nan == 0 && fp6.inf == 0 && fp6.zero == 2 && fp6.sub == 14 && fp6.normal == 48));
}

// Every valid format of <= 12 bits with a small bias: the characteristic values and bit
// patterns agree with the independent decoder over all encodings.
TEST_CASE("characteristic values agree with an exhaustive decode", "[float_format]") {
  int formats_checked = 0;
  for (int e = 1; e <= 5; ++e)
    for (int m = 0; 1 + e + m <= 12; ++m)
      for (int bias : {-3, 0, 1, lop::default_bias(e), 9})
        for (bool sub : {false, true})
          for (auto enc : {specials::ieee, specials::fn, specials::fnuz, specials::none}) {
            const float_format f{e, m, bias, sub, enc, rounding::half_even, float_overflow::saturate};
            if (lop::validate(f) != nullptr) continue;
            ++formats_checked;
            INFO(lop::to_string(f));
            double max = 0, min_pos = HUGE_VAL, min_norm = HUGE_VAL;
            std::uint64_t max_bits = 0;
            int nans = 0;
            for (std::uint64_t b = 0; b < (std::uint64_t{1} << lop::width(f)); ++b) {
              const double v = decode(f, b);
              const auto cls = lop::classify(f, b);
              if (std::isnan(v)) {
                ++nans;
                REQUIRE(cls == lop::float_class::nan);
                continue;
              }
              if (std::isinf(v)) {
                REQUIRE(cls == lop::float_class::infinity);
                continue;
              }
              const bool is_normal = ((b >> m) & ((1U << e) - 1)) != 0;
              REQUIRE(cls == (v == 0 ? lop::float_class::zero
                                     : is_normal ? lop::float_class::normal
                                                 : lop::float_class::subnormal));
              if (v > max) max = v, max_bits = b;
              if (v > 0 && v < min_pos) min_pos = v;
              if (v > 0 && is_normal && v < min_norm) min_norm = v;
            }
            REQUIRE(lop::max_finite(f).to_double() == max);
            REQUIRE(lop::max_finite_bits(f) == max_bits);
            REQUIRE(lop::min_positive(f).to_double() == min_pos);
            REQUIRE(lop::min_normal(f).to_double() == min_norm);
            REQUIRE(std::ldexp(1.0, lop::max_exponent(f)) <= max);
            REQUIRE(std::ldexp(2.0, lop::max_exponent(f)) > max);
            if (auto n = lop::nan_bits(f)) {
              REQUIRE(std::isnan(decode(f, *n)));
            } else {
              REQUIRE(nans == 0);
            }
            if (auto i = lop::infinity_bits(f)) {
              REQUIRE(decode(f, *i) == HUGE_VAL);
              REQUIRE(decode(f, *lop::infinity_bits(f, true)) == -HUGE_VAL);
            }
            if (auto z = lop::negative_zero_bits(f)) {
              REQUIRE(decode(f, *z) == 0.0);
              REQUIRE(std::signbit(decode(f, *z)));
            }
          }
  CHECK(formats_checked > 300);
}

TEST_CASE("validate() explains what to change", "[float_format]") {
  auto msg = [](float_format f) {
    const char* m = lop::validate(f);
    return std::string(m == nullptr ? "" : m);
  };
  const float_format ok = formats::fp16;
  auto with = [&](auto change) {
    float_format f = ok;
    change(f);
    return msg(f);
  };
  CHECK(msg(ok).empty());
  CHECK_THAT(with([](float_format& f) { f.exp_bits = 0; }), Catch::Contains("exp_bits must be within 1..11"));
  CHECK_THAT(with([](float_format& f) { f.exp_bits = 12; }), Catch::Contains("exp_bits must be within 1..11"));
  CHECK_THAT(with([](float_format& f) { f.man_bits = -1; }), Catch::Contains("man_bits must be within 0..52"));
  CHECK_THAT(with([](float_format& f) { f.man_bits = 53; }), Catch::Contains("man_bits must be within 0..52"));
  CHECK(with([](float_format& f) { f.exp_bits = 11, f.man_bits = 52; }).empty());  // 64 bits
  CHECK_THAT(with([](float_format& f) { f.bias = 4097; }), Catch::Contains("bias must be within -4096..4096"));
  CHECK_THAT(with([](float_format& f) { f.bias = -4097; }), Catch::Contains("bias must be within"));
  CHECK(with([](float_format& f) { f.bias = -4096; }).empty());
  CHECK_THAT(with([](float_format& f) { f.exp_bits = 1; }),
             Catch::Contains("ieee encoding with exp_bits 1 leaves no finite normal binade") &&
                 Catch::Contains("fn, fnuz or none"));
  CHECK_THAT(with([](float_format& f) { f.man_bits = 0; }), Catch::Contains("ieee encoding with man_bits 0 has no NaN"));
  CHECK_THAT(with([](float_format& f) { f.enc = specials::fn, f.exp_bits = 1, f.man_bits = 0; }),
             Catch::Contains("fn encoding with exp_bits 1 and man_bits 0"));
  CHECK(with([](float_format& f) { f.enc = specials::fn, f.exp_bits = 1, f.man_bits = 1; }).empty());
  CHECK(with([](float_format& f) { f.enc = specials::fnuz, f.exp_bits = 1, f.man_bits = 0; }).empty());
  CHECK_THAT(with([](float_format& f) { f.enc = specials::none; }),
             Catch::Contains("overflow 'infinity' needs an encoding with Inf or NaN") &&
                 Catch::Contains("use overflow saturate"));
  CHECK(with([](float_format& f) { f.enc = specials::none, f.ovf = float_overflow::saturate; }).empty());
  // fn/fnuz with overflow to "infinity" are OCP's non-saturating conversions (overflow -> NaN).
  CHECK(with([](float_format& f) { f.enc = specials::fn; }).empty());
  CHECK(with([](float_format& f) { f.enc = specials::fnuz; }).empty());
  CHECK_THAT(with([](float_format& f) { f.enc = static_cast<specials>(9); }), Catch::Contains("unknown specials"));
  CHECK_THAT(with([](float_format& f) { f.round = static_cast<rounding>(99); }), Catch::Contains("unknown rounding"));
  CHECK_THAT(with([](float_format& f) { f.ovf = static_cast<float_overflow>(7); }), Catch::Contains("unknown float overflow"));
  // Every rounding mode is allowed, half_up (ties toward +inf) and ceil included.
  for (std::size_t r = 0; r < lop::detail::rounding_names.size(); ++r)
    CHECK(with([&](float_format& f) { f.round = static_cast<rounding>(r); }).empty());
}

TEST_CASE("canonical text of the presets", "[float_format]") {
  CHECK(lop::to_string(formats::fp8_e4m3fn) == "float<4,3,7,subnormals,fn,half_even,saturate>");
  CHECK(lop::to_string(formats::fp8_e5m2) == "float<5,2,15,subnormals,ieee,half_even,infinity>");
  CHECK(lop::to_string(formats::fp8_e4m3fnuz) == "float<4,3,8,subnormals,fnuz,half_even,saturate>");
  CHECK(lop::to_string(formats::fp8_e5m2fnuz) == "float<5,2,16,subnormals,fnuz,half_even,saturate>");
  CHECK(lop::to_string(formats::fp32) == "float<8,23,127,subnormals,ieee,half_even,infinity>");
  CHECK(lop::to_string(formats::fp16) == "float<5,10,15,subnormals,ieee,half_even,infinity>");
  CHECK(lop::to_string(formats::bf16) == "float<8,7,127,subnormals,ieee,half_even,infinity>");
  CHECK(lop::to_string(formats::tf32) == "float<8,10,127,subnormals,ieee,half_even,infinity>");
  CHECK(lop::to_string(formats::fp6_e2m3fn) == "float<2,3,1,subnormals,none,half_even,saturate>");
  CHECK(lop::to_string(formats::fp6_e3m2fn) == "float<3,2,3,subnormals,none,half_even,saturate>");
  CHECK(lop::to_string(formats::fp4_e2m1fn) == "float<2,1,1,subnormals,none,half_even,saturate>");
  for (const auto& p : lop::float_presets) {
    INFO(p.name);
    CHECK(lop::parse_float_format(lop::to_string(p.format)) == p.format);
    CHECK(lop::parse_float_format("  " + std::string(p.name) + "  ") == p.format);
  }
}

TEST_CASE("print/parse round trip over a sweep of formats", "[float_format]") {
  int valid = 0, invalid = 0;
  for (int e = 1; e <= 11; ++e)
    for (int m = 0; m <= 52; m += (m < 12 ? 1 : 10))
      for (int bias : {-4096, -1, 0, lop::default_bias(e), 4096})
        for (bool sub : {false, true})
          for (auto enc : {specials::ieee, specials::fn, specials::fnuz, specials::none})
            for (std::size_t r = 0; r < lop::detail::rounding_names.size(); ++r)
              for (auto ovf : {float_overflow::infinity, float_overflow::saturate}) {
                const float_format f{e, m, bias, sub, enc, static_cast<rounding>(r), ovf};
                const std::string text = lop::to_string(f);
                if (lop::validate(f) == nullptr) {
                  ++valid;
                  const float_format g = lop::parse_float_format(text);
                  if (!(g == f)) FAIL(text);
                } else {
                  ++invalid;
                  CHECK_THROWS_AS(lop::parse_float_format(text), lop::format_error);
                }
              }
  CHECK(valid > 10000);
  CHECK(invalid > 1000);
  // ceil (toward +inf) and half_up are printed and parsed like the other modes.
  float_format c = formats::fp16;
  c.round = rounding::ceil;
  CHECK(lop::to_string(c) == "float<5,10,15,subnormals,ieee,ceil,infinity>");
  CHECK(lop::parse_float_format(lop::to_string(c)) == c);
  c.round = rounding::half_up;
  CHECK(lop::parse_float_format("float<5,10,15,subnormals,ieee,half_up>") == c);
}

TEST_CASE("shortened forms take IEEE-style defaults", "[float_format]") {
  CHECK(lop::parse_float_format("float<8,23>") == formats::fp32);
  CHECK(lop::parse_float_format("float<5,10>") == formats::fp16);
  CHECK(lop::parse_float_format("float<8,7>") == formats::bf16);
  CHECK(lop::parse_float_format("float<5,2>") == formats::fp8_e5m2);
  CHECK(lop::parse_float_format(" float < 5 , 2 , 15 > ") == formats::fp8_e5m2);
  CHECK(lop::parse_float_format("float<5,2,16,subnormals,fnuz,half_even,saturate>") ==
        formats::fp8_e5m2fnuz);
  CHECK(lop::parse_float_format("float<4,3,+7,subnormals,fn,half_even,saturate>") ==
        formats::fp8_e4m3fn);
  float_format f = lop::ieee_float(6, 9);
  CHECK(f.bias == 31);
  CHECK(lop::parse_float_format("float<6,9>") == f);
  f.bias = -2;
  CHECK(lop::parse_float_format("float<6,9,-2>") == f);
  f.subnormals = false;
  CHECK(lop::parse_float_format("float<6,9,-2,no_subnormals>") == f);
  f.enc = specials::fn;
  CHECK(lop::parse_float_format("float<6,9,-2,no_subnormals,fn>") == f);
  f.round = rounding::toward_zero;
  CHECK(lop::parse_float_format("float<6,9,-2,no_subnormals,fn,toward_zero>") == f);
  f.ovf = float_overflow::saturate;
  CHECK(lop::parse_float_format("float<6,9,-2,no_subnormals,fn,toward_zero,saturate>") == f);
  CHECK(lop::default_bias(1) == 0);
  CHECK(lop::default_bias(11) == 1023);
  // The reader is reusable inside larger descriptors.
  lop::detail::descriptor_reader r("fp16, float<4,3,7,subnormals,fn>");
  CHECK(lop::detail::read_float_format(r) == formats::fp16);
  r.expect(',');
  CHECK(lop::detail::read_float_format(r).enc == specials::fn);
  r.finish();
}

TEST_CASE("malformed text is rejected with a column and a reason", "[float_format]") {
  auto error = [](std::string_view text) -> std::string {
    try {
      (void)lop::parse_float_format(text);
    } catch (const lop::format_error& e) {
      return e.what();
    }
    return "(no error)";
  };
  CHECK_THAT(error(""), Catch::Contains("column 1: expected a name"));
  CHECK_THAT(error("fixed<8,4>"), Catch::Contains("column 1: unknown float format 'fixed'") &&
                                      Catch::Contains("fp8_e4m3fn"));
  CHECK_THAT(error("  fp9"), Catch::Contains("column 3: unknown float format 'fp9'"));
  CHECK_THAT(error("float"), Catch::Contains("column 6: expected '<'"));
  CHECK_THAT(error("float<"), Catch::Contains("column 7: expected an integer"));
  CHECK_THAT(error("float<8>"), Catch::Contains("column 8: expected ','"));
  CHECK_THAT(error("float<8,x>"), Catch::Contains("column 9: expected an integer"));
  CHECK_THAT(error("float<8,23"), Catch::Contains("column 11: expected '>'"));
  CHECK_THAT(error("float<8,23,127,subnormal>"),
             Catch::Contains("unknown subnormal mode 'subnormal'") &&
                 Catch::Contains("no_subnormals subnormals"));
  CHECK_THAT(error("float<8,23,127,subnormals,iee>"),
             Catch::Contains("unknown specials encoding 'iee'") && Catch::Contains("ieee fn fnuz none"));
  CHECK_THAT(error("float<8,23,127,subnormals,ieee,nearest>"),
             Catch::Contains("unknown rounding mode 'nearest'") && Catch::Contains("half_even"));
  CHECK_THAT(error("float<8,23,127,subnormals,ieee,half_even,wrap>"),
             Catch::Contains("unknown overflow mode 'wrap'") && Catch::Contains("infinity saturate"));
  CHECK_THAT(error("float<8,23,127,subnormals,ieee,half_even,saturate,x>"),
             Catch::Contains("expected '>'"));
  CHECK_THAT(error("float<8,23> x"), Catch::Contains("column 13: unexpected trailing text"));
  CHECK_THAT(error("fp16>"), Catch::Contains("column 5: unexpected trailing text"));
  CHECK_THAT(error("float<12,3>"), Catch::Contains("exp_bits must be within 1..11"));
  CHECK_THAT(error("float<1,3>"), Catch::Contains("no finite normal binade"));
  CHECK_THAT(error("float<2,1,1,subnormals,none>"), Catch::Contains("overflow 'infinity' needs"));
  CHECK_THAT(error("float<8,99999999999>"), Catch::Contains("expected an integer"));
  CHECK_THROWS_AS(lop::parse_float_format("float<8,23,>"), lop::format_error);
}

}  // namespace
