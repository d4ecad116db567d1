// lop::fixed<F>: a fixed-point value whose format F (a lop::fixed_format) is a template
// argument. Arithmetic is exact (results grow like hardware datapaths); quantization to a
// format happens on conversion into it, with that format's rounding and overflow modes.
#pragma once
#include <compare>
#include <concepts>
#include <cstddef>
#include <cstdint>
#include <functional>
#include <limits>
#include <ostream>
#include <string>
#include <type_traits>
#include <vector>

#include "lop/detail/int128.hpp"
#include "lop/format.hpp"
#include "lop/rounding.hpp"

namespace lop {

template <fixed_format F>
class fixed;

namespace detail {

template <class T> struct is_fixed : std::false_type {};
template <fixed_format F> struct is_fixed<fixed<F>> : std::true_type {};

// Storage for `width`-bit raw values: the smallest native integer, or 128 bits.
template <int W, bool S>
using storage_t = std::conditional_t<
    W <= 8, std::conditional_t<S, std::int8_t, std::uint8_t>,
    std::conditional_t<
        W <= 16, std::conditional_t<S, std::int16_t, std::uint16_t>,
        std::conditional_t<W <= 32, std::conditional_t<S, std::int32_t, std::uint32_t>,
                           std::conditional_t<W <= 64, std::conditional_t<S, std::int64_t, std::uint64_t>,
                                              std::conditional_t<S, i128, u128>>>>>;

// The narrowest signed compute type that holds every raw value of F.
template <fixed_format F>
using wide_t = compute_t<signed_bits(F)>;

// A compute type for quantizing from format G to format F.
template <fixed_format G, fixed_format F>
using convert_t = compute_t<(signed_bits(G) > signed_bits(F) ? signed_bits(G) : signed_bits(F))>;

// The exact format of a native integer type.
template <std::integral I>
inline constexpr fixed_format integer_format{std::numeric_limits<I>::digits + (std::is_signed_v<I> ? 1 : 0), 0,
                                             std::is_signed_v<I>, rounding::floor, overflow::wrap};

struct raw_tag {};

template <class Gen>
concept random_source = requires(Gen& g) {
  { g() } -> std::convertible_to<std::uint32_t>;
};

// Exact floating-point decomposition: v = mant * 2^exp2 (mant has <= 53 bits).
struct decomposed {
  i128 mant;
  int exp2;
  bool nan;
  bool inf;
};
template <std::floating_point T>
[[nodiscard]] constexpr decomposed decompose(T value) noexcept {
  const double v = static_cast<double>(value);  // float and double widen exactly
  const auto bits = std::bit_cast<std::uint64_t>(v);
  const bool neg = (bits >> 63) != 0;
  const int e = static_cast<int>((bits >> 52) & 0x7FF);
  std::uint64_t m = bits & ((std::uint64_t{1} << 52) - 1);
  if (e == 0x7FF) return {0, 0, m != 0, m == 0 && true};
  int exp2 = -1074;
  if (e != 0) {
    m |= std::uint64_t{1} << 52;
    exp2 = e - 1075;
  }
  const i128 mant = neg ? -static_cast<i128>(m) : static_cast<i128>(m);
  return {mant, exp2, false, false};
}

// Correctly rounded (nearest-even) conversion of raw * 2^-frac to a binary floating type.
template <std::floating_point T>
[[nodiscard]] constexpr T to_floating(i128 raw, int frac) noexcept {
  if (raw == 0) return T(0);
  constexpr int p = std::numeric_limits<T>::digits;
  constexpr int emin = std::numeric_limits<T>::min_exponent - 1;
  const int e = msb_of_magnitude(raw) - frac;  // |value| in [2^e, 2^(e+1))
  const int keep_frac = (p - 1) - (e > emin ? e : emin);
  const fixed_format grid{128, keep_frac, true, rounding::half_even, overflow::wrap};
  const i128 m = quantize_raw<i128>(raw, frac, grid);  // |m| <= 2^p: exact in T
  if (m == 0) return raw < 0 ? -T(0) : T(0);  // underflow keeps the sign, as in IEEE rounding
  T r = static_cast<T>(static_cast<std::int64_t>(m));
  // Scale by 2^-keep_frac in exact power-of-two steps (the result is representable).
  int k = -keep_frac;
  constexpr T up = T(1ULL << 60);
  constexpr T down = T(1) / up;
  while (k >= 60) r *= up, k -= 60;
  while (k <= -60) r *= down, k += 60;
  if (k > 0) r *= static_cast<T>(1ULL << k);
  if (k < 0) r /= static_cast<T>(1ULL << -k);
  return r;
}

// Exact decimal text of raw * 2^-frac (no rounding, trailing zeros trimmed).
[[nodiscard]] inline std::string to_decimal(i128 raw, int frac) {
  const bool neg = raw < 0;
  u128 mag = neg ? u128{0} - static_cast<u128>(raw) : static_cast<u128>(raw);
  // Little-endian base-1e9 big integer.
  std::vector<std::uint32_t> big;
  while (mag != 0) {
    big.push_back(static_cast<std::uint32_t>(mag % 1000000000U));
    mag /= 1000000000U;
  }
  auto mul_small = [&big](std::uint32_t k) {
    std::uint64_t carry = 0;
    for (auto& limb : big) {
      const std::uint64_t t = std::uint64_t{limb} * k + carry;
      limb = static_cast<std::uint32_t>(t % 1000000000U);
      carry = t / 1000000000U;
    }
    while (carry != 0) {
      big.push_back(static_cast<std::uint32_t>(carry % 1000000000U));
      carry /= 1000000000U;
    }
  };
  // value = mag * 5^frac / 10^frac  (frac > 0)  or  mag * 2^-frac  (frac <= 0)
  for (int i = 0; i < (frac > 0 ? frac : -frac); ++i) mul_small(frac > 0 ? 5U : 2U);
  // Assemble without std::string::insert (GCC 12 emits a false -Wrestrict for it).
  std::string digits;
  for (std::size_t i = big.size(); i-- > 0;) {
    const std::string limb = std::to_string(big[i]);
    if (i + 1 != big.size()) digits.append(9 - limb.size(), '0');
    digits += limb;
  }
  if (digits.empty()) digits.push_back('0');
  std::string out = neg ? "-" : "";
  if (frac > 0) {
    const auto f = static_cast<std::size_t>(frac);
    if (digits.size() <= f) digits = std::string(f - digits.size() + 1, '0') + digits;
    std::string fraction = digits.substr(digits.size() - f);
    while (!fraction.empty() && fraction.back() == '0') fraction.pop_back();
    out += digits.substr(0, digits.size() - f);
    if (!fraction.empty()) out += "." + fraction;
  } else {
    out += digits;
  }
  if (out == "-0") out.erase(0, 1);
  return out;
}

}  // namespace detail

// Satisfied by every lop::fixed<F>.
template <class T>
concept fixed_point = detail::is_fixed<std::remove_cvref_t<T>>::value;

template <fixed_format F>
class fixed {
  static_assert(F.width >= 1, "lop::fixed: width must be at least 1 bit");
  static_assert(!F.is_signed || F.width <= max_signed_width,
                "lop::fixed: a signed format holds at most 128 bits; quantize the operands to "
                "narrower formats (lop::quantize<F>(x)) before this operation");
  static_assert(F.is_signed || F.width <= max_unsigned_width,
                "lop::fixed: an unsigned format holds at most 127 bits; use signed or narrower operands");
  static_assert(F.frac >= -max_abs_frac && F.frac <= max_abs_frac,
                "lop::fixed: frac must be within -2048..2048");
  static_assert(validate(F) == nullptr, "lop::fixed: invalid rounding or overflow mode");

