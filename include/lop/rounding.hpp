// The single quantization primitive shared by every lop type and mirrored by the generated
// Verilog quantizer: exact value -> rounding -> overflow handling. See docs/fixed-point.md.
#pragma once
#include <cstdint>

#include "lop/detail/int128.hpp"
#include "lop/format.hpp"

namespace lop {

// SplitMix64 (Steele, Lea and Flood, 2014): a 64-bit generator for sampling and seeding,
// reproducible from its seed (lop::metrics samples with it; examples and tests use it for
// initial weights and random operands). Its draws are well mixed, so consecutive ones pair
// up independently, unlike an LFSR's consecutive states (shifted copies of each other). Not
// the PE's random source: that is lfsr32 below.
class splitmix64 {
 public:
  explicit constexpr splitmix64(std::uint64_t seed) noexcept : state_(seed) {}
  constexpr std::uint64_t operator()() noexcept {
    std::uint64_t z = (state_ += 0x9E3779B97F4A7C15ULL);
    z = (z ^ (z >> 30)) * 0xBF58476D1CE4E5B9ULL;
    z = (z ^ (z >> 27)) * 0x94D049BB133111EBULL;
    return z ^ (z >> 31);
  }

 private:
  std::uint64_t state_;
};

// The random source of stochastic rounding: a 32-bit Galois LFSR with the maximal-length
// polynomial x^32 + x^22 + x^2 + x + 1 (right-shift form, feedback mask 0x80200003). Each
// quantization consumes one value: operator() returns the current state, then steps once.
// The generated hardware holds the same register, loaded from its `seed` port on reset; a
// zero seed (which would lock the LFSR) is replaced by 1 in both.
class lfsr32 {
 public:
  using result_type = std::uint32_t;
  static constexpr std::uint32_t polynomial_mask = 0x80200003U;
  static constexpr std::uint32_t default_seed = 0xACE1ACE1U;

  constexpr lfsr32() noexcept = default;
  constexpr explicit lfsr32(std::uint32_t seed) noexcept : state_(seed == 0 ? 1U : seed) {}

  [[nodiscard]] static constexpr std::uint32_t next(std::uint32_t s) noexcept {
    return (s >> 1) ^ ((s & 1U) != 0 ? polynomial_mask : 0U);
  }
  constexpr std::uint32_t operator()() noexcept {
    const std::uint32_t r = state_;
    state_ = next(state_);
    return r;
  }
  [[nodiscard]] constexpr std::uint32_t state() const noexcept { return state_; }
  static constexpr std::uint32_t min() noexcept { return 1; }
  static constexpr std::uint32_t max() noexcept { return 0xFFFFFFFFU; }
  friend constexpr bool operator==(const lfsr32&, const lfsr32&) = default;

