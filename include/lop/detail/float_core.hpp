// The exact model of lop's custom floating point: every operation on bit patterns of runtime
// float_format descriptors, computing the exact result and rounding it once with R_F
// (docs/cfloat.md, section 2). lop::cfloat<F>, the PE model, the co-simulation harness and
// the fast native paths' tests all go through these functions.
//
// Internally a finite nonzero value is an unsigned integer significand times a power of two.
// Inexact intermediate results are "jammed": their floor is kept exactly at a precision far
// beyond any destination's rounding position, and bit 0 is ORed with "something was lost".
#pragma once
#include <bit>
#include <compare>
#include <cstdint>
#include <type_traits>

#include "lop/detail/int128.hpp"
#include "lop/float_format.hpp"
#include "lop/format.hpp"
#include "lop/rounding.hpp"

namespace lop::detail {

// Position of the most significant set bit of x (x != 0).
[[nodiscard]] constexpr int msb_u128(u128 x) noexcept {
  const auto hi = static_cast<std::uint64_t>(x >> 64);
  return hi != 0 ? 127 - std::countl_zero(hi) : 63 - std::countl_zero(static_cast<std::uint64_t>(x));
}

// x >> n for any n >= 0, reporting whether nonzero bits were shifted out.
[[nodiscard]] constexpr u128 shift_right_sticky(u128 x, int n, bool& lost) noexcept {
  if (n <= 0) return x;
  if (n >= 128) {
    lost = lost || x != 0;
    return 0;
  }
  lost = lost || (x & ((u128{1} << n) - 1)) != 0;
  return x >> n;
}

// A decoded operand or an exact intermediate value.
struct float_value {
  enum class kind : std::uint8_t { zero, finite, inf, nan };
  kind k = kind::zero;
  bool neg = false;
  u128 sig = 0;  // finite: |value| = sig * 2^exp, sig != 0
  int exp = 0;
};

[[nodiscard]] constexpr std::uint64_t width_mask(const float_format& f) noexcept {
  return low_mask(width(f));
}

// Decode a bit pattern of f (bits beyond width(f) are ignored).
[[nodiscard]] constexpr float_value float_unpack(const float_format& f, std::uint64_t bits) noexcept {
  using k = float_value::kind;
  bits &= width_mask(f);
  const bool neg = (bits & sign_bit(f)) != 0;
  const std::uint64_t field = (bits >> f.man_bits) & low_mask(f.exp_bits);
  const std::uint64_t man = bits & low_mask(f.man_bits);
  const std::uint64_t all_ones = low_mask(f.exp_bits);
  switch (f.enc) {
    case specials::ieee:
      if (field == all_ones) return {man == 0 ? k::inf : k::nan, neg, 0, 0};
      break;
    case specials::fn:
      if (field == all_ones && man == low_mask(f.man_bits)) return {k::nan, neg, 0, 0};
      break;
    case specials::fnuz:
      if (bits == sign_bit(f)) return {k::nan, false, 0, 0};
      break;
    case specials::none: break;
  }
  if (field == 0) {
    if (man == 0 || !f.subnormals) return {k::zero, neg, 0, 0};
    return {k::finite, neg, man, 1 - f.bias - f.man_bits};
  }
  return {k::finite, neg, man | (std::uint64_t{1} << f.man_bits),
          static_cast<int>(field) - f.bias - f.man_bits};
}

// Encodings of results that need no rounding.
[[nodiscard]] constexpr std::uint64_t pack_zero(const float_format& f, bool neg) noexcept {
  return neg && f.enc != specials::fnuz ? sign_bit(f) : 0;
}
// The canonical NaN; +0 for formats without NaN (docs/cfloat.md, "Special values").
[[nodiscard]] constexpr std::uint64_t pack_nan(const float_format& f) noexcept {
  return nan_bits(f).value_or(0);
}
// An exact infinity: Inf where the format has it, else the overflow policy's answer.
[[nodiscard]] constexpr std::uint64_t pack_inf(const float_format& f, bool neg) noexcept {
  if (f.enc == specials::ieee) return *infinity_bits(f, neg);
  if (f.ovf == float_overflow::saturate || f.enc == specials::none) return max_finite_bits(f, neg);
  return pack_nan(f);
}

// Whether mode `r` rounds a value of this sign toward zero (IEEE's overflow exception).
[[nodiscard]] constexpr bool rounds_toward_zero(rounding r, bool neg) noexcept {
  return r == rounding::toward_zero || (r == rounding::floor && !neg) || (r == rounding::ceil && neg);
}

// Step 2 of R_F for the deterministic modes: whether the magnitude rounds up, from its first
// dropped bit, whether any bit below that is set, and the parity of the kept part.
[[nodiscard]] constexpr bool rounds_up(rounding r, bool neg, bool half, bool below_half, bool odd) noexcept {
  switch (r) {
    case rounding::half_even: return half && (below_half || odd);
    case rounding::half_away: return half;
    case rounding::half_up: return half && (!neg || below_half);
    case rounding::toward_zero: return false;
    case rounding::floor: return neg && (half || below_half);
    case rounding::ceil: return !neg && (half || below_half);
    case rounding::stochastic: break;  // needs the dropped bits and a draw: see float_round
  }
  return false;
}

// Step 3 of R_F: the result of a rounded magnitude beyond max finite.
[[nodiscard]] constexpr std::uint64_t pack_overflow(const float_format& f, bool neg) noexcept {
  if (f.ovf == float_overflow::saturate || f.enc == specials::none || rounds_toward_zero(f.round, neg))
    return max_finite_bits(f, neg);
  return pack_inf(f, neg);
}

// Steps 3-5 of R_F. `mag` is the rounded magnitude as an unsigned encoding:
// ((max(e, emin) - emin) << man_bits) + the rounded significand in quanta, which encodes
// normals and subnormals alike (a carry out of the significand moves into the exponent field
// by itself); e may be clamped to max_exponent + 1 (anything above overflows as well).
[[nodiscard]] constexpr std::uint64_t pack_rounded(const float_format& f, bool neg, std::uint64_t mag) noexcept {
  if (mag == 0) return pack_zero(f, neg);
  if (!f.subnormals && mag < (std::uint64_t{1} << f.man_bits)) return pack_zero(f, neg);
  if (mag > max_finite_bits(f)) return pack_overflow(f, neg);
  return neg ? mag | sign_bit(f) : mag;
}

// R_F: round (-1)^neg * (sig + (sticky ? a positive amount below 1 : 0)) * 2^exp into f.
// Precondition: sig != 0, and when sticky the msb of sig is at bit 86 or above (so every
// bit the rounding examines, including 32 stochastic bits, is exact).
[[nodiscard]] constexpr std::uint64_t float_round(const float_format& f, bool neg, u128 sig, int exp,
                                                  bool sticky, std::uint32_t rnd) noexcept {
  // Normalize the msb to bit 125; lost bits and `sticky` are jammed into bit 0.
  const int m = msb_u128(sig);
  if (m < 125) {
    sig <<= 125 - m;
    exp -= 125 - m;
  } else if (m > 125) {
    sig = shift_right_sticky(sig, m - 125, sticky);
    exp += m - 125;
  }
  sig |= sticky ? 1U : 0U;

  const int M = f.man_bits;
  const int emin = min_exponent(f);
  const int e = exp + 125;                  // |x| in [2^e, 2^(e+1))
  const int q = (e > emin ? e : emin) - M;  // the quantum's exponent
  const int d = q - exp;                    // dropped bits, >= 125 - M >= 73
  const u128 kept = d >= 128 ? u128{0} : sig >> d;
  const bool half = d - 1 < 128 && ((sig >> (d - 1)) & 1U) != 0;  // the first dropped bit
  const bool below_half = d - 1 >= 128 ? sig != 0 : (sig & ((u128{1} << (d - 1)) - 1)) != 0;
  bool up = rounds_up(f.round, neg, half, below_half, (kept & 1U) != 0);
  if (f.round == rounding::stochastic) {
    // D = the first 32 dropped bits (d >= 73, so they exist and are exact).
    const auto D = d - 32 >= 128 ? std::uint64_t{0} : static_cast<std::uint64_t>((sig >> (d - 32)) & 0xFFFFFFFFU);
    up = D + rnd >= (std::uint64_t{1} << 32);
  }
  const int emax = max_exponent(f);
  const int field_e = e < emin ? emin : (e > emax + 1 ? emax + 1 : e);
  return pack_rounded(f, neg,
                      (static_cast<std::uint64_t>(field_e - emin) << M) + static_cast<std::uint64_t>(kept) +
                          (up ? 1U : 0U));
}

// Round an exact (or jammed) value.
[[nodiscard]] constexpr std::uint64_t float_round(const float_format& f, const float_value& v,
                                                  std::uint32_t rnd) noexcept {
  switch (v.k) {
    case float_value::kind::zero: return pack_zero(f, v.neg);
    case float_value::kind::inf: return pack_inf(f, v.neg);
    case float_value::kind::nan: return pack_nan(f);
    case float_value::kind::finite: break;
  }
  return float_round(f, v.neg, v.sig, v.exp, false, rnd);
}

// The sign of an exact zero sum of a and b (both zero, or x + (-x)).
[[nodiscard]] constexpr bool zero_sum_negative(const float_format& r, bool a_neg, bool b_neg,
                                               bool both_zero) noexcept {
  if (both_zero && a_neg == b_neg) return a_neg;
  return r.round == rounding::floor;
}

// a + b for finite or zero a, b (inf/nan handled by the callers).
[[nodiscard]] constexpr std::uint64_t float_add_values(const float_format& r, float_value a, float_value b,
                                                       std::uint32_t rnd) noexcept {
  using k = float_value::kind;
  if (a.k == k::zero && b.k == k::zero) return pack_zero(r, zero_sum_negative(r, a.neg, b.neg, true));
  if (a.k == k::zero) return float_round(r, b, rnd);
  if (b.k == k::zero) return float_round(r, a, rnd);
  // Normalize both significands to bit 125 (at most 106 significant bits: low bits are 0).
  const auto normalize = [](float_value& v) {
    const int m = msb_u128(v.sig);
    v.sig <<= 125 - m;
    v.exp -= 125 - m;
  };
  normalize(a);
  normalize(b);
  if (b.exp > a.exp || (b.exp == a.exp && b.sig > a.sig)) {
    const float_value t = a;
    a = b;
    b = t;
  }
  bool sticky = false;
  const u128 bs = shift_right_sticky(b.sig, a.exp - b.exp, sticky);
  u128 s = 0;
  if (a.neg == b.neg) {
    s = a.sig + bs;  // < 2^127
  } else {
    s = a.sig - bs - (sticky ? 1U : 0U);  // the floor of the exact difference
    if (s == 0 && !sticky) return pack_zero(r, zero_sum_negative(r, a.neg, b.neg, false));
  }
  return float_round(r, a.neg, s | (sticky ? 1U : 0U), a.exp, false, rnd);
}

// ---------------------------------------------------------------------------------------
// Operations on decoded values (significands of at most 64 bits; fma: at most 53), then on
// bit patterns. Operand formats may differ from the result format r.
// ---------------------------------------------------------------------------------------

[[nodiscard]] constexpr std::uint64_t value_add(const float_format& r, const float_value& x, const float_value& y,
                                                std::uint32_t rnd) noexcept {
  using k = float_value::kind;
  if (x.k == k::nan || y.k == k::nan) return pack_nan(r);
  if (x.k == k::inf || y.k == k::inf) {
    if (x.k == k::inf && y.k == k::inf && x.neg != y.neg) return pack_nan(r);
    return pack_inf(r, x.k == k::inf ? x.neg : y.neg);
  }
  return float_add_values(r, x, y, rnd);
}

// The exact product of two decoded values (kind nan for 0 * Inf).
[[nodiscard]] constexpr float_value exact_product(const float_value& x, const float_value& y) noexcept {
  using k = float_value::kind;
  const bool neg = x.neg != y.neg;
  if (x.k == k::nan || y.k == k::nan) return {k::nan, false, 0, 0};
  if (x.k == k::inf || y.k == k::inf) {
    if (x.k == k::zero || y.k == k::zero) return {k::nan, false, 0, 0};
    return {k::inf, neg, 0, 0};
  }
  if (x.k == k::zero || y.k == k::zero) return {k::zero, neg, 0, 0};
  return {k::finite, neg, x.sig * y.sig, x.exp + y.exp};  // <= 128 bits
}

[[nodiscard]] constexpr std::uint64_t value_mul(const float_format& r, const float_value& x, const float_value& y,
                                                std::uint32_t rnd) noexcept {
  return float_round(r, exact_product(x, y), rnd);
}

[[nodiscard]] constexpr std::uint64_t value_div(const float_format& r, const float_value& x, const float_value& y,
                                                std::uint32_t rnd) noexcept {
  using k = float_value::kind;
  const bool neg = x.neg != y.neg;
  if (x.k == k::nan || y.k == k::nan) return pack_nan(r);
  if (x.k == k::inf) return y.k == k::inf ? pack_nan(r) : pack_inf(r, neg);
  if (y.k == k::inf) return pack_zero(r, neg);
  if (y.k == k::zero) return x.k == k::zero ? pack_nan(r) : pack_inf(r, neg);
  if (x.k == k::zero) return pack_zero(r, neg);
  // Both significands normalized to bit 63: the first quotient has 62..63 bits; dividing
  // the remainder adds 52 more, so the jammed quotient has >= 113 bits.
  const auto to63 = [](const float_value& v, int& e) {
    const int m = msb_u128(v.sig);
    e = v.exp - (63 - m);
    return v.sig << (63 - m);
  };
  int ex = 0;
  int ey = 0;
  const u128 nx = to63(x, ex);
  const u128 ny = to63(y, ey);
  const u128 n1 = nx << 62;
  const u128 n2 = (n1 % ny) << 52;
  const u128 q = ((n1 / ny) << 52) | (n2 / ny);
  return float_round(r, neg, q, ex - ey - 114, n2 % ny != 0, rnd);
}

[[nodiscard]] constexpr std::uint64_t value_sqrt(const float_format& r, const float_value& x,
                                                 std::uint32_t rnd) noexcept {
  using k = float_value::kind;
  if (x.k == k::nan) return pack_nan(r);
  if (x.k == k::zero) return pack_zero(r, x.neg);
  if (x.neg) return pack_nan(r);
  if (x.k == k::inf) return pack_inf(r, false);
  // Normalize n to [2^52, 2^54) with an even exponent, so the root has >= 95 bits.
  const int m = msb_u128(x.sig);
  const int s = 52 - m + ((x.exp - (52 - m)) & 1);
  const u128 n = s >= 0 ? x.sig << s : x.sig >> -s;  // only <= 53-bit significands reach here
  const int e = x.exp - s;
  // x = n * 2^e; digit-by-digit square root to 96 result bits (n's bits, then zero pairs),
  // the remainder tracked exactly.
  const int pairs = 96;
  const int shift = 2 * (pairs - 27);  // the radicand is n * 2^shift, a 192-bit integer
  u128 root = 0;
  u128 rem = 0;
  for (int i = pairs - 1; i >= 0; --i) {
    const int pos = 2 * i - shift;  // the bit pair of n that enters now
    const auto two = static_cast<unsigned>(pos >= 0 ? (n >> pos) & 3U : 0U);
    rem = (rem << 2) | two;
    const u128 trial = (root << 2) | 1U;
    root <<= 1;
    if (rem >= trial) {
      rem -= trial;
      root |= 1U;
    }
  }
  return float_round(r, false, root, (e - shift) / 2, rem != 0, rnd);
}

// R_r(x * y + z) with one rounding (significands of at most 53 bits).
[[nodiscard]] constexpr std::uint64_t value_fma(const float_format& r, const float_value& x, const float_value& y,
                                                const float_value& z, std::uint32_t rnd) noexcept {
  return value_add(r, exact_product(x, y), z, rnd);
}

// The four binary operations, for code that selects one at compile or run time.
enum class float_op : std::uint8_t { add, sub, mul, div };

[[nodiscard]] constexpr std::uint64_t value_op(const float_format& r, float_op op, const float_value& x,
                                               float_value y, std::uint32_t rnd) noexcept {
  switch (op) {
    case float_op::add: return value_add(r, x, y, rnd);
    case float_op::sub: y.neg = !y.neg; return value_add(r, x, y, rnd);
    case float_op::mul: return value_mul(r, x, y, rnd);
    case float_op::div: return value_div(r, x, y, rnd);
  }
  return 0;
}
// a (op) b, all three in format f.
[[nodiscard]] constexpr std::uint64_t float_op_bits(const float_format& f, float_op op, std::uint64_t a,
                                                    std::uint64_t b, std::uint32_t rnd = 0) noexcept {
  return value_op(f, op, float_unpack(f, a), float_unpack(f, b), rnd);
}

[[nodiscard]] constexpr std::uint64_t float_convert(const float_format& to, const float_format& from,
                                                    std::uint64_t bits, std::uint32_t rnd) noexcept {
  return float_round(to, float_unpack(from, bits), rnd);
}
[[nodiscard]] constexpr std::uint64_t float_add(const float_format& r, const float_format& fa, std::uint64_t a,
                                                const float_format& fb, std::uint64_t b, std::uint32_t rnd) noexcept {
  return value_add(r, float_unpack(fa, a), float_unpack(fb, b), rnd);
}
[[nodiscard]] constexpr std::uint64_t float_sub(const float_format& r, const float_format& fa, std::uint64_t a,
                                                const float_format& fb, std::uint64_t b, std::uint32_t rnd) noexcept {
  return value_op(r, float_op::sub, float_unpack(fa, a), float_unpack(fb, b), rnd);
}
[[nodiscard]] constexpr std::uint64_t float_mul(const float_format& r, const float_format& fa, std::uint64_t a,
                                                const float_format& fb, std::uint64_t b, std::uint32_t rnd) noexcept {
  return value_mul(r, float_unpack(fa, a), float_unpack(fb, b), rnd);
}
[[nodiscard]] constexpr std::uint64_t float_div(const float_format& r, const float_format& fa, std::uint64_t a,
                                                const float_format& fb, std::uint64_t b, std::uint32_t rnd) noexcept {
  return value_div(r, float_unpack(fa, a), float_unpack(fb, b), rnd);
}
[[nodiscard]] constexpr std::uint64_t float_sqrt(const float_format& r, const float_format& fa, std::uint64_t a,
                                                 std::uint32_t rnd) noexcept {
  return value_sqrt(r, float_unpack(fa, a), rnd);
}
[[nodiscard]] constexpr std::uint64_t float_fma(const float_format& r, const float_format& fa, std::uint64_t a,
                                                const float_format& fb, std::uint64_t b, const float_format& fc,
                                                std::uint64_t c, std::uint32_t rnd) noexcept {
  return value_fma(r, float_unpack(fa, a), float_unpack(fb, b), float_unpack(fc, c), rnd);
}

// Exact values of native operands (integers of up to 64 bits, float, double).
template <class T>
  requires std::is_arithmetic_v<T>
[[nodiscard]] constexpr float_value exact_value(T v) noexcept {
  if constexpr (std::is_floating_point_v<T>) {
    return float_unpack(formats::fp64, std::bit_cast<std::uint64_t>(static_cast<double>(v)));
  } else {
    static_assert(sizeof(T) <= 8, "lop::cfloat: integer operands of at most 64 bits");
    if (v == 0) return {};
    const bool neg = v < 0;
    const auto mag = neg ? u128{0} - static_cast<u128>(static_cast<i128>(v)) : static_cast<u128>(v);
    return {float_value::kind::finite, neg, mag, 0};
  }
}

// ---------------------------------------------------------------------------------------
// Conversions with integers, lop::fixed and native floating point.
// ---------------------------------------------------------------------------------------

[[nodiscard]] constexpr std::uint64_t float_from_fixed(const float_format& r, const fixed_format& g, i128 raw,
                                                       std::uint32_t rnd) noexcept {
  if (raw == 0) return pack_zero(r, false);
  const bool neg = raw < 0;
  const u128 mag = neg ? u128{0} - static_cast<u128>(raw) : static_cast<u128>(raw);
  return float_round(r, neg, mag, -g.frac, false, rnd);
}

// The fixed quantizer (g's rounding and overflow) on the exact value; NaN -> 0, +-Inf -> the
// saturated extreme. Stochastic rounding counts dropped bits from f's quantum.
[[nodiscard]] constexpr i128 float_to_fixed(const fixed_format& g, const float_format& f, std::uint64_t bits,
                                            std::uint32_t rnd) noexcept {
  using k = float_value::kind;
  const float_value v = float_unpack(f, bits);
  switch (v.k) {
    case k::nan:
    case k::zero: return 0;
    case k::inf: return infinity_raw(g, v.neg);
    case k::finite: break;
  }
  const i128 m = v.neg ? -static_cast<i128>(v.sig) : static_cast<i128>(v.sig);
  return quantize_raw<i128>(m, -v.exp, g, rnd);
}

// A fixed accumulator fed by a float product (docs/cfloat.md, section 5): g's quantizer applied
// to base * 2^-g.frac + p, where base is a raw value of g (width <= 88) and p an exact product.
// NaN gives 0 and +-Inf the saturated extreme, as float_to_fixed. Otherwise the sum is formed
// exactly on a grid 34 bits finer than g's, anything below jammed into bit 0 (the quantizer
// examines bits 1..33 only above it). A product of magnitude >= 2^(I+2), I = g's integer bits,
// is first replaced by the same-signed 2^(I+2) + (|p| mod 2^(I+1)): the sum keeps its sign (so
// it overflows the same way) and its residue modulo 2^(I+1) (so wrap keeps the same bits).
[[nodiscard]] constexpr i128 fixed_accumulate(const fixed_format& g, i128 base, const float_value& p,
                                              std::uint32_t rnd) noexcept {
  using k = float_value::kind;
  switch (p.k) {
    case k::nan: return 0;
    case k::inf: return infinity_raw(g, p.neg);
    case k::zero: return base;
    case k::finite: break;
  }
  constexpr int guard = 34;
  const int int_bits = g.width - g.frac;
  const int grid = g.frac + guard;
  u128 sig = p.sig;
  const bool huge = msb_u128(sig) + p.exp >= int_bits + 2;
  if (huge) {
    const int keep = int_bits + 1 - p.exp;  // sig bits of weight below 2^(I+1)
    sig = keep <= 0 ? u128{0} : (keep < 128 ? sig & ((u128{1} << keep) - 1) : sig);
  }
  u128 mag = 0;
  const int shift = p.exp + grid;
  if (sig != 0 && shift >= 0) {
    mag = sig << shift;  // < 2^(I+2+grid) <= 2^124
  } else if (sig != 0) {
    bool lost = false;
    mag = shift_right_sticky(sig, -shift, lost) | (lost ? 1U : 0U);
  }
  if (huge) mag += u128{1} << (int_bits + 2 + grid);
  const i128 product = p.neg ? -static_cast<i128>(mag) : static_cast<i128>(mag);
  return quantize_raw<i128>(shl(base, guard) + product, grid, g, rnd);
}

[[nodiscard]] constexpr std::uint64_t float_from_double(const float_format& r, double v, std::uint32_t rnd) noexcept {
  return float_convert(r, formats::fp64, std::bit_cast<std::uint64_t>(v), rnd);
}
[[nodiscard]] constexpr double float_to_double(const float_format& f, std::uint64_t bits) noexcept {
  return std::bit_cast<double>(float_convert(formats::fp64, f, bits, 0));
}
[[nodiscard]] constexpr float float_to_float(const float_format& f, std::uint64_t bits) noexcept {
  return std::bit_cast<float>(static_cast<std::uint32_t>(float_convert(formats::fp32, f, bits, 0)));
}

// IEEE comparison of two exact values.
[[nodiscard]] constexpr std::partial_ordering compare_values(const float_value& x, const float_value& y) noexcept {
  using k = float_value::kind;
  if (x.k == k::nan || y.k == k::nan) return std::partial_ordering::unordered;
  // Map each value to (sign, rank): zero < finite < inf in magnitude.
  const auto sgn = [](const float_value& v) { return v.k == k::zero ? 0 : (v.neg ? -1 : 1); };
  const int sx = sgn(x);
  const int sy = sgn(y);
  if (sx != sy) return sx < sy ? std::partial_ordering::less : std::partial_ordering::greater;
  if (sx == 0) return std::partial_ordering::equivalent;
  // Same sign, both nonzero: compare magnitudes.
  std::partial_ordering mag = std::partial_ordering::equivalent;
  if (x.k == k::inf || y.k == k::inf) {
    if (x.k != y.k) mag = x.k == k::inf ? std::partial_ordering::greater : std::partial_ordering::less;
  } else {
    const int ex = x.exp + msb_u128(x.sig);
    const int ey = y.exp + msb_u128(y.sig);
    if (ex != ey) {
      mag = ex < ey ? std::partial_ordering::less : std::partial_ordering::greater;
    } else {
      const u128 nx = x.sig << (127 - msb_u128(x.sig));
      const u128 ny = y.sig << (127 - msb_u128(y.sig));
      if (nx != ny) mag = nx < ny ? std::partial_ordering::less : std::partial_ordering::greater;
    }
  }
  if (sx > 0 || mag == std::partial_ordering::equivalent) return mag;
  return mag == std::partial_ordering::less ? std::partial_ordering::greater : std::partial_ordering::less;
}

// IEEE comparison of two values of (possibly different) formats.
[[nodiscard]] constexpr std::partial_ordering float_compare(const float_format& fa, std::uint64_t a,
                                                            const float_format& fb, std::uint64_t b) noexcept {
  return compare_values(float_unpack(fa, a), float_unpack(fb, b));
}

}  // namespace lop::detail