 public:
  static constexpr fixed_format format = F;
  using raw_type = detail::storage_t<F.width, F.is_signed>;
  using bits_type = detail::storage_t<F.width, false>;

  constexpr fixed() noexcept = default;

  // Tagged construction from a raw value known to be in range (used by lop's own code).
  constexpr fixed(detail::raw_tag, raw_type raw) noexcept : raw_(raw) {}

  // From another format: quantized with F's rounding and overflow. Stochastic rounding
  // draws from lop::default_generator(); pass a generator to control it.
  template <fixed_format G>
  constexpr fixed(const fixed<G>& v) noexcept  // NOLINT(google-explicit-constructor)
      : raw_(convert<G>(v.raw(), draw_if_needed<G>(default_source{}))) {}
  template <fixed_format G, detail::random_source Gen>
  constexpr fixed(const fixed<G>& v, Gen& gen) noexcept : raw_(convert<G>(v.raw(), draw_if_needed<G>(gen))) {}

  // From integers and floating point, with F's rounding and overflow. NaN gives 0; +-inf
  // gives the saturated extreme (0 for saturate_zero) whatever the overflow mode.
  template <std::integral I>
  constexpr fixed(I v) noexcept  // NOLINT(google-explicit-constructor)
      : fixed(fixed<detail::integer_format<I>>(detail::raw_tag{}, v)) {}
  template <std::floating_point T>
  constexpr fixed(T v) noexcept : raw_(from_floating(v, default_source{})) {}  // NOLINT
  template <std::floating_point T, detail::random_source Gen>
  constexpr fixed(T v, Gen& gen) noexcept : raw_(from_floating(v, gen)) {}

