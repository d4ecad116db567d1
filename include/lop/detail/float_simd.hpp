// Array kernels for lop::cfloat + - * on x86-64 with AVX2 and F16C, chosen at run time (the
// library stays header-only and the default build keeps x86-64's baseline ISA). Each kernel is
// bit-identical to the exact model; docs/cfloat.md, section 4 "Array operations" has the proof.
//
// Formats with at most 5 exponent bits ride on IEEE binary16 ("half"), which F16C converts to
// and from float in one instruction per 8 lanes:
// - decode: F's magnitude bits shifted up by 10 - M are a half whose exponent field is F's, so
//   the half's value is F's value times 2^(bias - 15), subnormals included; F's Inf/NaN
//   encodings are ORed into half's;
// - operate in float: + - * of such values is exact or rounded to nearest-even at 24 bits;
// - encode: cvtps2ph rounds (nearest-even, by its immediate) at a scale that gives F's normal
//   range half's exponent field (half's range must hold F's whole exponent range), and an
//   integer nearest-even step drops the 10 - M extra mantissa bits. 24 >= 2*11 + 2 and
//   11 >= 2p + 2 make both extra roundings innocuous in the normal range (p <= 4), so M <= 3
//   or M == 10 (no integer step). Below F's normal range a sum is exact; a product is an
//   integer multiple of q^2 (q: F's quantum), and subnormal_products_exact<F> checks, over
//   every pair of significands, that none that half rounds lands within half's quantum of a
//   tie of F unless it is one (it holds for every M <= 3; a format where it failed would not
//   take the kernel).
#pragma once
#include <cstddef>
#include <cstdint>

#include "lop/detail/float_core.hpp"
#include "lop/detail/float_fast.hpp"
#include "lop/float_format.hpp"

#if !defined(LOP_NO_RUNTIME_SIMD) && defined(__x86_64__) && (defined(__GNUC__) || defined(__clang__))
#define LOP_X86_SIMD 1
#include <cpuid.h>
#include <immintrin.h>
#else
#define LOP_X86_SIMD 0
#endif

