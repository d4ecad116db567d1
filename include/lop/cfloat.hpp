// lop::cfloat<F>: a custom floating-point value whose format F (a lop::float_format) is a
// template argument. Every operation rounds its exact result once into F with F's rounding
// and overflow policy (docs/cfloat.md, section 2); IEEE 754 semantics for NaN, Inf and
// signed zero, extended to the OCP encodings without them.
#pragma once
#include <bit>
#include <charconv>
#include <compare>
#include <concepts>
#include <cstddef>
#include <cstdint>
#include <functional>
#include <limits>
#include <ostream>
#include <string>
#include <type_traits>

#include "lop/detail/float_core.hpp"
#include "lop/detail/float_fast.hpp"
#include "lop/fixed.hpp"
#include "lop/float_format.hpp"
#include "lop/rounding.hpp"

namespace lop {

template <float_format F>
class cfloat;

namespace detail {
template <class T> struct is_cfloat : std::false_type {};
template <float_format F> struct is_cfloat<cfloat<F>> : std::true_type {};

// Unsigned storage for a w-bit pattern.
template <int W>
using float_bits_t = std::conditional_t<
    W <= 8, std::uint8_t,
    std::conditional_t<W <= 16, std::uint16_t, std::conditional_t<W <= 32, std::uint32_t, std::uint64_t>>>;

// The exact value of a fixed-point operand.
template <fixed_format G>
[[nodiscard]] constexpr float_value exact_value(const fixed<G>& x) noexcept {
  static_assert(G.width <= 64,
                "lop::cfloat: a fixed-point operand of cfloat arithmetic holds at most 64 bits; quantize "
                "it to a narrower format first (lop::quantize<F>(x))");
  const i128 raw = x.raw();
  if (raw == 0) return {};
  const bool neg = raw < 0;
  return {float_value::kind::finite, neg, neg ? u128{0} - static_cast<u128>(raw) : static_cast<u128>(raw),
          -G.frac};
}
}  // namespace detail

template <class T>
concept floating_point_format = detail::is_cfloat<std::remove_cvref_t<T>>::value;

namespace detail {
// What may meet a cfloat<F> in mixed arithmetic: native arithmetic types and lop::fixed.
template <class T>
concept cfloat_peer = (std::is_arithmetic_v<T> && !std::same_as<T, bool>) || fixed_point<T>;
}  // namespace detail

template <float_format F>
class cfloat {
  static_assert(F.exp_bits >= 1 && F.exp_bits <= max_float_exp_bits,
                "lop::cfloat: exp_bits must be within 1..11");
  static_assert(F.man_bits >= 0 && F.man_bits <= max_float_man_bits,
                "lop::cfloat: man_bits must be within 0..52");
  static_assert(width(F) <= max_float_width,
                "lop::cfloat: 1 + exp_bits + man_bits must be at most 64; use fewer exponent or mantissa bits");
  static_assert(!(F.enc == specials::none && F.ovf == float_overflow::infinity),
                "lop::cfloat: specials::none has no Inf or NaN to overflow to; use float_overflow::saturate");
  static_assert(!(F.enc == specials::ieee && (F.exp_bits < 2 || F.man_bits < 1)),
                "lop::cfloat: specials::ieee needs exp_bits >= 2 and man_bits >= 1 (a finite binade and a "
                "NaN encoding); use specials fn, fnuz or none for tinier formats");
  static_assert(validate(F) == nullptr,
                "lop::cfloat: invalid float_format; lop::validate(F) returns the reason");

 public:
  static constexpr float_format format = F;
  using bits_type = detail::float_bits_t<width(F)>;

  constexpr cfloat() noexcept = default;  // +0

  // From another cfloat format, an integer, float/double or lop::fixed: rounded once with
  // F's policy. Stochastic rounding draws from lop::default_generator(); pass a generator
  // to control it.
  template <float_format G>
  constexpr cfloat(const cfloat<G>& v) noexcept  // NOLINT(google-explicit-constructor)
      : bits_(round(detail::float_unpack(G, v.bits()), draw(default_source{}))) {}
  template <float_format G, detail::random_source Gen>
  constexpr cfloat(const cfloat<G>& v, Gen& gen) noexcept
      : bits_(round(detail::float_unpack(G, v.bits()), draw(gen))) {}
  template <class T>
    requires detail::cfloat_peer<T>
  constexpr cfloat(const T& v) noexcept  // NOLINT(google-explicit-constructor)
      : bits_(round(detail::exact_value(v), draw(default_source{}))) {}
  template <class T, detail::random_source Gen>
    requires detail::cfloat_peer<T>
  constexpr cfloat(const T& v, Gen& gen) noexcept : bits_(round(detail::exact_value(v), draw(gen))) {}