  // The low `width` bits of `bits` as a raw pattern (two's complement for signed).
  template <class I>
  [[nodiscard]] static constexpr fixed from_bits(I bits) noexcept {
    using U = detail::unsigned_of<detail::compute_t<128>>;
    const auto v = detail::extend<detail::i128>(static_cast<U>(bits), F.width, F.is_signed);
    return fixed(detail::raw_tag{}, static_cast<raw_type>(v));
  }

  // The integer r with value == r * 2^-frac.
  [[nodiscard]] constexpr raw_type raw() const noexcept { return raw_; }
  // The raw bit pattern: the low `width` bits, as the hardware holds them.
  [[nodiscard]] constexpr bits_type bits() const noexcept {
    if constexpr (F.width == 8 * static_cast<int>(sizeof(bits_type))) {
      return static_cast<bits_type>(raw_);
    } else {
      return static_cast<bits_type>(static_cast<bits_type>(raw_) & ((bits_type{1} << F.width) - 1));
    }
  }

  [[nodiscard]] constexpr double to_double() const noexcept { return detail::to_floating<double>(raw_, F.frac); }
  [[nodiscard]] constexpr float to_float() const noexcept { return detail::to_floating<float>(raw_, F.frac); }

  // To floating point: correctly rounded to nearest-even. To integers: toward zero,
  // saturated to the integer type's range. To bool: whether the value is nonzero.
  template <std::floating_point T>
  [[nodiscard]] explicit constexpr operator T() const noexcept {
    return detail::to_floating<T>(raw_, F.frac);
  }
  [[nodiscard]] explicit constexpr operator bool() const noexcept { return raw_ != 0; }
  template <std::integral I>
    requires(!std::same_as<I, bool>)
  [[nodiscard]] explicit constexpr operator I() const noexcept {
    constexpr fixed_format target =
        detail::integer_format<I>.with_rounding(rounding::toward_zero).with_overflow(overflow::saturate);
    using T = detail::convert_t<F, target>;
    return static_cast<I>(detail::quantize_raw<T>(static_cast<T>(raw_), F.frac, target));
  }

  [[nodiscard]] static constexpr fixed max() noexcept {
    return fixed(detail::raw_tag{}, static_cast<raw_type>(detail::raw_max(F)));
  }
  [[nodiscard]] static constexpr fixed lowest() noexcept {
    return fixed(detail::raw_tag{}, static_cast<raw_type>(detail::raw_min(F)));
  }
  // One unit in the last place.
  [[nodiscard]] static constexpr fixed ulp() noexcept { return fixed(detail::raw_tag{}, raw_type{1}); }

  template <class U>
  constexpr fixed& operator+=(const U& o) noexcept { return *this = *this + o; }
  template <class U>
  constexpr fixed& operator-=(const U& o) noexcept { return *this = *this - o; }
  template <class U>
  constexpr fixed& operator*=(const U& o) noexcept { return *this = *this * o; }
  template <class U>
  constexpr fixed& operator/=(const U& o) noexcept { return *this = *this / o; }
  constexpr fixed& operator<<=(int n) noexcept { return *this = *this << n; }
  constexpr fixed& operator>>=(int n) noexcept { return *this = *this >> n; }

