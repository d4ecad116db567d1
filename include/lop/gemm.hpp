// lop::gemm<spec>(A, B): the matrix product that a pe_spec's hardware PE computes, bit for
// bit. Each C(i,j) is one PE run: clear, then for k = 0..K-1 one MAC of A(i,k)*B(k,j) in
// that order, then C(i,j) = out (see lop::pe_model). Native integer kernels are used when
// they are provably identical to that sequence:
//   - the accumulator needs no rounding per MAC (acc.frac >= product frac), or it rounds
//     with floor (floor(acc + p) = acc + floor(p) on acc's grid), and
//   - overflow::wrap (modular sums are order-free), or the accumulator provably cannot
//     overflow for this K (then every MAC is exact), or a row-vectorized saturating loop
//     that keeps the k order per output.
// Anything else (other roundings, ceil included, and stochastic modes) runs the PE model itself.
#pragma once
#include <cstdint>
#include <stdexcept>
#include <string>
#include <type_traits>
#include <vector>

#include <Eigen/Core>

#include "lop/eigen.hpp"
#include "lop/fixed.hpp"
#include "lop/pe.hpp"

namespace lop {

// Which kernel lop::gemm uses for a spec and depth K (exposed for tests and benchmarks).
enum class gemm_kernel : std::uint8_t { wrap, exact, saturating, sequential };

namespace detail {

// Product raw value moved onto the accumulator's grid: (a*b) << s, or floor((a*b) >> -s).
template <class T>
[[nodiscard]] constexpr T to_acc_grid(T p, int s) noexcept {
  return s >= 0 ? shl(p, s) : asr(p, -s);
}

[[nodiscard]] constexpr gemm_kernel choose_kernel(const pe_spec& s, long depth) noexcept {
  const fixed_format p = product_format(s.a, s.b);
  const fixed_format& acc = s.acc;
  if (acc.round == rounding::stochastic || s.out.round == rounding::stochastic) return gemm_kernel::sequential;
  if (acc.frac < p.frac && acc.round != rounding::floor) return gemm_kernel::sequential;
  const int shift = acc.frac - p.frac;
  // The product on acc's grid must fit 63 bits, the accumulator 64.
  if (p.width + (shift > 0 ? shift : 0) > 62 || acc.width > 64) return gemm_kernel::sequential;
  if (acc.ovf == overflow::wrap) return gemm_kernel::wrap;
  // Bound |sum| <= depth * max|p| on acc's grid.
  const i128 pmax = to_acc_grid<i128>(pow2<i128>(p.width - (p.is_signed ? 1 : 0)), shift);
  const i128 bound = pmax * static_cast<i128>(depth < 1 ? 1 : depth);
  const i128 hi = raw_max(acc);
  const i128 lo = acc.ovf == overflow::saturate_symmetric && acc.is_signed ? -hi : raw_min(acc);
  const bool products_nonneg = !s.a.is_signed && !s.b.is_signed;
  if (bound <= hi && (products_nonneg || -bound >= lo)) return gemm_kernel::exact;
  // The saturating loop adds in int64: acc and product on its grid must stay below 2^62.
  return acc.width <= 62 ? gemm_kernel::saturating : gemm_kernel::sequential;
}

// Row-major raw copies of the operands (B is read along rows in the inner loop).
template <class Raw, class Derived>
std::vector<Raw> raw_rows(const Eigen::MatrixBase<Derived>& m) {
  std::vector<Raw> r(static_cast<std::size_t>(m.rows() * m.cols()));
  for (Eigen::Index i = 0; i < m.rows(); ++i)
    for (Eigen::Index j = 0; j < m.cols(); ++j)
      r[static_cast<std::size_t>(i * m.cols() + j)] = static_cast<Raw>(m(i, j).raw());
  return r;
}

}  // namespace detail

template <pe_spec S>
using gemm_result = Eigen::Matrix<fixed<S.out>, Eigen::Dynamic, Eigen::Dynamic>;

[[nodiscard]] constexpr gemm_kernel gemm_kernel_for(const pe_spec& s, long depth) noexcept {
  return detail::choose_kernel(s, depth);
}

// C = A * B as computed by the PE `S`. A's scalar must be fixed<S.a>, B's fixed<S.b>.
// `seed` seeds the PE's LFSR (stochastic modes); outputs are produced in row-major order
// by one PE, so the generator runs on across outputs as it would in hardware.
template <pe_spec S, class DA, class DB>
[[nodiscard]] gemm_result<S> gemm(const Eigen::MatrixBase<DA>& A, const Eigen::MatrixBase<DB>& B,
                                  std::uint32_t seed = lfsr32::default_seed) {
  static_assert(validate(S) == nullptr, "lop::gemm: invalid pe_spec (see lop::validate)");
  static_assert(std::is_same_v<typename DA::Scalar, fixed<S.a>>,
                "lop::gemm: A's scalar type must be lop::fixed<spec.a>");
  static_assert(std::is_same_v<typename DB::Scalar, fixed<S.b>>,
                "lop::gemm: B's scalar type must be lop::fixed<spec.b>");
  if (A.cols() != B.rows())
    throw std::invalid_argument("lop::gemm: A is " + std::to_string(A.rows()) + "x" + std::to_string(A.cols()) +
                                " but B is " + std::to_string(B.rows()) + "x" + std::to_string(B.cols()) +
                                "; A.cols() must equal B.rows()");
  const Eigen::Index M = A.rows(), K = A.cols(), N = B.cols();
  gemm_result<S> C(M, N);
  constexpr fixed_format P = product_format(S.a, S.b);
  constexpr int shift = S.acc.frac - P.frac;
  const gemm_kernel kernel = detail::choose_kernel(S, static_cast<long>(K));

  if (kernel == gemm_kernel::sequential) {
    pe_model pe(S, seed);
    for (Eigen::Index i = 0; i < M; ++i)
      for (Eigen::Index j = 0; j < N; ++j) {
        pe.clear();
        for (Eigen::Index k = 0; k < K; ++k) pe.mac(A(i, k).raw(), B(k, j).raw(), k == 0);
        C(i, j) = fixed<S.out>::from_bits(pe.out());
      }
    return C;
  }

  // Native kernels: products in the narrowest type that holds them, accumulators in 32 or
  // 64 bits (unsigned for wrap: modular arithmetic without signed overflow).
  using PT = detail::compute_t<(P.width + (shift > 0 ? shift : 0) <= 31 ? 32 : 64)>;
  using ST = detail::compute_t<(S.acc.width <= 32 && P.width + (shift > 0 ? shift : 0) <= 31) ? 32 : 64>;
  using UT = std::make_unsigned_t<ST>;
  using AR = typename fixed<S.a>::raw_type;
  using BR = typename fixed<S.b>::raw_type;
  const std::vector<AR> a = detail::raw_rows<AR>(A);
  const std::vector<BR> b = detail::raw_rows<BR>(B);
  std::vector<ST> acc(static_cast<std::size_t>(N));
  const auto hi = static_cast<ST>(detail::raw_max<detail::i128>(S.acc));
  const auto lo = static_cast<ST>(S.acc.ovf == overflow::saturate_symmetric && S.acc.is_signed
                                      ? -detail::raw_max<detail::i128>(S.acc)
                                      : detail::raw_min<detail::i128>(S.acc));
  const auto n = static_cast<std::size_t>(N);
  for (Eigen::Index i = 0; i < M; ++i) {
    std::fill(acc.begin(), acc.end(), ST{0});
    ST* __restrict ac = acc.data();
    for (Eigen::Index k = 0; k < K; ++k) {
      const PT ai = static_cast<PT>(a[static_cast<std::size_t>(i * K + k)]);
      const BR* __restrict bk = b.data() + static_cast<std::size_t>(k) * n;
      if (kernel == gemm_kernel::wrap) {
        for (std::size_t j = 0; j < n; ++j)
          ac[j] = static_cast<ST>(static_cast<UT>(ac[j]) +
                                  static_cast<UT>(detail::to_acc_grid<PT>(ai * static_cast<PT>(bk[j]), shift)));
      } else if (kernel == gemm_kernel::exact) {
        for (std::size_t j = 0; j < n; ++j)
          ac[j] = static_cast<ST>(ac[j] + detail::to_acc_grid<PT>(ai * static_cast<PT>(bk[j]), shift));
      } else {  // saturating: per-MAC overflow handling, k order kept for every output
        for (std::size_t j = 0; j < n; ++j) {
          // |acc| and |p| are each below 2^62 here, so the sum cannot overflow int64.
          const std::int64_t t = static_cast<std::int64_t>(ac[j]) +
                                 static_cast<std::int64_t>(detail::to_acc_grid<PT>(ai * static_cast<PT>(bk[j]), shift));
          const bool over = t > hi, under = t < lo;
          if constexpr (S.acc.ovf == overflow::saturate_zero) {
            ac[j] = (over || under) ? ST{0} : static_cast<ST>(t);
          } else {
            ac[j] = over ? hi : (under ? lo : static_cast<ST>(t));
          }
        }
      }
    }
    for (Eigen::Index j = 0; j < N; ++j) {
      ST v = acc[static_cast<std::size_t>(j)];
      if (kernel == gemm_kernel::wrap)
        v = detail::extend<ST>(static_cast<UT>(v), S.acc.width, S.acc.is_signed);
      using OT = detail::compute_t<(S.acc.width > S.out.width ? S.acc.width : S.out.width) + 2>;
      C(i, j) = fixed<S.out>(detail::raw_tag{}, static_cast<typename fixed<S.out>::raw_type>(
                                                   detail::quantize_raw<OT>(static_cast<OT>(v), S.acc.frac, S.out)));
    }
  }
  return C;
}

}  // namespace lop