  // The low width(F) bits of `bits` as an encoding.
  template <std::integral I>
  [[nodiscard]] static constexpr cfloat from_bits(I bits) noexcept {
    cfloat r;
    r.bits_ = static_cast<bits_type>(static_cast<std::uint64_t>(bits) & detail::width_mask(F));
    return r;
  }
  [[nodiscard]] constexpr bits_type bits() const noexcept { return bits_; }

  // To float/double: correctly rounded, nearest-even. To integers: toward zero, saturated,
  // NaN -> 0. To bool: nonzero (NaN is true, as for native floats).
  [[nodiscard]] constexpr double to_double() const noexcept { return detail::float_to_double(F, bits_); }
  [[nodiscard]] constexpr float to_float() const noexcept { return detail::float_to_float(F, bits_); }
  template <std::floating_point T>
  [[nodiscard]] explicit constexpr operator T() const noexcept {
    if constexpr (std::same_as<T, float>) {
      return to_float();
    } else {
      return static_cast<T>(to_double());  // long double widens exactly
    }
  }
  template <std::integral I>
    requires(!std::same_as<I, bool>)
  [[nodiscard]] explicit constexpr operator I() const noexcept {
    constexpr fixed_format target =
        detail::integer_format<I>.with_rounding(rounding::toward_zero).with_overflow(overflow::saturate);
    return static_cast<I>(detail::float_to_fixed(target, F, bits_, 0));
  }
  [[nodiscard]] explicit constexpr operator bool() const noexcept {
    return detail::float_unpack(F, bits_).k != detail::float_value::kind::zero;
  }
  // To a fixed-point format: G's quantizer on the exact value (NaN -> 0, +-Inf -> extreme).
  template <fixed_format G>
  [[nodiscard]] explicit constexpr operator fixed<G>() const noexcept {
    return to_fixed<G>(default_generator());
  }
  template <fixed_format G, detail::random_source Gen>
  [[nodiscard]] constexpr fixed<G> to_fixed(Gen& gen) const noexcept {
    const std::uint32_t rnd = G.round == rounding::stochastic ? static_cast<std::uint32_t>(gen()) : 0U;
    using raw_t = typename fixed<G>::raw_type;
    return fixed<G>(detail::raw_tag{}, static_cast<raw_t>(detail::float_to_fixed(G, F, bits_, rnd)));
  }

  // Characteristic values (std::numeric_limits<cfloat<F>> has them all).
  [[nodiscard]] static constexpr cfloat max() noexcept { return from_bits(max_finite_bits(F)); }
  [[nodiscard]] static constexpr cfloat lowest() noexcept { return from_bits(max_finite_bits(F, true)); }
  [[nodiscard]] static constexpr cfloat min_normal() noexcept { return from_bits(pow2_bits(min_exponent(F))); }
  [[nodiscard]] static constexpr cfloat denorm_min() noexcept {
    return from_bits(min_subnormal(F) ? std::uint64_t{1} : pow2_bits(min_exponent(F)));
  }
  // 2^-man_bits, the gap between 1 and the next value (rounded into F if 1 is not normal).
  [[nodiscard]] static constexpr cfloat epsilon() noexcept { return from_bits(pow2_bits(-F.man_bits)); }
  // +Inf where F has it; otherwise max (the value an overflow to "infinity" saturates to
  // is not an Inf). has_infinity tells which.
  [[nodiscard]] static constexpr cfloat infinity() noexcept {
    return from_bits(infinity_bits(F).value_or(max_finite_bits(F)));
  }
  // The canonical NaN; +0 for specials::none (has_quiet_NaN is false there).
  [[nodiscard]] static constexpr cfloat quiet_NaN() noexcept { return from_bits(detail::pack_nan(F)); }

  template <class U>
  constexpr cfloat& operator+=(const U& o) noexcept { return *this = *this + o; }
  template <class U>
  constexpr cfloat& operator-=(const U& o) noexcept { return *this = *this - o; }
  template <class U>
  constexpr cfloat& operator*=(const U& o) noexcept { return *this = *this * o; }
  template <class U>
  constexpr cfloat& operator/=(const U& o) noexcept { return *this = *this / o; }

  // The draw a stochastic F takes for one rounding (0 and no draw otherwise).
  template <class Gen>
  [[nodiscard]] static constexpr std::uint32_t draw(Gen&& gen) noexcept {
    if constexpr (F.round == rounding::stochastic) {
      return static_cast<std::uint32_t>(gen());
    } else {
      return 0;
    }
  }
  struct default_source {
    std::uint32_t operator()() const noexcept { return default_generator()(); }
  };