 private:
  struct default_source {
    std::uint32_t operator()() const noexcept { return default_generator()(); }
  };
  template <fixed_format G, class Gen>
  static constexpr std::uint32_t draw_if_needed(Gen&& gen) noexcept {
    if constexpr (F.round == rounding::stochastic && G.frac > F.frac) {
      return static_cast<std::uint32_t>(gen());
    } else {
      return 0;
    }
  }
  template <fixed_format G, class R>
  static constexpr raw_type convert(R raw, std::uint32_t rnd) noexcept {
    using T = detail::convert_t<G, F>;
    if constexpr (F.ovf == overflow::wrap && F.width == 8 * static_cast<int>(sizeof(raw_type))) {
      // Wrapping to the full storage width is what the narrowing cast itself does.
      bool beyond = false;
      return static_cast<raw_type>(detail::round_raw<T>(static_cast<T>(raw), G.frac, F, rnd, beyond));
    } else {
      return static_cast<raw_type>(detail::quantize_raw<T>(static_cast<T>(raw), G.frac, F, rnd));
    }
  }
  template <std::floating_point T, class Gen>
  static constexpr raw_type from_floating(T v, Gen&& gen) noexcept {
    const detail::decomposed d = detail::decompose(v);
    if (d.nan) return 0;
    if (d.inf) return static_cast<raw_type>(detail::infinity_raw(F, v < 0));
    const std::uint32_t rnd =
        F.round == rounding::stochastic && -d.exp2 > F.frac ? static_cast<std::uint32_t>(gen()) : 0U;
    return static_cast<raw_type>(detail::quantize_raw<detail::i128>(d.mant, -d.exp2, F, rnd));
  }