namespace lop::detail {

// Whether half's rounding of every product below F's normal range is harmless (see above). In
// units of q^2, a product is ma * mb * 2^k (significands ma, mb < 2^(M+1), k >= 0), half's
// quantum there is 2^g and F's ties are the odd multiples of 2^(T-1); a product off half's
// grid must stay more than half of half's quantum away from every tie (products with k >= g
// are on the grid).
// M <= 3 keeps this loop at most 256 pairs.
template <float_format F>
[[nodiscard]] consteval bool subnormal_products_exact() {
  constexpr int M = F.man_bits;
  constexpr int g = (M - 10) + M - min_exponent(F);
  constexpr int T = M - min_exponent(F);
  if constexpr (M == 10) {
    return true;  // no second rounding: cvtps2ph rounds to F's grid
  } else if constexpr (M > 3) {
    return false;  // the normal range already rules the kernel out
  } else if constexpr (g <= 0) {
    return true;
  } else {
    const std::int64_t tie_step = std::int64_t{1} << (T - 1);
    for (std::int64_t ma = 1; ma < (std::int64_t{1} << (M + 1)); ++ma) {
      for (std::int64_t mb = 1; mb < (std::int64_t{1} << (M + 1)); ++mb) {
        for (int k = 0; k < g; ++k) {
          const std::int64_t v = (ma * mb) << k;
          if (v % (std::int64_t{1} << g) == 0) continue;
          const std::int64_t tie = (v / (2 * tie_step)) * (2 * tie_step) + tie_step;  // the tie nearest v
          const std::int64_t dist = v > tie ? v - tie : tie - v;
          if (dist <= (std::int64_t{1} << (g - 1))) return false;
        }
      }
    }
    return true;
  }
}

// Formats and operations the half kernel computes exactly (see above).
template <float_format F, float_op Op>
inline constexpr bool half_kernel_ok =
    Op != float_op::div && F.round == rounding::half_even && F.subnormals && F.exp_bits <= 5 &&
    width(F) <= 16 && (F.man_bits <= 3 || F.man_bits == 10) &&
    // Half's exponent range holds F's: its normal values and the overflow threshold.
    max_exponent(F) + 1 - min_exponent(F) <= 30 &&
    // An exact Inf (only from an Inf operand) would need its own case under ieee + saturate.
    !(F.enc == specials::ieee && F.ovf == float_overflow::saturate) && F.man_bits >= 1 &&
    subnormal_products_exact<F>();

#if LOP_X86_SIMD

// AVX2 (which __builtin_cpu_supports reports only where the OS saves the ymm registers) and
// F16C (CPUID leaf 1, ecx; not a feature name every compiler's builtin knows).
[[nodiscard]] inline bool cpu_has_avx2_f16c() noexcept {
  static const bool yes = [] {
    unsigned eax = 0, ebx = 0, ecx = 0, edx = 0;
    return __builtin_cpu_supports("avx2") && __get_cpuid(1, &eax, &ebx, &ecx, &edx) != 0 && (ecx & bit_F16C) != 0;
  }();
  return yes;
}

template <float_format F>
[[gnu::target("avx2,f16c"), gnu::always_inline]] inline __m256i half_decode(__m256i x) noexcept {
  constexpr int M = F.man_bits;
  constexpr int W = width(F);
  constexpr int sign = 1 << (W - 1);
  const __m256i mag = _mm256_and_si256(x, _mm256_set1_epi16(static_cast<short>(sign - 1)));
  __m256i h = _mm256_or_si256(_mm256_slli_epi16(mag, 10 - M),
                              _mm256_slli_epi16(_mm256_and_si256(x, _mm256_set1_epi16(static_cast<short>(sign))),
                                                16 - W));
  constexpr int all_ones = (1 << F.exp_bits) - 1;
  if constexpr (F.enc == specials::ieee && F.exp_bits < 5) {
    const __m256i special = _mm256_cmpgt_epi16(mag, _mm256_set1_epi16(static_cast<short>((all_ones << M) - 1)));
    h = _mm256_or_si256(h, _mm256_and_si256(special, _mm256_set1_epi16(0x7C00)));
  } else if constexpr (F.enc == specials::fn) {
    const __m256i nan = _mm256_cmpeq_epi16(mag, _mm256_set1_epi16(static_cast<short>(sign - 1)));
    h = _mm256_or_si256(h, _mm256_and_si256(nan, _mm256_set1_epi16(0x7E00)));
  } else if constexpr (F.enc == specials::fnuz) {
    const __m256i nan = _mm256_cmpeq_epi16(x, _mm256_set1_epi16(static_cast<short>(sign)));
    h = _mm256_or_si256(h, _mm256_and_si256(nan, _mm256_set1_epi16(0x7E00)));
  }
  return h;
}

// RNE of float lanes to half bits, scaled by 2^k first (exact: no float overflow or underflow
// occurs at the scales used).
template <int K>
[[gnu::target("avx2,f16c"), gnu::always_inline]] inline __m256i to_half(__m256 lo, __m256 hi) noexcept {
  if constexpr (K != 0) {
    const __m256 s = _mm256_set1_ps(pow2f(K));
    lo = _mm256_mul_ps(lo, s);
    hi = _mm256_mul_ps(hi, s);
  }
  constexpr int imm = _MM_FROUND_TO_NEAREST_INT | _MM_FROUND_NO_EXC;
  return _mm256_set_m128i(_mm256_cvtps_ph(hi, imm), _mm256_cvtps_ph(lo, imm));
}

// 16 results in 16-bit lanes from two half-encoded operand vectors. With NanByCaller, NaN
// operands decode to arbitrary finite halves and the caller replaces their results.
template <float_format F, float_op Op, bool NanByCaller = false>
[[gnu::target("avx2,f16c"), gnu::always_inline]] inline __m256i half_op16(__m256i ha, __m256i hb) noexcept {
  constexpr int M = F.man_bits;
  constexpr int W = width(F);
  constexpr int d = 10 - M;
  constexpr int c = F.bias - 15;  // decoded lanes hold value * 2^c
  const __m256 a0 = _mm256_cvtph_ps(_mm256_castsi256_si128(ha));
  const __m256 a1 = _mm256_cvtph_ps(_mm256_extracti128_si256(ha, 1));
  const __m256 b0 = _mm256_cvtph_ps(_mm256_castsi256_si128(hb));
  const __m256 b1 = _mm256_cvtph_ps(_mm256_extracti128_si256(hb, 1));
  __m256 r0, r1;
  if constexpr (Op == float_op::add) {
    r0 = _mm256_add_ps(a0, b0);
    r1 = _mm256_add_ps(a1, b1);
  } else if constexpr (Op == float_op::sub) {
    r0 = _mm256_sub_ps(a0, b0);
    r1 = _mm256_sub_ps(a1, b1);
  } else {
    r0 = _mm256_mul_ps(a0, b0);
    r1 = _mm256_mul_ps(a1, b1);
  }
  // r holds value * 2^rc; half's exponent field equals F's at scale 2^c.
  constexpr int rc = Op == float_op::mul ? 2 * c : c;
  const __m256i h = to_half<c - rc>(r0, r1);
  const __m256i abs_mask = _mm256_set1_epi16(0x7FFF);
  const __m256i a = _mm256_and_si256(h, abs_mask);
  __m256i mag = a;
  if constexpr (d > 0) {
    const __m256i kept_lsb = _mm256_and_si256(_mm256_srli_epi16(a, d), _mm256_set1_epi16(1));
    mag = _mm256_srli_epi16(
        _mm256_add_epi16(_mm256_add_epi16(a, _mm256_set1_epi16(static_cast<short>((1 << (d - 1)) - 1))), kept_lsb), d);
  }
  constexpr auto max_bits = static_cast<int>(max_finite_bits(F));
  constexpr auto nan = static_cast<short>(pack_nan(F));
  constexpr bool over_is_nan =
      F.enc != specials::ieee && F.enc != specials::none && F.ovf == float_overflow::infinity;
  // NaN results: NaN operands, Inf - Inf, 0 * Inf (a NaN half), and overflow where it is NaN.
  __m256i is_nan = NanByCaller ? _mm256_setzero_si256() : _mm256_cmpgt_epi16(a, _mm256_set1_epi16(0x7C00));
  if constexpr (over_is_nan) {
    is_nan = _mm256_or_si256(is_nan, _mm256_cmpgt_epi16(mag, _mm256_set1_epi16(static_cast<short>(max_bits))));
  } else {
    constexpr auto over = static_cast<short>(pack_overflow(F, false));
    mag = _mm256_min_epi16(mag, _mm256_set1_epi16(over));
  }
  __m256i s = _mm256_srli_epi16(_mm256_andnot_si256(abs_mask, h), 16 - W);
  if constexpr (F.enc == specials::fnuz) s = _mm256_andnot_si256(_mm256_cmpeq_epi16(mag, _mm256_setzero_si256()), s);
  const __m256i r = _mm256_or_si256(mag, s);
  if constexpr (NanByCaller && !over_is_nan) {
    return r;
  } else {
    return _mm256_blendv_epi8(r, _mm256_set1_epi16(nan), is_nan);
  }
}

[[gnu::target("avx2,f16c"), gnu::always_inline]] inline __m256i byte(int v) noexcept {
  return _mm256_set1_epi8(static_cast<char>(v));
}

// Formats of at most 8 bits, 32 encodings in bytes: decode into two vectors of 16 halves, lanes
// interleaved as unpacklo/unpackhi leave them (elements 0-7 and 16-23, then 8-15 and 24-31),
// which _mm256_packus_epi16 undoes. M <= 3, so the magnitude shifted by 10 - M >= 7 splits
// into a high byte and at most one bit of the low byte; 16-bit shifts serve as byte shifts
// where the bits crossing into the next byte are masked off or are zero. fn/fnuz NaN
// operands are returned as a byte mask instead of being decoded.
template <float_format F>
[[gnu::target("avx2,f16c"), gnu::always_inline]] inline __m256i half_decode_bytes(__m256i x, __m256i& lo,
                                                                                  __m256i& hi) noexcept {
  constexpr int M = F.man_bits;
  constexpr int W = width(F);
  constexpr int sign = 1 << (W - 1);
  static_assert(W <= 8 && M <= 3);
  const __m256i mag = _mm256_and_si256(x, byte(sign - 1));
  __m256i high;
  __m256i low = _mm256_setzero_si256();
  if constexpr (M == 3) {
    high = _mm256_and_si256(_mm256_srli_epi16(mag, 1), byte(0x3F));
    low = _mm256_and_si256(_mm256_slli_epi16(mag, 7), byte(0x80));
  } else {
    high = _mm256_slli_epi16(mag, 2 - M);  // mag < 2^6: no bit crosses a byte
  }
  high = _mm256_or_si256(high, _mm256_and_si256(_mm256_slli_epi16(x, 8 - W), byte(0x80)));
  __m256i nan = _mm256_setzero_si256();
  if constexpr (F.enc == specials::ieee && F.exp_bits < 5) {
    constexpr int all_ones = (1 << F.exp_bits) - 1;
    high = _mm256_or_si256(high, _mm256_and_si256(_mm256_cmpgt_epi8(mag, byte((all_ones << M) - 1)), byte(0x7C)));
  } else if constexpr (F.enc == specials::fn) {
    nan = _mm256_cmpeq_epi8(mag, byte(sign - 1));
  } else if constexpr (F.enc == specials::fnuz) {
    nan = _mm256_cmpeq_epi8(x, byte(sign));
  }
  lo = _mm256_unpacklo_epi8(low, high);
  hi = _mm256_unpackhi_epi8(low, high);
  return nan;
}

// c[i] = a[i] (Op) b[i] for i < n - n % Step (the caller finishes the rest). Storage T is
// uint8_t (32 elements a step) or uint16_t (16); a, b and c may be the same array.
template <float_format F, float_op Op, class T>
[[gnu::target("avx2,f16c")]] inline std::size_t half_kernel(const T* a, const T* b, T* c, std::size_t n) noexcept {
  std::size_t i = 0;
  if constexpr (sizeof(T) == 1) {
    constexpr bool nan_bytes = F.enc == specials::fn || F.enc == specials::fnuz;
    for (; i + 32 <= n; i += 32) {
      __m256i xl, xh, yl, yh;
      const __m256i nx = half_decode_bytes<F>(_mm256_loadu_si256(reinterpret_cast<const __m256i*>(a + i)), xl, xh);
      const __m256i ny = half_decode_bytes<F>(_mm256_loadu_si256(reinterpret_cast<const __m256i*>(b + i)), yl, yh);
      __m256i r = _mm256_packus_epi16(half_op16<F, Op, nan_bytes>(xl, yl), half_op16<F, Op, nan_bytes>(xh, yh));
      if constexpr (nan_bytes)
        r = _mm256_blendv_epi8(r, _mm256_set1_epi8(static_cast<char>(pack_nan(F))), _mm256_or_si256(nx, ny));
      _mm256_storeu_si256(reinterpret_cast<__m256i*>(c + i), r);
    }
  } else {
    for (; i + 16 <= n; i += 16) {
      const __m256i x = _mm256_loadu_si256(reinterpret_cast<const __m256i*>(a + i));
      const __m256i y = _mm256_loadu_si256(reinterpret_cast<const __m256i*>(b + i));
      _mm256_storeu_si256(reinterpret_cast<__m256i*>(c + i), half_op16<F, Op>(half_decode<F>(x), half_decode<F>(y)));
    }
  }
  return i;
}

#endif  // LOP_X86_SIMD

}  // namespace lop::detail