 private:
  [[nodiscard]] static constexpr bits_type round(const detail::float_value& v, std::uint32_t rnd) noexcept {
    return static_cast<bits_type>(detail::float_round(F, v, rnd));
  }
  // 2^e rounded into F.
  [[nodiscard]] static constexpr std::uint64_t pow2_bits(int e) noexcept {
    return detail::float_round(F, false, 1, e, false, 0);
  }

  bits_type bits_ = 0;
};

// Common aliases.
using fp32_t = cfloat<formats::fp32>;
using fp16_t = cfloat<formats::fp16>;
using bf16_t = cfloat<formats::bf16>;
using tf32_t = cfloat<formats::tf32>;
using fp8_e4m3fn_t = cfloat<formats::fp8_e4m3fn>;
using fp8_e5m2_t = cfloat<formats::fp8_e5m2>;
using fp8_e4m3fnuz_t = cfloat<formats::fp8_e4m3fnuz>;
using fp8_e5m2fnuz_t = cfloat<formats::fp8_e5m2fnuz>;
using fp6_e2m3fn_t = cfloat<formats::fp6_e2m3fn>;
using fp6_e3m2fn_t = cfloat<formats::fp6_e3m2fn>;
using fp4_e2m1fn_t = cfloat<formats::fp4_e2m1fn>;

namespace detail {
template <float_format F>
[[nodiscard]] constexpr float_value exact_value(const cfloat<F>& x) noexcept {
  return float_unpack(F, x.bits());
}
// An operand of cfloat<F> arithmetic.
template <class T, float_format F>
concept operand_of = std::same_as<T, cfloat<F>> || cfloat_peer<T>;

// The format of a binary operation's result: the cfloat operand's (both, if both are).
template <class A, class B>
struct result_format_of;
template <float_format F, class B>
  requires operand_of<B, F>
struct result_format_of<cfloat<F>, B> {
  static constexpr float_format value = F;
};
template <class A, float_format F>
  requires cfloat_peer<A>
struct result_format_of<A, cfloat<F>> {
  static constexpr float_format value = F;
};
template <class A, class B>
concept cfloat_operands = requires { result_format_of<A, B>::value; };
template <class A, class B, float_format F>
concept same_format_pair = std::same_as<A, cfloat<F>> && std::same_as<B, cfloat<F>>;
}  // namespace detail

namespace detail {
// a (Op) b rounded once into the cfloat operand's format: the fast path where one applies
// (run time only), the exact model otherwise.
template <float_op Op, class A, class B, class Gen>
[[nodiscard]] constexpr auto cfloat_binary(const A& a, const B& b, Gen& gen) noexcept {
  constexpr float_format F = result_format_of<A, B>::value;
  if constexpr (same_format_pair<A, B, F> && fast_op_available<F, Op>) {
    if (!std::is_constant_evaluated()) return cfloat<F>::from_bits(fast_op<F, Op>(a.bits(), b.bits()));
  }
  return cfloat<F>::from_bits(value_op(F, Op, exact_value(a), exact_value(b), cfloat<F>::draw(gen)));
}
}  // namespace detail

template <float_format F, detail::random_source Gen>
[[nodiscard]] constexpr cfloat<F> sqrt(const cfloat<F>& x, Gen& gen) noexcept {
  return cfloat<F>::from_bits(detail::value_sqrt(F, detail::exact_value(x), cfloat<F>::draw(gen)));
}
// a * b + c with one rounding.
template <float_format F, detail::random_source Gen>
[[nodiscard]] constexpr cfloat<F> fma(const cfloat<F>& a, const cfloat<F>& b, const cfloat<F>& c,
                                      Gen& gen) noexcept {
  return cfloat<F>::from_bits(detail::value_fma(F, detail::exact_value(a), detail::exact_value(b),
                                                detail::exact_value(c), cfloat<F>::draw(gen)));
}
template <float_format F>
[[nodiscard]] constexpr cfloat<F> sqrt(const cfloat<F>& x) noexcept {
  typename cfloat<F>::default_source g;
  return sqrt(x, g);
}
template <float_format F>
[[nodiscard]] constexpr cfloat<F> fma(const cfloat<F>& a, const cfloat<F>& b, const cfloat<F>& c) noexcept {
  typename cfloat<F>::default_source g;
  return fma(a, b, c, g);
}

// lop::add/sub/mul/div(a, b, gen): arithmetic with an explicit generator for stochastic
// rounding (the operators use lop::default_generator()). Either operand may be a native number
// or a lop::fixed; the result has the cfloat operand's format and is rounded once.
#define LOP_CFLOAT_OPERATOR(op, fn)                                                               \
  template <class A, class B, detail::random_source Gen>                                          \
    requires detail::cfloat_operands<A, B>                                                        \
  [[nodiscard]] constexpr auto fn(const A& a, const B& b, Gen& gen) noexcept {                    \
    return detail::cfloat_binary<detail::float_op::fn>(a, b, gen);                                \
  }                                                                                               \
  template <class A, class B>                                                                     \
    requires detail::cfloat_operands<A, B>                                                        \
  [[nodiscard]] constexpr auto operator op(const A& a, const B& b) noexcept {                     \
    typename cfloat<detail::result_format_of<A, B>::value>::default_source g;                     \
    return fn(a, b, g);                                                                           \
  }                                                                                               \
  template <float_format F, float_format G>                                                       \
    requires(F != G)                                                                              \
  constexpr cfloat<F> operator op(const cfloat<F>&, const cfloat<G>&) noexcept {                  \
    static_assert(F == G,                                                                         \
                  "lop::cfloat: operands have different formats; convert one explicitly, e.g. "   \
                  "lop::cfloat<F>(b), so it is clear which format the result rounds to");         \
    return {};                                                                                    \
  }
LOP_CFLOAT_OPERATOR(+, add)
LOP_CFLOAT_OPERATOR(-, sub)
LOP_CFLOAT_OPERATOR(*, mul)
LOP_CFLOAT_OPERATOR(/, div)
#undef LOP_CFLOAT_OPERATOR

// Sign operations are exact: they flip or clear the sign bit. A NaN is returned unchanged
// (whatever its encoding); a zero comes back as a canonical signed zero for -x (fnuz has no
// -0, so -(+0) is +0), while abs only clears the sign bit.
template <float_format F>
[[nodiscard]] constexpr cfloat<F> operator-(const cfloat<F>& x) noexcept {
  const detail::float_value v = detail::float_unpack(F, x.bits());
  if (v.k == detail::float_value::kind::nan) return x;
  if (v.k == detail::float_value::kind::zero) return cfloat<F>::from_bits(detail::pack_zero(F, !v.neg));
  return cfloat<F>::from_bits(x.bits() ^ sign_bit(F));
}
template <float_format F>
[[nodiscard]] constexpr cfloat<F> operator+(const cfloat<F>& x) noexcept {
  return x;
}
template <float_format F>
[[nodiscard]] constexpr cfloat<F> abs(const cfloat<F>& x) noexcept {
  if (detail::float_unpack(F, x.bits()).k == detail::float_value::kind::nan) return x;
  return cfloat<F>::from_bits(x.bits() & ~sign_bit(F));
}

// Classification (bit-level, exact).
template <float_format F>
[[nodiscard]] constexpr bool isnan(const cfloat<F>& x) noexcept {
  return classify(F, x.bits()) == float_class::nan;
}
template <float_format F>
[[nodiscard]] constexpr bool isinf(const cfloat<F>& x) noexcept {
  return classify(F, x.bits()) == float_class::infinity;
}
template <float_format F>
[[nodiscard]] constexpr bool isfinite(const cfloat<F>& x) noexcept {
  const float_class c = classify(F, x.bits());
  return c != float_class::nan && c != float_class::infinity;
}
template <float_format F>
[[nodiscard]] constexpr bool signbit(const cfloat<F>& x) noexcept {
  return !isnan(x) && (x.bits() & sign_bit(F)) != 0;
}

// IEEE comparisons, exact across formats and with native numbers and lop::fixed.
template <class A, class B>
  requires detail::cfloat_operands<A, B> ||
           (floating_point_format<A> && floating_point_format<B>)
[[nodiscard]] constexpr std::partial_ordering operator<=>(const A& a, const B& b) noexcept {
  return detail::compare_values(detail::exact_value(a), detail::exact_value(b));
}
template <class A, class B>
  requires detail::cfloat_operands<A, B> ||
           (floating_point_format<A> && floating_point_format<B>)
[[nodiscard]] constexpr bool operator==(const A& a, const B& b) noexcept {
  return (a <=> b) == 0;
}

template <float_format F>
[[nodiscard]] std::string to_string(const cfloat<F>& x) {
  const detail::float_value v = detail::float_unpack(F, x.bits());
  switch (v.k) {
    case detail::float_value::kind::nan: return "nan";
    case detail::float_value::kind::inf: return v.neg ? "-inf" : "inf";
    case detail::float_value::kind::zero: return v.neg ? "-0" : "0";
    case detail::float_value::kind::finite: break;
  }
  // The shortest decimal that reads back as the same double; the value is exactly a double
  // whenever F's range fits binary64 (every preset), so this identifies it uniquely.
  char buf[40];
  const auto res = std::to_chars(buf, buf + sizeof buf, x.to_double());
  return std::string(buf, res.ptr);
}

template <float_format F>
std::ostream& operator<<(std::ostream& os, const cfloat<F>& x) {
  return os << to_string(x);
}

}  // namespace lop