  raw_type raw_ = 0;
};

// Deduce fixed<F> for a descriptor value: lop::fixed<lop::sfix(16, 8)>.
template <int W, int Frac, rounding R = rounding::floor, overflow O = overflow::wrap>
using sfixed = fixed<sfix(W, Frac, R, O)>;
template <int W, int Frac, rounding R = rounding::floor, overflow O = overflow::wrap>
using ufixed = fixed<ufix(W, Frac, R, O)>;

// Explicit quantization to a format (with an optional generator for stochastic rounding).
template <fixed_format To, fixed_format From>
[[nodiscard]] constexpr fixed<To> quantize(const fixed<From>& x) noexcept {
  return fixed<To>(x);
}
template <fixed_format To, fixed_format From, detail::random_source Gen>
[[nodiscard]] constexpr fixed<To> quantize(const fixed<From>& x, Gen& gen) noexcept {
  return fixed<To>(x, gen);
}
template <fixed_format To, class T>
  requires std::is_arithmetic_v<T>
[[nodiscard]] constexpr fixed<To> quantize(T x) noexcept {
  return fixed<To>(x);
}

namespace detail {
// Any operand of a mixed expression as an exact fixed value (integers become frac-0 formats).
template <fixed_format F>
constexpr const fixed<F>& as_fixed(const fixed<F>& x) noexcept {
  return x;
}
template <std::integral I>
constexpr fixed<integer_format<I>> as_fixed(I x) noexcept {
  return fixed<integer_format<I>>(raw_tag{}, x);
}
template <class T>
concept fixed_operand = fixed_point<T> || std::integral<T>;
template <class A, class B>
concept fixed_operands = fixed_operand<A> && fixed_operand<B> && (fixed_point<A> || fixed_point<B>);

template <class T>
using as_fixed_t = std::remove_cvref_t<decltype(as_fixed(std::declval<T>()))>;

// Align a raw value from frac `from` to frac `to` (to >= from) in compute type T.
template <class T, class R>
constexpr T align(R raw, int from, int to) noexcept {
  return shl(static_cast<T>(raw), to - from);
}
}  // namespace detail

namespace detail {
// a (op) b with both operands aligned onto the fraction point of the exact result format R.
template <fixed_format R, class A, class B, class Op>
constexpr fixed<R> aligned(const A& a_, const B& b_, Op op) noexcept {
  const auto& a = as_fixed(a_);
  const auto& b = as_fixed(b_);
  using T = wide_t<R>;
  return fixed<R>(raw_tag{}, static_cast<typename fixed<R>::raw_type>(
                                 op(align<T>(a.raw(), as_fixed_t<A>::format.frac, R.frac),
                                    align<T>(b.raw(), as_fixed_t<B>::format.frac, R.frac))));
}
}  // namespace detail

// Exact sum/difference/product: the result format grows (see lop::sum_format etc.).
template <class A, class B>
  requires detail::fixed_operands<A, B>
[[nodiscard]] constexpr auto operator+(const A& a, const B& b) noexcept {
  constexpr fixed_format R = sum_format(detail::as_fixed_t<A>::format, detail::as_fixed_t<B>::format);
  return detail::aligned<R>(a, b, [](auto x, auto y) { return x + y; });
}
template <class A, class B>
  requires detail::fixed_operands<A, B>
[[nodiscard]] constexpr auto operator-(const A& a, const B& b) noexcept {
  constexpr fixed_format R = difference_format(detail::as_fixed_t<A>::format, detail::as_fixed_t<B>::format);
  return detail::aligned<R>(a, b, [](auto x, auto y) { return x - y; });
}
template <class A, class B>
  requires detail::fixed_operands<A, B>
[[nodiscard]] constexpr auto operator*(const A& a_, const B& b_) noexcept {
  const auto& a = detail::as_fixed(a_);
  const auto& b = detail::as_fixed(b_);
  constexpr fixed_format R = product_format(detail::as_fixed_t<A>::format, detail::as_fixed_t<B>::format);
  using T = detail::wide_t<R>;
  return fixed<R>(detail::raw_tag{},
                  static_cast<typename fixed<R>::raw_type>(static_cast<T>(a.raw()) * static_cast<T>(b.raw())));
}

// The format of a / b: signed if either is; frac = fa + (wb - fb), width = wa + wb + (b signed).
// The quotient is exact up to its last bit and rounded toward zero (like integer division),
// so it never overflows; x / 0 gives the result format's max (x >= 0) or lowest (x < 0).
[[nodiscard]] constexpr fixed_format quotient_format(const fixed_format& a, const fixed_format& b) noexcept {
  return {a.width + b.width + (b.is_signed ? 1 : 0), a.frac + b.int_bits(), a.is_signed || b.is_signed,
          a.round, a.ovf};
}
template <class A, class B>
  requires detail::fixed_operands<A, B>
[[nodiscard]] constexpr auto operator/(const A& a_, const B& b_) noexcept {
  const auto& a = detail::as_fixed(a_);
  const auto& b = detail::as_fixed(b_);
  constexpr fixed_format FA = detail::as_fixed_t<A>::format, FB = detail::as_fixed_t<B>::format;
  constexpr fixed_format R = quotient_format(FA, FB);
  using Out = fixed<R>;
  using T = detail::compute_t<FA.width + FB.width + 2>;
  if (b.raw() == 0) return a.raw() < 0 ? Out::lowest() : Out::max();
  // q = trunc(A * 2^wb / B)  since  a/b * 2^(fa + wb - fb) = A * 2^wb / B.
  const T num = detail::shl(static_cast<T>(a.raw()), FB.width);
  return Out(detail::raw_tag{}, static_cast<typename Out::raw_type>(num / static_cast<T>(b.raw())));
}

template <fixed_format F>
[[nodiscard]] constexpr fixed<negate_format(F)> operator-(const fixed<F>& a) noexcept {
  constexpr fixed_format R = negate_format(F);
  using T = detail::wide_t<R>;
  return fixed<R>(detail::raw_tag{}, static_cast<typename fixed<R>::raw_type>(-static_cast<T>(a.raw())));
}
template <fixed_format F>
[[nodiscard]] constexpr fixed<F> operator+(const fixed<F>& a) noexcept {
  return a;
}

// |x|: signed formats give the unsigned format of the same width (|min| fits).
template <fixed_format F>
[[nodiscard]] constexpr auto abs(const fixed<F>& a) noexcept {
  if constexpr (!F.is_signed) {
    return a;
  } else {
    constexpr fixed_format R{F.width, F.frac, false, F.round, F.ovf};
    using T = detail::wide_t<R>;
    const T v = static_cast<T>(a.raw());
    return fixed<R>(detail::raw_tag{}, static_cast<typename fixed<R>::raw_type>(v < 0 ? -v : v));
  }
}

// x << n and x >> n multiply by 2^+-n and stay in x's format: the result is quantized with
// the format's rounding (for >>) and overflow (for <<) modes. Any n is allowed.
template <fixed_format F>
[[nodiscard]] constexpr fixed<F> operator<<(const fixed<F>& x, int n) noexcept {
  n = n > 4096 ? 4096 : (n < -4096 ? -4096 : n);
  using T = detail::wide_t<F>;
  std::uint32_t rnd = 0;
  if (F.round == rounding::stochastic && n < 0) rnd = default_generator()();
  return fixed<F>(detail::raw_tag{}, static_cast<typename fixed<F>::raw_type>(
                                         detail::quantize_raw<T>(static_cast<T>(x.raw()), F.frac - n, F, rnd)));
}
template <fixed_format F>
[[nodiscard]] constexpr fixed<F> operator>>(const fixed<F>& x, int n) noexcept {
  return x << (n < -4096 ? 4096 : -n);
}

// Exact comparisons across formats and with integers.
template <class A, class B>
  requires detail::fixed_operands<A, B>
[[nodiscard]] constexpr std::strong_ordering operator<=>(const A& a_, const B& b_) noexcept {
  const auto& a = detail::as_fixed(a_);
  const auto& b = detail::as_fixed(b_);
  constexpr fixed_format FA = detail::as_fixed_t<A>::format, FB = detail::as_fixed_t<B>::format;
  constexpr fixed_format R = sum_format(FA, FB);
  using T = detail::wide_t<R>;
  return detail::align<T>(a.raw(), FA.frac, R.frac) <=> detail::align<T>(b.raw(), FB.frac, R.frac);
}
template <class A, class B>
  requires detail::fixed_operands<A, B>
[[nodiscard]] constexpr bool operator==(const A& a, const B& b) noexcept {
  return (a <=> b) == 0;
}

// Exact decimal text of the value, e.g. "-1.375".
template <fixed_format F>
[[nodiscard]] std::string to_string(const fixed<F>& x) {
  return detail::to_decimal(x.raw(), F.frac);
}
template <fixed_format F>
std::ostream& operator<<(std::ostream& os, const fixed<F>& x) {
  return os << to_string(x);
}

}  // namespace lop

