// lop::pe_gemm: lop::gemm for a pe_spec chosen at run time (a sweep read from a file, the
// per-layer PEs of a network). Operands and results are raw values — fixed-point raws or
// float bit patterns — in int64 matrices, and every result is what lop::pe_model computes for
// that row of A and column of B (MACs in k order from a cleared accumulator), bit for bit.
//
// Kernels, the first that applies:
//   exact sum   fixed operands, exact multiplier, products on the accumulator's grid, no
//               overflow possible (or a wrapping accumulator), non-stochastic roundings: the
//               integer sum of the products is formed by a float (|sum| < 2^24) or double
//               (< 2^53) matrix product, which is exact there, then quantized once;
//   float32     float operands whose products are exact in float into an fp32 accumulator:
//               lop::gemm's k-ordered float kernel;
//   integer     other fixed PEs lop::gemm's integer kernels take (approximate multipliers
//               through their 8-bit product table or model, saturating accumulators): int64
//               accumulation in k order. With operands of at most 8 bits and a wide B it is
//               value-indexed: for each k the products of column k of A with all 256 values
//               of b are tabulated once, and each output column adds the row its b selects
//               (an M-vector add, in k order, so saturation happens exactly where it would);
//   sequential  lop::pe_model, one output after another.
#pragma once
#include <algorithm>
#include <bit>
#include <cstdlib>
#include <cstdint>
#include <stdexcept>
#include <string>
#include <vector>

#include <Eigen/Dense>

#include "lop/gemm.hpp"
#include "lop/pe.hpp"