template <lop::float_format F>
struct std::hash<lop::cfloat<F>> {
  // Equal values hash equally: +0 and -0 share a hash.
  [[nodiscard]] std::size_t operator()(const lop::cfloat<F>& x) const noexcept {
    const auto v = lop::detail::float_unpack(F, x.bits());
    return std::hash<std::uint64_t>{}(v.k == lop::detail::float_value::kind::zero ? 0 : x.bits());
  }
};

template <lop::float_format F>
class std::numeric_limits<lop::cfloat<F>> {
  using T = lop::cfloat<F>;
  static constexpr int emax = lop::max_exponent(F);
  static constexpr int emin = lop::min_exponent(F);
  // floor/ceil of e * log10(2) for the decimal exponents (exact enough for |e| < 10^4).
  static constexpr int floor_log10_pow2(int e) noexcept {
    const long long n = static_cast<long long>(e) * 30103;
    return static_cast<int>(n >= 0 ? n / 100000 : -((-n + 99999) / 100000));
  }

 public:
  static constexpr bool is_specialized = true;
  static constexpr bool is_signed = true;
  static constexpr bool is_integer = false;
  static constexpr bool is_exact = false;
  static constexpr bool has_infinity = F.enc == lop::specials::ieee;
  static constexpr bool has_quiet_NaN = F.enc != lop::specials::none;
  static constexpr bool has_signaling_NaN = false;
  static constexpr std::float_denorm_style has_denorm =
      F.subnormals && F.man_bits > 0 ? std::denorm_present : std::denorm_absent;
  static constexpr bool has_denorm_loss = false;
  static constexpr std::float_round_style round_style =
      F.round == lop::rounding::half_even || F.round == lop::rounding::half_away ||
              F.round == lop::rounding::half_up
          ? std::round_to_nearest
          : F.round == lop::rounding::toward_zero ? std::round_toward_zero
          : F.round == lop::rounding::floor       ? std::round_toward_neg_infinity
          : F.round == lop::rounding::ceil        ? std::round_toward_infinity
                                                  : std::round_indeterminate;
  static constexpr bool is_iec559 = F.enc == lop::specials::ieee && F.subnormals &&
                                    F.round == lop::rounding::half_even &&
                                    F.ovf == lop::float_overflow::infinity;
  static constexpr bool is_bounded = true;
  static constexpr bool is_modulo = false;
  static constexpr int digits = F.man_bits + 1;
  static constexpr int digits10 = floor_log10_pow2(digits - 1);
  static constexpr int max_digits10 = floor_log10_pow2(digits) + 2;
  static constexpr int radix = 2;
  static constexpr int min_exponent = emin + 1;
  static constexpr int min_exponent10 = -floor_log10_pow2(-emin);  // ceil(log10(min normal))
  static constexpr int max_exponent = emax + 1;
  // floor(log10(max finite)); max finite < 2^(emax+1), and is >= 2^(emax+1) * (1 - 2^-man_bits).
  static constexpr int max_exponent10 = floor_log10_pow2(emax + 1);
  static constexpr bool traps = false;
  static constexpr bool tinyness_before = false;

  static constexpr T min() noexcept { return T::min_normal(); }
  static constexpr T max() noexcept { return T::max(); }
  static constexpr T lowest() noexcept { return T::lowest(); }
  static constexpr T epsilon() noexcept { return T::epsilon(); }
  static constexpr T round_error() noexcept {
    return T::from_bits(lop::detail::float_round(
        F, false, 1, round_style == std::round_to_nearest ? -1 : 0, false, 0));
  }
  static constexpr T infinity() noexcept { return T::infinity(); }
  static constexpr T quiet_NaN() noexcept { return T::quiet_NaN(); }
  static constexpr T signaling_NaN() noexcept { return T::quiet_NaN(); }
  static constexpr T denorm_min() noexcept { return T::denorm_min(); }
};