template <lop::fixed_format F>
struct std::hash<lop::fixed<F>> {
  [[nodiscard]] std::size_t operator()(const lop::fixed<F>& x) const noexcept {
    const auto b = static_cast<lop::detail::u128>(x.bits());
    const auto lo = static_cast<std::uint64_t>(b), hi = static_cast<std::uint64_t>(b >> 64);
    return std::hash<std::uint64_t>{}(lo ^ (hi * 0x9E3779B97F4A7C15ULL));
  }
};

// numeric_limits: exact, bounded, radix 2. min() is the smallest positive value (one ulp),
// as for floating types; lowest() the most negative; is_modulo for wrap formats.
template <lop::fixed_format F>
class std::numeric_limits<lop::fixed<F>> {
  using T = lop::fixed<F>;

 public:
  static constexpr bool is_specialized = true;
  static constexpr bool is_signed = F.is_signed;
  static constexpr bool is_integer = false;
  static constexpr bool is_exact = true;
  static constexpr bool has_infinity = false;
  static constexpr bool has_quiet_NaN = false;
  static constexpr bool has_signaling_NaN = false;
  static constexpr std::float_denorm_style has_denorm = std::denorm_absent;
  static constexpr bool has_denorm_loss = false;
  static constexpr std::float_round_style round_style =
      F.round == lop::rounding::floor ? std::round_toward_neg_infinity
      : F.round == lop::rounding::toward_zero ? std::round_toward_zero
      : F.round == lop::rounding::ceil ? std::round_toward_infinity
      : F.round == lop::rounding::stochastic ? std::round_indeterminate
                                             : std::round_to_nearest;
  static constexpr bool is_iec559 = false;
  static constexpr bool is_bounded = true;
  static constexpr bool is_modulo = F.ovf == lop::overflow::wrap;
  static constexpr int digits = F.width - (F.is_signed ? 1 : 0);
  static constexpr int digits10 = digits * 301 / 1000;
  static constexpr int max_digits10 = 0;
  static constexpr int radix = 2;
  static constexpr int min_exponent = 0;
  static constexpr int min_exponent10 = 0;
  static constexpr int max_exponent = 0;
  static constexpr int max_exponent10 = 0;
  static constexpr bool traps = false;
  static constexpr bool tinyness_before = false;
  static constexpr T min() noexcept { return T::ulp(); }
  static constexpr T max() noexcept { return T::max(); }
  static constexpr T lowest() noexcept { return T::lowest(); }
  static constexpr T epsilon() noexcept { return T::ulp(); }
  static constexpr T round_error() noexcept { return T::ulp(); }
  static constexpr T infinity() noexcept { return T(); }
  static constexpr T quiet_NaN() noexcept { return T(); }
  static constexpr T signaling_NaN() noexcept { return T(); }
  static constexpr T denorm_min() noexcept { return T::ulp(); }
};
