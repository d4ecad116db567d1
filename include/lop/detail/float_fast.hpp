// Fast run-time paths for lop::cfloat arithmetic, each provably identical to the exact model
// in float_core.hpp (docs/cfloat.md, section 4 "Fast paths" gives the proofs):
// - formats of at most 8 bits with a deterministic rounding mode: 64 KiB result tables per
//   operation, filled once from the exact model;
// - bf16 (the preset exactly): + - * in native float, rounded to nearest-even by integer
//   arithmetic;
// - other formats with p = man_bits + 1 <= 11 whose values, products and quotients stay in
//   float's normal range: native float arithmetic, then one rounding into F. Native float
//   rounds to nearest with 24 >= 2p + 2 bits, so the second rounding is innocuous for the
//   nearest modes; products are exact in float, so * is exact for every deterministic mode.
// Stochastic formats always use the exact model.
#pragma once
#include <array>
#include <bit>
#include <cstdint>
#include <memory>

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
template <float_format F, float_op Op>
[[nodiscard]] inline const std::uint8_t* op_table() {
  static const std::unique_ptr<std::uint8_t[]> table = [] {
    auto t = std::make_unique<std::uint8_t[]>(65536);
    const std::uint64_t n = std::uint64_t{1} << width(F);
    for (std::uint64_t a = 0; a < n; ++a)
      for (std::uint64_t b = 0; b < n; ++b)
        t[(a << 8) | b] = static_cast<std::uint8_t>(float_op_bits(F, Op, a, b));
    return t;
  }();
  return table.get();
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
// Round a float to bf16, nearest-even; NaN -> the canonical 0x7FC0.
[[nodiscard]] inline std::uint16_t float_to_bf16(float f) noexcept {
  const std::uint32_t u = std::bit_cast<std::uint32_t>(f);
  const auto r = static_cast<std::uint16_t>((u + 0x7FFFU + ((u >> 16) & 1U)) >> 16);
  return (u & 0x7FFFFFFFU) > 0x7F800000U ? std::uint16_t{0x7FC0} : r;
}

// --- formats whose arithmetic fits native float -------------------------------------------

// Every value, product and quotient of F lies in float's normal range (or is 0/Inf/NaN),
// F's exponent field fits below float's, and p <= 11 (24 >= 2p + 2).
template <float_format F>
inline constexpr bool via_float_range =
    width(F) <= 16 && F.man_bits + 1 <= 11 && F.man_bits >= 1 && F.exp_bits <= 7 &&
    2 * (min_exponent(F) - F.man_bits) >= -126 && 2 * (max_exponent(F) + 1) <= 127 &&
    (max_exponent(F) + 1) - (min_exponent(F) - F.man_bits) <= 126;

// c ? x : y by masking. Both operands are always computed, so a loop of float operations
// feeding it has no control flow and vectorizes even under -ftrapping-math (GCC's default,
// which forbids turning a conditional float operation into an unconditional one).
[[nodiscard]] inline std::uint32_t select(bool c, std::uint32_t x, std::uint32_t y) noexcept {
  const std::uint32_t m = 0U - static_cast<std::uint32_t>(c);
  return (x & m) | (y & ~m);
}

// Branch-free decode into float, written so that loops over arrays vectorize: integer lane
// operations build the exact significand and a power-of-two scale, one float multiply (exact:
// the product is a normal float or 0) gives the value, and specials are then ORed into its
// bits. (No select may follow a float operation: under -ftrapping-math, GCC's default, the
// compiler may sink that operation into a branch, which then blocks vectorization.)
template <float_format F>
[[nodiscard]] inline float fast_decode(std::uint32_t bits) noexcept {
  constexpr int M = F.man_bits;
  constexpr int W = width(F);
  constexpr std::uint32_t sign = std::uint32_t{1} << (W - 1);
  constexpr std::uint32_t all_ones = (std::uint32_t{1} << F.exp_bits) - 1;
  const std::uint32_t mag = bits & (sign - 1);
  const std::uint32_t field = mag >> M;
  const std::uint32_t man = mag & ((std::uint32_t{1} << M) - 1);
  bool nan = false;
  bool inf = false;
  if constexpr (F.enc == specials::ieee) {
    nan = (field == all_ones) & (man != 0);  // & not &&: no branches
    inf = (field == all_ones) & (man == 0);
  } else if constexpr (F.enc == specials::fn) {
    nan = mag == (sign - 1);
  } else if constexpr (F.enc == specials::fnuz) {
    nan = bits == sign;
  }
  const bool is_zero = (!F.subnormals & (field == 0)) | nan | inf;
  // value = sig * 2^(max(field, 1) - bias - M); sig < 2^24 converts exactly.
  const std::uint32_t sig = (man | (static_cast<std::uint32_t>(field != 0) << M)) & (0U - static_cast<std::uint32_t>(!is_zero));
  const std::uint32_t scale_field =
      field + static_cast<std::uint32_t>(field == 0) + static_cast<std::uint32_t>(127 - F.bias - M);
  const float v = static_cast<float>(static_cast<std::int32_t>(sig)) * std::bit_cast<float>(scale_field << 23);
  std::uint32_t r = std::bit_cast<std::uint32_t>(v);
  r |= (0U - static_cast<std::uint32_t>(inf)) & 0x7F800000U;  // v is 0 there
  r |= (0U - static_cast<std::uint32_t>(nan)) & 0x7FC00000U;  // a NaN (payload irrelevant)
  r |= (bits & sign) << (32 - W);
  return std::bit_cast<float>(r);
}

// R_F, for F's nearest-even mode, of a float x that is the exact result or its
// round-to-nearest-even in float with 24 >= 2p + 2 bits. Branch-free, like fast_decode: the
// normal range rounds the float's bits by an integer add at a fixed position; below F's
// normal range, adding S = 2^(emin - M + 23) makes the FPU itself round |x| to the subnormal
// quantum 2^(emin - M) (nearest-even), and the integer difference of the bit patterns is
// the subnormal encoding.
template <float_format F>
[[nodiscard]] inline std::uint32_t fast_encode_half_even(float x) noexcept {
  static_assert(F.round == rounding::half_even);
  constexpr int M = F.man_bits;
  constexpr int W = width(F);
  constexpr int d = 23 - M;
  constexpr int emin = min_exponent(F);
  constexpr float S = [] {
    float v = 1.0F;
    for (int i = 0; i < emin - M + 23; ++i) v *= 2.0F;
    for (int i = 0; i > emin - M + 23; --i) v *= 0.5F;
    return v;
  }();
  constexpr auto min_normal_bits = static_cast<std::uint32_t>(emin + 127) << 23;
  constexpr auto max_bits = static_cast<std::uint32_t>(max_finite_bits(F));
  const std::uint32_t u = std::bit_cast<std::uint32_t>(x);
  const std::uint32_t a = u & 0x7FFFFFFFU;
  const std::uint32_t s = (u >> 31) << (W - 1);
  // Normal range: round the float's bits at bit d, then re-bias the exponent field.
  const std::uint32_t rounded = (a + ((1U << (d - 1)) - 1U) + ((a >> d) & 1U)) >> d;
  const std::uint32_t normal = rounded - static_cast<std::uint32_t>(127 - F.bias) * (1U << M);
  const std::uint32_t sub =
      std::bit_cast<std::uint32_t>(std::bit_cast<float>(a) + S) - std::bit_cast<std::uint32_t>(S);
  std::uint32_t mag = select(a < min_normal_bits, sub, normal);
  if constexpr (!F.subnormals) mag = select(mag < (1U << M), 0U, mag);
  constexpr auto over = static_cast<std::uint32_t>(pack_overflow(F, false));
  // A float Inf is an exact infinity (finite results never overflow float here).
  constexpr auto inf = static_cast<std::uint32_t>(pack_inf(F, false));
  const bool is_nan = a > 0x7F800000U;
  const bool is_over = mag > max_bits;
  mag = select(is_over, over, mag);
  mag = select(a == 0x7F800000U, inf, mag);
  std::uint32_t r = mag | s;
  if constexpr (F.enc != specials::ieee && over != max_bits) r = select(mag == over, over, r);  // NaN: no sign
  if constexpr (F.enc == specials::fnuz) r = select(mag == 0, 0U, r);                          // no -0
  return select(is_nan, static_cast<std::uint32_t>(pack_nan(F)), r);
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
[[nodiscard]] inline float native_op(float x, float y) noexcept {
  if constexpr (Op == float_op::add) return x + y;
  if constexpr (Op == float_op::sub) return x - y;
  if constexpr (Op == float_op::mul) return x * y;
  return x / y;
}

// a (op) b on encodings of F through the fast path (fast_op_available<F, Op> must hold).
template <float_format F, float_op Op>
[[nodiscard]] inline std::uint64_t fast_op(std::uint64_t a, std::uint64_t b) noexcept {
  if constexpr (via_float_simd<F>) {
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
