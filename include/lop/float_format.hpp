// The descriptor of a custom floating-point format (issue 3): lop::float_format, its
// validation, exact characteristic values and bit patterns, the named presets, and its
// canonical text form. See docs/cfloat.md ("Descriptors").
//
// A float_format value decodes a (1 + exp_bits + man_bits)-bit word S.E.M as
//   exponent field 0, subnormals on  : (-1)^S * 0.M * 2^(1 - bias)        (zero when M = 0)
//   exponent field 0, subnormals off : (-1)^S * 0                          (M is ignored)
//   exponent field 1 .. top          : (-1)^S * 1.M * 2^(field - bias)
// except the encodings that `enc` (lop::specials) reserves for Inf and NaN.
#pragma once
#include <array>
#include <cstddef>
#include <cstdint>
#include <optional>
#include <string>
#include <string_view>

#include "lop/format.hpp"

namespace lop {

// Which encodings are special values.
enum class specials : std::uint8_t {
  ieee,  // IEEE 754: the all-ones exponent field holds Inf (mantissa 0) and NaN (mantissa != 0)
  fn,    // finite (OCP E4M3 style): no Inf; NaN only at S.1..1.1..1 (both signs); the rest of
         // the top binade are numbers
  fnuz,  // finite, unsigned zero: no Inf, no -0; 1000...0 is the only NaN
  none,  // every encoding is a number (OCP MX FP6/FP4): no Inf, no NaN
};

// What a result beyond the largest finite magnitude becomes.
enum class float_overflow : std::uint8_t {
  infinity,  // +-Inf where the encoding has Inf (ieee); NaN for fn/fnuz (OCP non-saturating
             // conversion); impossible for `none` (validate() rejects it)
  saturate,  // +-max finite (OCP saturating conversion)
};

struct float_format {
  int exp_bits = 8;
  int man_bits = 23;
  int bias = 127;
  bool subnormals = true;
  specials enc = specials::ieee;
  rounding round = rounding::half_even;
  float_overflow ovf = float_overflow::infinity;

  [[nodiscard]] constexpr float_format with_rounding(rounding r) const noexcept {
    float_format f = *this;
    f.round = r;
    return f;
  }
  [[nodiscard]] constexpr float_format with_overflow(float_overflow o) const noexcept {
    float_format f = *this;
    f.ovf = o;
    return f;
  }
  friend constexpr bool operator==(const float_format&, const float_format&) = default;
};

// Limits of a float_format descriptor.
inline constexpr int max_float_exp_bits = 11;
inline constexpr int max_float_man_bits = 52;
inline constexpr int max_float_abs_bias = 4096;
inline constexpr int max_float_width = 64;

// The IEEE 754 bias for an exponent field of e bits: 2^(e-1) - 1 (0 when e is out of 1..31).
[[nodiscard]] constexpr int default_bias(int exp_bits) noexcept {
  return exp_bits >= 1 && exp_bits <= 31 ? static_cast<int>((1U << (exp_bits - 1)) - 1U) : 0;
}

// An IEEE-style format: default bias, subnormals, Inf/NaN, half_even, overflow to Inf.
[[nodiscard]] constexpr float_format ieee_float(int exp_bits, int man_bits) noexcept {
  return {exp_bits, man_bits, default_bias(exp_bits), true, specials::ieee, rounding::half_even,
          float_overflow::infinity};
}

// Total width in bits: sign + exponent + mantissa.
[[nodiscard]] constexpr int width(const float_format& f) noexcept {
  return 1 + f.exp_bits + f.man_bits;
}

namespace detail {
inline constexpr std::array<std::string_view, 4> specials_names{"ieee", "fn", "fnuz", "none"};
inline constexpr std::array<std::string_view, 2> float_overflow_names{"infinity", "saturate"};
inline constexpr std::array<std::string_view, 2> subnormal_names{"no_subnormals", "subnormals"};
}  // namespace detail

[[nodiscard]] constexpr std::string_view to_string(specials s) noexcept {
  return detail::specials_names[static_cast<std::size_t>(s)];
}
[[nodiscard]] constexpr std::string_view to_string(float_overflow o) noexcept {
  return detail::float_overflow_names[static_cast<std::size_t>(o)];
}

// nullptr when f is a valid format, otherwise what is wrong and how to fix it.
[[nodiscard]] constexpr const char* validate(const float_format& f) noexcept {
  if (f.exp_bits < 1 || f.exp_bits > max_float_exp_bits)
    return "exp_bits must be within 1..11";
  if (f.man_bits < 0 || f.man_bits > max_float_man_bits)
    return "man_bits must be within 0..52";
  if (width(f) > max_float_width)
    return "1 + exp_bits + man_bits must be at most 64 bits; use fewer exponent or mantissa bits";
  if (f.bias < -max_float_abs_bias || f.bias > max_float_abs_bias)
    return "bias must be within -4096..4096";
  if (static_cast<std::size_t>(f.enc) >= detail::specials_names.size())
    return "unknown specials encoding";
  if (static_cast<std::size_t>(f.round) >= detail::rounding_names.size())
    return "unknown rounding mode";
  if (static_cast<std::size_t>(f.ovf) >= detail::float_overflow_names.size())
    return "unknown float overflow mode";
  if (f.enc == specials::ieee && f.exp_bits < 2)
    return "ieee encoding with exp_bits 1 leaves no finite normal binade (the only nonzero "
           "exponent field holds Inf/NaN); use exp_bits >= 2 or specials fn, fnuz or none";
  if (f.enc == specials::ieee && f.man_bits < 1)
    return "ieee encoding with man_bits 0 has no NaN (the all-ones exponent field holds only "
           "Inf); use man_bits >= 1 or specials fn, fnuz or none";
  if (f.enc == specials::fn && f.exp_bits < 2 && f.man_bits < 1)
    return "fn encoding with exp_bits 1 and man_bits 0 has no finite nonzero number (the only "
           "nonzero exponent field is NaN); use more bits or specials fnuz or none";
  if (f.enc == specials::none && f.ovf == float_overflow::infinity)
    return "overflow 'infinity' needs an encoding with Inf or NaN but specials 'none' has "
           "neither; use overflow saturate or specials ieee, fn or fnuz";
  return nullptr;
}

// An exact positive value significand * 2^exponent.
struct dyadic {
  std::uint64_t significand = 0;
  int exponent = 0;

