// Fast run-time paths for lop::cfloat arithmetic, each provably identical to the exact model
// in float_core.hpp (docs/cfloat.md, section 4 "Fast paths" gives the proofs):
// - formats with p = man_bits + 1 <= 11 whose values, products and quotients stay in float's
//   normal range: native float arithmetic, then one rounding into F. Native float rounds to
//   nearest with 24 >= 2p + 2 bits, so the second rounding is innocuous for the nearest
//   modes; products are exact in float, so * is exact for every deterministic mode. For
//   half_even, decode and rounding are branch-free lane arithmetic, so loops vectorize; for
//   8-bit formats in builds without AVX2 the same formula fills a compile-time table instead;
// - other formats of at most 8 bits with a deterministic rounding mode: 64 KiB result tables
//   per operation, filled once from the exact model;
// - bf16 (the preset exactly): + - * in native float, rounded to nearest-even by integer
//   arithmetic.
// Stochastic formats always use the exact model.
#pragma once
#include <algorithm>
#include <array>
#include <bit>
#include <cstdint>

#include "lop/detail/float_core.hpp"
#include "lop/float_format.hpp"

namespace lop::detail {

[[nodiscard]] constexpr bool deterministic(rounding r) noexcept { return r != rounding::stochastic; }
[[nodiscard]] constexpr bool nearest(rounding r) noexcept {
  return r == rounding::half_even || r == rounding::half_away || r == rounding::half_up;
}

// --- formats of at most 8 bits: whole-operation tables --------------------------------

template <float_format F>
inline constexpr bool use_table = width(F) <= 8 && deterministic(F.round);

// table[a << 8 | b] = a (op) b, for every pair of 8-bit encodings (unused high bits: 0).
// Static storage at a fixed address (a pointer to a heap table would be reloaded after each
// byte store, which may alias it), filled once, thread-safely, on first use.
template <float_format F, float_op Op>
struct op_table_storage {
  alignas(64) static inline std::uint8_t bytes[65536] = {};
};
template <float_format F, float_op Op>
[[nodiscard]] inline const std::uint8_t* op_table() {
  static const bool filled = [] {
    const std::uint64_t n = std::uint64_t{1} << width(F);
    for (std::uint64_t a = 0; a < n; ++a)
      for (std::uint64_t b = 0; b < n; ++b)
        op_table_storage<F, Op>::bytes[(a << 8) | b] = static_cast<std::uint8_t>(float_op_bits(F, Op, a, b));
    return true;
  }();
  static_cast<void>(filled);
  return op_table_storage<F, Op>::bytes;
}

// c ? x : y by masking. Both operands are always computed, so a loop of float operations
// feeding it has no control flow and vectorizes even under -ftrapping-math (GCC's default,
// which forbids turning a conditional float operation into an unconditional one).
[[nodiscard]] constexpr std::uint32_t select(bool c, std::uint32_t x, std::uint32_t y) noexcept {
  const std::uint32_t m = 0U - static_cast<std::uint32_t>(c);
  return (x & m) | (y & ~m);
}

// --- bf16 ------------------------------------------------------------------------------
// bf16 values are floats; float rounds + - * to nearest-even with 24 >= 2*8 + 2 bits, so the
// second rounding (to bf16, nearest-even) is innocuous wherever float's precision is full.
// Below float's normal range: a sum of bf16 values is a multiple of bf16's quantum 2^-133,
// exact in float. A product x with |x| >= 2^-134 has <= 16 significant bits with lsb >=
// 2^-149, so it is exact in float; one with |x| < 2^-134 rounds in float to at most 2^-134,
// the tie between 0 and bf16's smallest subnormal, which nearest-even sends to 0 -- the
// correct result for |x| < 2^-134.

template <float_format F>
inline constexpr bool is_bf16 = F == formats::bf16;

[[nodiscard]] inline float bf16_to_float(std::uint16_t b) noexcept {
  return std::bit_cast<float>(static_cast<std::uint32_t>(b) << 16);
}
// Round a float to bf16, nearest-even; NaN -> the canonical 0x7FC0. Written for vector lanes:
// the NaN test is one float compare, and the select precedes the narrowing shift.
[[nodiscard]] inline std::uint16_t float_to_bf16(float f) noexcept {
  const std::uint32_t u = std::bit_cast<std::uint32_t>(f);
  const std::uint32_t r = u + 0x7FFFU + ((u >> 16) & 1U);
  const bool nan = f != f;  // NOLINT(misc-redundant-expression): true only for NaN
  return static_cast<std::uint16_t>(select(nan, 0x7FC00000U, r) >> 16);
}

// --- formats whose arithmetic fits native float -------------------------------------------

// Every value, product and quotient of F lies in float's normal range (or is 0/Inf/NaN),
// F's exponent field fits below float's, and p <= 11 (24 >= 2p + 2).
template <float_format F>
inline constexpr bool via_float_range =
    width(F) <= 16 && F.man_bits + 1 <= 11 && F.man_bits >= 1 && F.exp_bits <= 7 &&
    2 * (min_exponent(F) - F.man_bits) >= -126 && 2 * (max_exponent(F) + 1) <= 127 &&
    (max_exponent(F) + 1) - (min_exponent(F) - F.man_bits) <= 126;

// 2^k as a float, for -126 <= k <= 127.
[[nodiscard]] constexpr float pow2f(int k) noexcept {
  return std::bit_cast<float>(static_cast<std::uint32_t>(k + 127) << 23);
}

// Branch-free decode into float, written so that loops over arrays vectorize into a few lane
// operations. Under via_float_range every value of F is a normal float (or 0/Inf/NaN), and
// F's exponent field fits float's with room to spare, so for a normal encoding the float bits
// are the magnitude shifted into place plus a re-bias of the exponent field. A subnormal
// encoding reads that way as a value below 2^emin and is corrected by one float step (below).
// Specials are ORed into the integer bits first, the sign last (every value is >= +0 before
// it, so the OR negates, -0 included). No denormal float occurs (slow on x86), and no
// integer select follows a float operation: under -ftrapping-math (GCC's default) that would
// allow the compiler to sink the operation into a branch, which blocks vectorization.
template <float_format F>
[[nodiscard]] constexpr float fast_decode(std::uint32_t bits) noexcept {
  constexpr int M = F.man_bits;
  constexpr int W = width(F);
  constexpr int d = 23 - M;
  constexpr std::uint32_t sign = std::uint32_t{1} << (W - 1);
  constexpr std::uint32_t all_ones = (std::uint32_t{1} << F.exp_bits) - 1;
  // Lane arithmetic in 32 bits throughout (a narrower intermediate makes the vectorizer
  // convert masks between lane widths), signed where compared: every compared quantity is
  // non-negative, and signed comparisons are single instructions on every x86 vector ISA.
  const std::uint32_t top = bits << (32 - W);                          // sign at bit 31
  const auto mag = static_cast<std::int32_t>((top & 0x7FFFFFFFU) >> (8 - F.exp_bits));  // mag << d
  constexpr std::int32_t rebias = (127 - F.bias) << 23;
  std::int32_t o = mag + rebias;
  if constexpr (!F.subnormals) o &= -static_cast<std::int32_t>(mag >= (std::int32_t{1} << 23));  // field 0: zero
  if constexpr (F.enc == specials::ieee) {
    o |= -static_cast<std::int32_t>(mag >= static_cast<std::int32_t>(all_ones << 23)) & 0x7F800000;  // Inf, NaN
  } else if constexpr (F.enc == specials::fn) {
    o |= -static_cast<std::int32_t>(mag == static_cast<std::int32_t>((sign - 1) << d)) & 0x7FC00000;
  } else if constexpr (F.enc == specials::fnuz) {
    o |= -static_cast<std::int32_t>(top == 0x80000000U) & 0x7FC00000;
  }
  float v = std::bit_cast<float>(o);
  if constexpr (F.subnormals) {
    // A subnormal encoding m has read as h = 2^(emin-1) (1 + m 2^-M) < 2^emin, and its value
    // is 2h - 2^emin = m 2^(emin-M) (exact: 2h is exact, and the difference is
    // representable), which is below h; a normal value h >= 2^emin has 2h - 2^emin >= h.
    // So the minimum of h and 2h - 2^emin is the value in both cases (Inf and NaN stay).
    const float w = 2.0F * v - pow2f(1 - F.bias);
    v = w < v ? w : v;
  }
  return std::bit_cast<float>(std::bit_cast<std::uint32_t>(v) | (top & 0x80000000U));
}

// R_F, for F's nearest-even mode, of a float x that is the exact result or its
// round-to-nearest-even in float with 24 >= 2p + 2 bits. Branch-free, like fast_decode:
// - F's normal range: round the float's bits by an integer add at bit d = 23 - M (adding
//   2^(d-1) - 1 plus the kept lsb is round-to-nearest-even; a carry out of the mantissa
//   moves into the exponent field, which is right), re-biasing the exponent in the same add;
// - below F's normal range: adding S = 2^(emin - M + 23) makes the FPU itself round |x| to
//   the subnormal quantum 2^(emin - M) (nearest-even), and the integer difference of the bit
//   patterns is the subnormal encoding (2^M: rounded up to min normal);
// - overflow: the rounding is monotone in the float's bits, so |x| overflows iff its bits are
//   >= T, the bits of the smallest float that rounds above max finite (computed and checked
//   below); Inf (an exact infinity) is >= T too, and needs its own case only where the
//   overflow answer is not the exact-infinity answer (ieee with saturate).
template <float_format F>
[[nodiscard]] constexpr std::uint32_t fast_encode_half_even(float x) noexcept {
  static_assert(F.round == rounding::half_even);
  constexpr int M = F.man_bits;
  constexpr int W = width(F);
  constexpr int d = 23 - M;
  constexpr int emin = min_exponent(F);
  constexpr float S = pow2f(emin - M + 23);
  constexpr auto min_normal_bits = static_cast<std::int32_t>(emin + 127) << 23;
  constexpr auto max_bits = static_cast<std::uint32_t>(max_finite_bits(F));
  constexpr std::uint32_t rebias = static_cast<std::uint32_t>(127 - F.bias) << 23;
  constexpr std::uint32_t round_add = (std::uint32_t{1} << (d - 1)) - 1U - rebias;  // mod 2^32
  constexpr auto round_normal = [](std::uint32_t a) { return (a + round_add + ((a >> d) & 1U)) >> d; };
  constexpr std::uint32_t max_float_bits = (max_bits << d) + rebias;
  constexpr std::uint32_t T = max_float_bits + (std::uint32_t{1} << (d - 1)) + ((max_bits & 1U) == 0 ? 1U : 0U);
  static_assert(round_normal(T - 1) == max_bits && round_normal(T) == max_bits + 1 && T < 0x7F800000U);
  constexpr auto over = static_cast<std::uint32_t>(pack_overflow(F, false));
  constexpr auto nan = static_cast<std::uint32_t>(pack_nan(F));
  constexpr bool over_is_nan = F.enc != specials::ieee && F.enc != specials::none && F.ovf == float_overflow::infinity;
  // The result is assembled at bit d of a 32-bit lane (bits below d are don't-care) and
  // shifted down at the end: the vectorizer then keeps every select in 32-bit lanes (a
  // result known to fit 16 bits lets it narrow the selects, converting each mask between
  // lane widths). E <= 7 puts the sign, bit d + W - 1 = 23 + E, below bit 31, so the
  // signed comparisons and minimum below see non-negative values.
  static_assert(F.exp_bits <= 7 && rebias < 0x80000000U);
  constexpr auto sign_d = std::uint32_t{1} << (d + W - 1);
  const std::uint32_t u = std::bit_cast<std::uint32_t>(x);
  const auto a = static_cast<std::int32_t>(u & 0x7FFFFFFFU);
  const std::uint32_t normal = static_cast<std::uint32_t>(a) + round_add + ((static_cast<std::uint32_t>(a) >> d) & 1U);
  const std::uint32_t sub =
      (std::bit_cast<std::uint32_t>(std::bit_cast<float>(a) + S) - std::bit_cast<std::uint32_t>(S)) << d;
  auto mag = static_cast<std::int32_t>(select(a < min_normal_bits, sub, normal));
  if constexpr (!F.subnormals) mag = mag < (std::int32_t{1} << (M + d)) ? 0 : mag;
  std::uint32_t s = (u >> (32 - W - d)) & sign_d;
  if constexpr (F.enc == specials::fnuz) s = select(mag < (std::int32_t{1} << d), 0U, s);  // no -0
  std::uint32_t r;
  if constexpr (over_is_nan) {
    // Overflow, Inf and NaN all give the canonical NaN.
    r = select(a >= static_cast<std::int32_t>(T), nan << d, static_cast<std::uint32_t>(mag) | s);
  } else {
    // |x| >= T iff the rounded magnitude exceeds max_bits; `over` is max_bits or max_bits + 1
    // (Inf), so a minimum applies it.
    static_assert(over == max_bits || over == max_bits + 1);
    mag = std::min(mag, static_cast<std::int32_t>(over << d));
    if constexpr (F.enc == specials::ieee && F.ovf == float_overflow::saturate)
      mag = a == 0x7F800000 ? static_cast<std::int32_t>(pack_inf(F, false) << d) : mag;
    r = select(a > 0x7F800000, nan << d, static_cast<std::uint32_t>(mag) | s);
  }
  return r >> d;
}

// R_F of a float result x that is the exact result, or (nearest modes only) its
// round-to-nearest in float with 24 >= 2p + 2 bits (scalar; any deterministic mode).
template <float_format F>
[[nodiscard]] inline std::uint64_t fast_encode(float x) noexcept {
  constexpr int M = F.man_bits;
  constexpr int emin = min_exponent(F);
  const std::uint32_t u = std::bit_cast<std::uint32_t>(x);
  const bool neg = (u >> 31) != 0;
  const std::uint32_t a = u & 0x7FFFFFFFU;
  if (a >= 0x7F800000U) return a == 0x7F800000U ? pack_inf(F, neg) : pack_nan(F);
  if (a == 0) return pack_zero(F, neg);
  const int e = static_cast<int>(a >> 23) - 127;  // x is normal in float (via_float)
  const std::uint32_t m = (a & 0x7FFFFFU) | 0x800000U;
  int d = 23 - M + (e < emin ? emin - e : 0);  // dropped bits, >= 12
  if (d > 25) d = 25;                           // below half the quantum either way
  const std::uint32_t kept = m >> d;
  const bool half = ((m >> (d - 1)) & 1U) != 0;
  const bool below = (m & ((1U << (d - 1)) - 1U)) != 0;
  const bool up = rounds_up(F.round, neg, half, below, (kept & 1U) != 0);  // never stochastic here
  return pack_rounded(F, neg, (static_cast<std::uint64_t>(e > emin ? e - emin : 0) << M) + kept + (up ? 1U : 0U));
}

// The vectorizable path: formats of at most 16 bits that fit float, nearest-even.
template <float_format F>
inline constexpr bool via_float_simd = via_float_range<F> && F.round == rounding::half_even;

template <float_format F, float_op Op>
inline constexpr bool fast_op_available =
    via_float_simd<F> || use_table<F> || (is_bf16<F> && Op != float_op::div) ||
    (via_float_range<F> && deterministic(F.round) && (nearest(F.round) || Op == float_op::mul));

template <float_op Op>
[[nodiscard]] constexpr float native_op(float x, float y) noexcept {
  if constexpr (Op == float_op::add) return x + y;
  if constexpr (Op == float_op::sub) return x - y;
  if constexpr (Op == float_op::mul) return x * y;
  return x / y;
}

// --- 8-bit formats of the vectorizable path, in builds without AVX2 ---------------------
// Without AVX2 (x86-64's default SSE2, which lacks the lane operations the formula needs in
// few instructions) a table lookup per element is faster than the vectorized formula for 8-bit
// formats, so the formula fills a table at compile time: a constant at a fixed address, with
// no initialization guard to test per element (a run-time-filled table needs one). Operands
// that are not finite, and division by zero, take their entries from the exact model instead
// (the formula's float operations there would not be constant expressions).
#if defined(__AVX2__)
inline constexpr bool wide_simd = true;
#else
inline constexpr bool wide_simd = false;
#endif

// Filling a table at compile time costs about 1 s of compile time per format and operation
// used in a translation unit; define LOP_CFLOAT_CONSTEXPR_TABLES=0 to use the formula instead.
// Clang's default limit on constant-evaluation steps (-fconstexpr-steps) is below what a table
// takes, so Clang builds compute the formula unless asked otherwise.
#ifndef LOP_CFLOAT_CONSTEXPR_TABLES
#if defined(__clang__)
#define LOP_CFLOAT_CONSTEXPR_TABLES 0
#else
#define LOP_CFLOAT_CONSTEXPR_TABLES 1
#endif
#endif

template <float_format F>
inline constexpr bool use_formula_table =
    LOP_CFLOAT_CONSTEXPR_TABLES != 0 && via_float_simd<F> && width(F) <= 8 && !wide_simd;

template <float_format F, float_op Op>
[[nodiscard]] constexpr std::array<std::uint8_t, 65536> make_formula_table() {
  std::array<std::uint8_t, 65536> t{};
  const std::uint32_t n = std::uint32_t{1} << width(F);
  for (std::uint32_t a = 0; a < n; ++a) {
    for (std::uint32_t b = 0; b < n; ++b) {
      const float x = fast_decode<F>(a);
      const float y = fast_decode<F>(b);
      constexpr std::uint32_t exp_mask = 0x7F800000U;
      const bool finite = (std::bit_cast<std::uint32_t>(x) & exp_mask) != exp_mask &&
                          (std::bit_cast<std::uint32_t>(y) & exp_mask) != exp_mask;
      const bool exact = !finite || (Op == float_op::div && y == 0.0F);
      t[(a << 8) | b] = static_cast<std::uint8_t>(exact ? float_op_bits(F, Op, a, b)
                                                        : fast_encode_half_even<F>(native_op<Op>(x, y)));
    }
  }
  return t;
}
template <float_format F, float_op Op>
alignas(64) inline constexpr std::array<std::uint8_t, 65536> formula_table = make_formula_table<F, Op>();

// a (op) b on encodings of F through the fast path (fast_op_available<F, Op> must hold).
template <float_format F, float_op Op>
[[nodiscard]] inline std::uint64_t fast_op(std::uint64_t a, std::uint64_t b) noexcept {
  if constexpr (use_formula_table<F>) {
    return formula_table<F, Op>[(a << 8) | b];
  } else if constexpr (via_float_simd<F>) {
    return fast_encode_half_even<F>(native_op<Op>(fast_decode<F>(static_cast<std::uint32_t>(a)),
                                                  fast_decode<F>(static_cast<std::uint32_t>(b))));
  } else if constexpr (use_table<F>) {
    return op_table<F, Op>()[(a << 8) | b];
  } else if constexpr (is_bf16<F>) {
    const float x = bf16_to_float(static_cast<std::uint16_t>(a));
    const float y = bf16_to_float(static_cast<std::uint16_t>(b));
    return float_to_bf16(native_op<Op>(x, y));
  } else {
    return fast_encode<F>(native_op<Op>(fast_decode<F>(static_cast<std::uint32_t>(a)),
                                        fast_decode<F>(static_cast<std::uint32_t>(b))));
  }
}

}  // namespace lop::detail