namespace lop {

// Raw values (fixed raws, float bit patterns), row-major.
using raw_matrix = Eigen::Matrix<std::int64_t, Eigen::Dynamic, Eigen::Dynamic, Eigen::RowMajor>;

enum class pe_gemm_kernel : std::uint8_t { exact_sum, float32, integer, sequential };

namespace detail {

// The exact-sum kernel's float type for depth K: 0 (does not apply), 24 (float) or 53 (double).
[[nodiscard]] inline int exact_sum_bits(const pe_spec& s, long K) noexcept {
  if (!s.a.is_fixed() || !s.mul.is_exact()) return 0;
  const gemm_kernel k = choose_kernel(s, K);
  if (k != gemm_kernel::exact && k != gemm_kernel::wrap) return 0;
  const fixed_format p = product_format(s.a.fixed, s.b.fixed);
  if (s.acc.fixed.frac < p.frac) return 0;  // products floored onto the grid: one at a time
  const auto mag = [](const fixed_format& f) { return std::ldexp(1.0, f.width - (f.is_signed ? 1 : 0)); };
  const double bound = mag(s.a.fixed) * mag(s.b.fixed) * static_cast<double>(K < 1 ? 1 : K);
  return bound < 0x1p24 ? 24 : bound < 0x1p53 ? 53 : 0;
}

[[nodiscard]] inline std::int64_t to_raw64(i128 v) noexcept { return static_cast<std::int64_t>(v); }

// The value-indexed integer kernel pays 256 x M x K to tabulate; worth it from this many columns.
inline constexpr long value_indexed_min_columns = 256;

// sums[j * M + i] = step-accumulation over k of P[(k * 256 + (B(k, j) & 0xFF)) * M + i], in k
// order per output; B row-major. Tiles of columns keep the sums in cache.
template <class T, class Step>
void value_indexed_sums(const std::vector<T>& P, long M, long K, long N, const std::int64_t* B, Step step,
                        std::vector<T>& sums) {
  constexpr long tile = 64;
  sums.assign(static_cast<std::size_t>(M * N), T{0});
  for (long j0 = 0; j0 < N; j0 += tile) {
    const long j1 = std::min(N, j0 + tile);
    for (long kk = 0; kk < K; ++kk) {
      const T* Pk = P.data() + kk * 256 * M;
      const std::int64_t* b = B + kk * N;
      for (long j = j0; j < j1; ++j) {
        const T* p = Pk + static_cast<long>(static_cast<std::uint64_t>(b[j]) & 0xFFU) * M;
        T* c = sums.data() + j * M;
        for (long i = 0; i < M; ++i) c[i] = step(c[i], p[i]);
      }
    }
  }
}

// P for value_indexed_sums: the products of A(i, k) with every 8-bit pattern of b, on the
// accumulator's grid.
template <class T>
std::vector<T> value_indexed_products(const std::vector<std::int32_t>& table, const raw_matrix& A, int shift) {
  const long M = A.rows(), K = A.cols();
  std::vector<T> P(static_cast<std::size_t>(K * 256 * M));
  for (long kk = 0; kk < K; ++kk)
    for (long v = 0; v < 256; ++v)
      for (long i = 0; i < M; ++i) {
        const std::int32_t* row = table.data() + ((static_cast<std::uint64_t>(A(i, kk)) & 0xFFU) << 8);
        P[static_cast<std::size_t>((kk * 256 + v) * M + i)] =
            static_cast<T>(to_acc_grid<std::int64_t>(row[v], shift));
      }
  return P;
}

}  // namespace detail

// Which kernel pe_gemm uses for spec s and depth K (float32 may still fall back to sequential
// when the operands are not all finite and in range).
[[nodiscard]] inline pe_gemm_kernel pe_gemm_kernel_for(const pe_spec& s, long K) noexcept {
  if (s.float_operands()) return detail::float32_kernel_applies(s) ? pe_gemm_kernel::float32 : pe_gemm_kernel::sequential;
  if (detail::exact_sum_bits(s, K) != 0) return pe_gemm_kernel::exact_sum;
  return detail::choose_kernel(s, K) == gemm_kernel::sequential ? pe_gemm_kernel::sequential : pe_gemm_kernel::integer;
}

// C(i, j) = the PE's `out` after MACs of A(i, 0..K-1) and B(0..K-1, j) (raw values of s.a, s.b;
// C holds raws of s.out). seed: the LFSR's for stochastic roundings (each output starts from
// the state the previous one left, as lop::gemm). Throws lop::format_error for an invalid spec,
// mismatched sizes, or formats wider than 64 bits.
[[nodiscard]] inline raw_matrix pe_gemm(const pe_spec& s, const raw_matrix& A, const raw_matrix& B,
                                        std::uint32_t seed = lfsr32::default_seed) {
  using detail::i128;
  if (const char* e = validate(s)) throw format_error("lop::pe_gemm: invalid PE " + to_string(s) + ": " + e);
  if (A.cols() != B.rows())
    throw format_error("lop::pe_gemm: A is " + std::to_string(A.rows()) + "x" + std::to_string(A.cols()) + ", B is " +
                       std::to_string(B.rows()) + "x" + std::to_string(B.cols()) + "; A's columns must equal B's rows");
  if (width(s.a) > 64 || width(s.b) > 64 || width(s.out) > 64)
    throw format_error("lop::pe_gemm: operands and output of at most 64 bits (raw int64 matrices)");
  const long M = A.rows(), K = A.cols(), N = B.cols();
  raw_matrix C(M, N);
  const pe_gemm_kernel kernel = pe_gemm_kernel_for(s, K);

  if (kernel == pe_gemm_kernel::exact_sum) {
    const fixed_format& acc = s.acc.fixed;
    const int shift = acc.frac - product_format(s.a.fixed, s.b.fixed).frac;
    const auto finish = [&](const auto& sums) {
      for (long i = 0; i < M; ++i)
        for (long j = 0; j < N; ++j) {
          const auto sum = static_cast<i128>(sums(i, j));
          const i128 a = detail::quantize_raw<i128>(detail::shl(sum, shift), acc.frac, acc, 0);  // wraps if it must
          C(i, j) = detail::to_raw64(detail::convert_raw(s.out, s.acc, a, 0));
        }
    };
    if (detail::exact_sum_bits(s, K) == 24) {
      finish((A.cast<float>() * B.cast<float>()).eval());
    } else {
      finish((A.cast<double>() * B.cast<double>()).eval());
    }
    return C;
  }

  if (kernel == pe_gemm_kernel::float32) {
    const auto a = detail::scan_floats(s.a.floating, static_cast<std::size_t>(A.size()),
                                       [&](std::size_t i) { return static_cast<std::uint64_t>(A.data()[i]); });
    const auto b = detail::scan_floats(s.b.floating, static_cast<std::size_t>(B.size()),
                                       [&](std::size_t i) { return static_cast<std::uint64_t>(B.data()[i]); });
    if (detail::float32_products_exact(a, b)) {
      detail::float32_accumulate(a, b, static_cast<std::size_t>(M), static_cast<std::size_t>(K),
                                 static_cast<std::size_t>(N), [&](std::size_t i, std::size_t j, float v) {
                                   const std::uint64_t bits =
                                       v != v ? detail::pack_nan(formats::fp32) : std::bit_cast<std::uint32_t>(v);
                                   C(static_cast<long>(i), static_cast<long>(j)) = detail::to_raw64(
                                       detail::convert_raw(s.out, formats::fp32, static_cast<i128>(bits), 0));
                                 });
      return C;
    }
  }

  if (kernel == pe_gemm_kernel::integer) {
    const gemm_kernel k = detail::choose_kernel(s, K);
    const fixed_format& acc = s.acc.fixed;
    const int shift = acc.frac - product_format(s.a.fixed, s.b.fixed).frac;
    const multiplier_model mul = detail::multiplier_of(s);
    const bool narrow = s.a.fixed.width <= 8 && s.b.fixed.width <= 8;
    const bool table = !s.mul.is_exact() && narrow;
    const auto table_ptr = table || (narrow && N >= detail::value_indexed_min_columns)
                               ? detail::cached_product_table(mul)
                               : std::make_shared<const std::vector<std::int32_t>>();
    const std::vector<std::int32_t>& products = *table_ptr;
    const i128 hi = detail::raw_max<i128>(acc);
    const i128 lo = acc.ovf == overflow::saturate_symmetric && acc.is_signed ? -hi : detail::raw_min<i128>(acc);
    const auto finish = [&](long i, long j, std::int64_t sum) {
      const i128 a = detail::quantize_raw<i128>(sum, acc.frac, acc, 0);
      C(i, j) = detail::to_raw64(detail::convert_raw(s.out, s.acc, a, 0));
    };
    if (narrow && N >= detail::value_indexed_min_columns) {
      const auto write = [&](const auto& sums) {
        for (long j = 0; j < N; ++j)
          for (long i = 0; i < M; ++i) finish(i, j, static_cast<std::int64_t>(sums[static_cast<std::size_t>(j * M + i)]));
      };
      std::int64_t pmax = 0;
      for (const std::int32_t p : products) pmax = std::max(pmax, std::abs(detail::to_acc_grid<std::int64_t>(p, shift)));
      if (k == gemm_kernel::exact && static_cast<i128>(pmax) * std::max(K, 1L) < (i128{1} << 31)) {
        std::vector<std::int32_t> sums;  // no overflow possible: narrow sums
        detail::value_indexed_sums(detail::value_indexed_products<std::int32_t>(products, A, shift), M, K, N, B.data(),
                                   [](std::int32_t c, std::int32_t p) { return c + p; }, sums);
        write(sums);
      } else if (k == gemm_kernel::saturating) {  // |c|, |p| < 2^62: no int64 overflow
        const auto h = static_cast<std::int64_t>(hi), l = static_cast<std::int64_t>(lo);
        const std::int64_t h_to = acc.ovf == overflow::saturate_zero ? 0 : h;
        const std::int64_t l_to = acc.ovf == overflow::saturate_zero ? 0 : l;
        std::vector<std::int64_t> sums;
        detail::value_indexed_sums(
            detail::value_indexed_products<std::int64_t>(products, A, shift), M, K, N, B.data(),
            [=](std::int64_t c, std::int64_t p) {
              const std::int64_t t = c + p;
              return t > h ? h_to : t < l ? l_to : t;
            },
            sums);
        write(sums);
      } else {  // wrap or exact: modular int64 sums, wrapped to acc's width by finish
        std::vector<std::int64_t> sums;
        detail::value_indexed_sums(detail::value_indexed_products<std::int64_t>(products, A, shift), M, K, N, B.data(),
                                   [](std::int64_t c, std::int64_t p) {
                                     return static_cast<std::int64_t>(static_cast<std::uint64_t>(c) +
                                                                      static_cast<std::uint64_t>(p));
                                   },
                                   sums);
        write(sums);
      }
      return C;
    }
    std::vector<std::int64_t> row(static_cast<std::size_t>(N));
    for (long i = 0; i < M; ++i) {
      std::fill(row.begin(), row.end(), 0);
      for (long kk = 0; kk < K; ++kk) {
        const std::int64_t a = A(i, kk);
        for (long j = 0; j < N; ++j) {
          const std::int64_t b = B(kk, j);
          std::int64_t p = 0;
          if (s.mul.is_exact()) {
            p = a * b;
          } else if (table) {
            p = products[((static_cast<std::uint64_t>(a) & 0xFFU) << 8) | (static_cast<std::uint64_t>(b) & 0xFFU)];
          } else {
            p = static_cast<std::int64_t>(mul(a, b));
          }
          p = detail::to_acc_grid<std::int64_t>(p, shift);
          auto& c = row[static_cast<std::size_t>(j)];
          if (k == gemm_kernel::saturating) {  // |c|, |p| < 2^62: no int64 overflow
            const std::int64_t t = c + p;
            c = t > hi ? static_cast<std::int64_t>(acc.ovf == overflow::saturate_zero ? 0 : hi)
                : t < lo ? static_cast<std::int64_t>(acc.ovf == overflow::saturate_zero ? 0 : lo)
                         : t;
          } else {  // wrap or exact: modular int64 sum, wrapped to acc's width at the end
            c = static_cast<std::int64_t>(static_cast<std::uint64_t>(c) + static_cast<std::uint64_t>(p));
          }
        }
      }
      for (long j = 0; j < N; ++j) finish(i, j, row[static_cast<std::size_t>(j)]);
    }
    return C;
  }

  pe_model pe(s, seed);
  for (long i = 0; i < M; ++i)
    for (long j = 0; j < N; ++j) {
      pe.clear();
      for (long kk = 0; kk < K; ++kk) pe.mac(A(i, kk), B(kk, j), kk == 0);
      C(i, j) = detail::to_raw64(pe.out());
    }
  return C;
}

}  // namespace lop