  // The same value with an odd significand (or 0 * 2^0): equal values compare equal.
  [[nodiscard]] constexpr dyadic normalized() const noexcept {
    if (significand == 0) return {0, 0};
    dyadic d = *this;
    while ((d.significand & 1U) == 0) d.significand >>= 1, ++d.exponent;
    return d;
  }
  // The value as a double, rounded to nearest (exact whenever double can represent it).
  [[nodiscard]] constexpr double to_double() const noexcept {
    const dyadic d = normalized();
    double scale = 1.0;
    int e = d.exponent;
    for (; e > 0; --e) scale *= 2.0;
    for (; e < 0 && scale > 0x1p-1022; ++e) scale *= 0.5;  // stays a normal power of two
    double v = static_cast<double>(d.significand) * scale;     // one rounding (if < 2^53)
    for (; e < 0; ++e) v *= 0.5;  // only for values below double's normal range
    return v;
  }
  friend constexpr bool operator==(const dyadic&, const dyadic&) = default;
};

namespace detail {
[[nodiscard]] constexpr std::uint64_t low_mask(int bits) noexcept {
  return bits >= 64 ? ~std::uint64_t{0} : (std::uint64_t{1} << bits) - 1U;
}
// The largest exponent field holding finite numbers, and whether its all-ones mantissa is NaN.
[[nodiscard]] constexpr int top_finite_field(const float_format& f) noexcept {
  const int all_ones = static_cast<int>(low_mask(f.exp_bits));
  if (f.enc == specials::ieee) return all_ones - 1;
  if (f.enc == specials::fn && f.man_bits == 0) return all_ones - 1;
  return all_ones;
}
}  // namespace detail

// Unbiased exponents E of the largest and smallest normal binade (value = 1.M * 2^E).
// Note: std::numeric_limits' max_exponent/min_exponent are these plus one.
[[nodiscard]] constexpr int max_exponent(const float_format& f) noexcept {
  return detail::top_finite_field(f) - f.bias;
}
[[nodiscard]] constexpr int min_exponent(const float_format& f) noexcept { return 1 - f.bias; }

// Largest finite value.
[[nodiscard]] constexpr dyadic max_finite(const float_format& f) noexcept {
  std::uint64_t sig = detail::low_mask(f.man_bits + 1);  // 1.11...1
  if (f.enc == specials::fn && f.man_bits > 0) sig -= 1;  // 1.11...0: 1.11...1 is NaN
  return {sig, max_exponent(f) - f.man_bits};
}
// Smallest positive normal value 2^(1 - bias).
[[nodiscard]] constexpr dyadic min_normal(const float_format& f) noexcept {
  return {1, min_exponent(f)};
}
// Smallest positive subnormal value 2^(1 - bias - man_bits); none without subnormals or
// with man_bits 0.
[[nodiscard]] constexpr std::optional<dyadic> min_subnormal(const float_format& f) noexcept {
  if (!f.subnormals || f.man_bits == 0) return std::nullopt;
  return dyadic{1, min_exponent(f) - f.man_bits};
}
// Smallest positive value: min_subnormal if there is one, else min_normal.
[[nodiscard]] constexpr dyadic min_positive(const float_format& f) noexcept {
  if (auto s = min_subnormal(f)) return *s;
  return min_normal(f);
}

// Raw bit patterns (the low width(f) bits of the result).
[[nodiscard]] constexpr std::uint64_t sign_bit(const float_format& f) noexcept {
  return std::uint64_t{1} << (f.exp_bits + f.man_bits);
}
[[nodiscard]] constexpr std::uint64_t max_finite_bits(const float_format& f,
                                                      bool negative = false) noexcept {
  std::uint64_t b = (static_cast<std::uint64_t>(detail::top_finite_field(f)) << f.man_bits) |
                    detail::low_mask(f.man_bits);
  if (f.enc == specials::fn && f.man_bits > 0) b -= 1;
  return negative ? b | sign_bit(f) : b;
}
[[nodiscard]] constexpr std::optional<std::uint64_t> infinity_bits(const float_format& f,
                                                                   bool negative = false) noexcept {
  if (f.enc != specials::ieee) return std::nullopt;
  const std::uint64_t b = detail::low_mask(f.exp_bits) << f.man_bits;
  return negative ? b | sign_bit(f) : b;
}
// The canonical NaN: ieee: quiet NaN 0.1..1.10..0; fn: 0.1..1.1..1; fnuz: 1.0..0.0..0.
[[nodiscard]] constexpr std::optional<std::uint64_t> nan_bits(const float_format& f) noexcept {
  switch (f.enc) {
    case specials::ieee:
      if (f.man_bits < 1) break;  // not a valid format: no NaN
      return (detail::low_mask(f.exp_bits) << f.man_bits) |
             (std::uint64_t{1} << (f.man_bits - 1));
    case specials::fn: return detail::low_mask(f.exp_bits + f.man_bits);
    case specials::fnuz: return sign_bit(f);
    case specials::none: break;
  }
  return std::nullopt;
}
[[nodiscard]] constexpr std::optional<std::uint64_t> negative_zero_bits(
    const float_format& f) noexcept {
  if (f.enc == specials::fnuz) return std::nullopt;
  return sign_bit(f);
}

// What an encoding is (bits beyond width(f) are ignored).
enum class float_class : std::uint8_t { zero, subnormal, normal, infinity, nan };
[[nodiscard]] constexpr float_class classify(const float_format& f, std::uint64_t bits) noexcept {
  bits &= detail::low_mask(width(f));
  const std::uint64_t mag = bits & ~sign_bit(f);
  const std::uint64_t field = mag >> f.man_bits;
  const std::uint64_t man = mag & detail::low_mask(f.man_bits);
  const std::uint64_t all_ones = detail::low_mask(f.exp_bits);
  switch (f.enc) {
    case specials::ieee:
      if (field == all_ones) return man == 0 ? float_class::infinity : float_class::nan;
      break;
    case specials::fn:
      if (field == all_ones && man == detail::low_mask(f.man_bits)) return float_class::nan;
      break;
    case specials::fnuz:
      if (bits == sign_bit(f)) return float_class::nan;
      break;
    case specials::none: break;
  }
  if (field != 0) return float_class::normal;
  return man != 0 && f.subnormals ? float_class::subnormal : float_class::zero;
}

// Presets, each as published (rounding half_even; OCP saturating conversion for the
// formats without Inf, overflow to Inf for the IEEE ones). See docs/cfloat.md.
namespace formats {
inline constexpr float_format fp64 = ieee_float(11, 52);  // IEEE 754 binary64
inline constexpr float_format fp32 = ieee_float(8, 23);   // IEEE 754 binary32
inline constexpr float_format fp16 = ieee_float(5, 10);   // IEEE 754 binary16
inline constexpr float_format bf16 = ieee_float(8, 7);    // bfloat16
inline constexpr float_format tf32 = ieee_float(8, 10);   // NVIDIA TensorFloat-32
// OCP 8-bit Floating Point Specification (OFP8) E4M3 and E5M2.
inline constexpr float_format fp8_e4m3fn{4, 3, 7, true, specials::fn, rounding::half_even,
                                         float_overflow::saturate};
inline constexpr float_format fp8_e5m2 = ieee_float(5, 2);
// The "FNUZ" variants (Graphcore/AMD; LLVM/MLIR Float8E4M3FNUZ, Float8E5M2FNUZ).
inline constexpr float_format fp8_e4m3fnuz{4, 3, 8, true, specials::fnuz, rounding::half_even,
                                           float_overflow::saturate};
inline constexpr float_format fp8_e5m2fnuz{5, 2, 16, true, specials::fnuz, rounding::half_even,
                                           float_overflow::saturate};
// OCP Microscaling Formats (MX) v1.0 element types.
inline constexpr float_format fp6_e2m3fn{2, 3, 1, true, specials::none, rounding::half_even,
                                         float_overflow::saturate};
inline constexpr float_format fp6_e3m2fn{3, 2, 3, true, specials::none, rounding::half_even,
                                         float_overflow::saturate};
inline constexpr float_format fp4_e2m1fn{2, 1, 1, true, specials::none, rounding::half_even,
                                         float_overflow::saturate};
}  // namespace formats

struct float_preset {
  std::string_view name;
  float_format format;
};
inline constexpr std::array<float_preset, 12> float_presets{{
    {"fp64", formats::fp64},
    {"fp32", formats::fp32},
    {"fp16", formats::fp16},
    {"bf16", formats::bf16},
    {"tf32", formats::tf32},
    {"fp8_e4m3fn", formats::fp8_e4m3fn},
    {"fp8_e5m2", formats::fp8_e5m2},
    {"fp8_e4m3fnuz", formats::fp8_e4m3fnuz},
    {"fp8_e5m2fnuz", formats::fp8_e5m2fnuz},
    {"fp6_e2m3fn", formats::fp6_e2m3fn},
    {"fp6_e3m2fn", formats::fp6_e3m2fn},
    {"fp4_e2m1fn", formats::fp4_e2m1fn},
}};

// The preset with this name, if any.
[[nodiscard]] constexpr std::optional<float_format> find_float_preset(std::string_view name) noexcept {
  for (const auto& p : float_presets)
    if (p.name == name) return p.format;
  return std::nullopt;
}

// Canonical text: float<4,3,7,subnormals,fn,half_even,saturate>
[[nodiscard]] inline std::string to_string(const float_format& f) {
  return detail::angle_list("float", {std::to_string(f.exp_bits), std::to_string(f.man_bits), std::to_string(f.bias),
                                      f.subnormals ? "subnormals" : "no_subnormals", to_string(f.enc),
                                      to_string(f.round), to_string(f.ovf)});
}

namespace detail {

// float<E,M[,BIAS[,subnormals|no_subnormals[,SPECIALS[,ROUNDING[,OVERFLOW]]]]]> or a preset
// name. Omitted fields take IEEE-style defaults: bias 2^(E-1)-1, subnormals, ieee, half_even,
// infinity.
[[nodiscard]] inline float_format read_float_format(descriptor_reader& r) {
  r.skip_space();
  descriptor_reader probe = r;
  const std::string_view name = probe.word();  // throws "expected a name" at this column
  if (name != "float") {
    if (auto p = find_float_preset(name)) {
      r = probe;
      return *p;
    }
    std::string msg = "unknown float format '";
    msg += name;
    msg += "'; expected float<E,M,...> or a preset:";
    for (const auto& p : float_presets) {
      msg += ' ';
      msg += p.name;
    }
    r.fail(msg);
  }
  r = probe;
  r.expect('<');
  float_format f = ieee_float(0, 0);
  f.exp_bits = r.integer();
  r.expect(',');
  f.man_bits = r.integer();
  f.bias = default_bias(f.exp_bits);
  if (r.peek(',')) {
    r.expect(',');
    f.bias = r.integer();
    if (r.peek(',')) {
      r.expect(',');
      f.subnormals = r.enumerator<bool>(subnormal_names, "subnormal mode");
      if (r.peek(',')) {
        r.expect(',');
        f.enc = r.enumerator<specials>(specials_names, "specials encoding");
        if (r.peek(',')) {
          r.expect(',');
          f.round = r.enumerator<rounding>(rounding_names, "rounding mode");
          if (r.peek(',')) {
            r.expect(',');
            f.ovf = r.enumerator<float_overflow>(float_overflow_names, "overflow mode");
          }
        }
      }
    }
  }
  r.expect('>');
  if (const char* e = validate(f)) r.fail(e);
  return f;
}

}  // namespace detail

// Parse the canonical text, a shortened form or a preset name. Throws lop::format_error.
[[nodiscard]] inline float_format parse_float_format(std::string_view text) {
  return detail::parse_whole(text, detail::read_float_format);
}

}  // namespace lop