 private:
  std::uint32_t state_ = default_seed;
};

// The generator used when a stochastic format is quantized without an explicit generator
// (implicit conversions, Eigen expressions): one per thread, seeded with default_seed.
[[nodiscard]] inline lfsr32& default_generator() noexcept {
  thread_local lfsr32 g;
  return g;
}

namespace detail {

// Smallest and largest raw value of f, in a compute type T wide enough for f.
template <class T = i128>
[[nodiscard]] constexpr T raw_max(const fixed_format& f) noexcept {
  if (f.is_signed) return f.width >= bits_of<T> ? static_cast<T>(~unsigned_of<T>{0} >> 1)
                                                : pow2<T>(f.width - 1) - 1;
  return static_cast<T>((unsigned_of<T>{1} << f.width) - 1);
}
template <class T = i128>
[[nodiscard]] constexpr T raw_min(const fixed_format& f) noexcept {
  if (!f.is_signed) return 0;
  return f.width >= bits_of<T> ? static_cast<T>(-raw_max<T>(f) - 1) : static_cast<T>(-pow2<T>(f.width - 1));
}

// Bits a signed integer needs to hold every raw value of f.
[[nodiscard]] constexpr int signed_bits(const fixed_format& f) noexcept {
  return f.width + (f.is_signed ? 0 : 1);
}

// Number of random bits a stochastic quantization dropping d bits uses.
[[nodiscard]] constexpr int stochastic_bits(int dropped) noexcept {
  return dropped < 32 ? dropped : 32;
}

// Rounding step of the quantizer: x (an exact value with src_frac fraction bits) moved to
// dst.frac fraction bits with dst.round. When d = src_frac - dst.frac < 0 the value is
// shifted left modulo 2^bits_of<T>, and `beyond` reports whether that lost bits. Stochastic
// rounding with d dropped bits and k = min(d, 32) rounds up iff
// (top k dropped bits) + (rnd mod 2^k) >= 2^k.
template <class T>
[[nodiscard]] constexpr T round_raw(T x, int src_frac, const fixed_format& dst, std::uint32_t rnd,
                                    bool& beyond) noexcept {
  constexpr int B = bits_of<T>;
  const int d = src_frac - dst.frac;
  beyond = false;
  if (d < 0) {
    const int s = -d;
    beyond = x != 0 && (s >= B || (asr(x, B - 1 - s) != 0 && asr(x, B - 1 - s) != -1));
    return s >= B ? T(0) : shl(x, s);
  }
  if (d == 0) return x;
  const int dd = d > B + 33 ? B + 33 : d;  // past that every examined bit is a sign bit
  const T q = asr(x, dd);
  // Integer (not short-circuit boolean) logic keeps this branch-free, so it vectorizes.
  const T neg = static_cast<T>(x < 0);
  const T half = asr(x, dd - 1) & 1;
  const T sticky = static_cast<T>(low_bits_nonzero(x, dd - 1));
  T inc = 0;
  switch (dst.round) {
    case rounding::floor: break;
    case rounding::toward_zero: inc = neg & (half | sticky); break;
    case rounding::half_up: inc = half; break;
    case rounding::half_away: inc = half & ((neg ^ 1) | sticky); break;
    case rounding::half_even: inc = half & (sticky | q) & 1; break;
    case rounding::ceil: inc = half | sticky; break;
    case rounding::stochastic: {
      const int k = stochastic_bits(dd);
      const std::uint64_t r = rnd & ((std::uint64_t{1} << k) - 1);
      inc = static_cast<T>(field(x, dd - k, k) + r >= (std::uint64_t{1} << k));
      break;
    }
  }
  return static_cast<T>(q + inc);
}

// THE quantizer: round_raw, then dst.ovf. Returns the raw value of dst, sign- or
// zero-extended. T must hold x and every raw value of dst (see signed_bits).
template <class T>
[[nodiscard]] constexpr T quantize_raw(T x, int src_frac, const fixed_format& dst,
                                       std::uint32_t rnd = 0) noexcept {
  bool beyond = false;
  const T q = round_raw(x, src_frac, dst, rnd, beyond);
  const bool neg = x < 0;
  const T hi = raw_max<T>(dst);
  const T lo = dst.ovf == overflow::saturate_symmetric && dst.is_signed ? static_cast<T>(-hi)
                                                                         : raw_min<T>(dst);
  const bool over = beyond ? !neg : q > hi;
  const bool under = beyond ? neg : q < lo;
  // Branch-free selects, so loops over narrow formats vectorize.
  switch (dst.ovf) {
    case overflow::wrap: return extend<T>(static_cast<unsigned_of<T>>(q), dst.width, dst.is_signed);
    case overflow::saturate:
    case overflow::saturate_symmetric: return over ? hi : (under ? lo : q);
    case overflow::saturate_zero: return (over || under) ? T(0) : q;
  }
  return q;
}

// Result for +-infinity inputs: the saturated extreme in every mode but saturate_zero (0);
// wrap has no meaningful modular image of infinity, so it saturates too.
[[nodiscard]] constexpr i128 infinity_raw(const fixed_format& dst, bool negative) noexcept {
  if (dst.ovf == overflow::saturate_zero) return 0;
  const i128 hi = raw_max(dst);
  if (!negative) return hi;
  return dst.ovf == overflow::saturate_symmetric && dst.is_signed ? -hi : raw_min(dst);
}

}  // namespace detail
}  // namespace lop
