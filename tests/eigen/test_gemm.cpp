// lop::gemm against an independent PE model (reference_pe.hpp), for every kernel lop::gemm
// can choose, including accumulator overflow and stochastic rounding.
#include <catch2/catch.hpp>

#include <random>

#include "lop/gemm.hpp"
#include "reference_pe.hpp"

namespace {

using lop::overflow, lop::rounding, lop::sfix, lop::ufix;

template <lop::pe_spec S>
void check_gemm(int M, int K, int N, unsigned seed, lop::gemm_kernel expected, int a_bits = 64, int b_bits = 64) {
  CAPTURE(lop::to_string(S), M, K, N, seed);
  REQUIRE(lop::gemm_kernel_for(S, K) == expected);
  std::mt19937_64 rng(seed);
  Eigen::Matrix<lop::number<S.a>, Eigen::Dynamic, Eigen::Dynamic> A(M, K);
  Eigen::Matrix<lop::number<S.b>, Eigen::Dynamic, Eigen::Dynamic> B(K, N);
  for (Eigen::Index i = 0; i < A.size(); ++i)
    A.data()[i] = lop::number<S.a>::from_bits(rng() >> (64 - std::min(a_bits, 64)));
  for (Eigen::Index i = 0; i < B.size(); ++i)
    B.data()[i] = lop::number<S.b>::from_bits(rng() >> (64 - std::min(b_bits, 64)));
  const std::uint32_t lfsr_seed = static_cast<std::uint32_t>(rng());
  const auto C = lop::gemm<S>(A, B, lfsr_seed);
  REQUIRE(C.rows() == M);
  REQUIRE(C.cols() == N);
  ref::pe pe(S, lfsr_seed);
  for (int i = 0; i < M; ++i)
    for (int j = 0; j < N; ++j) {
      pe.acc = pe.out = 0;
      for (int k = 0; k < K; ++k) pe.mac(A(i, k).raw(), B(k, j).raw(), k == 0);
      INFO("C(" << i << "," << j << ")");
      REQUIRE(ref::i128{C(i, j).raw()} == pe.out);
    }
}

constexpr auto s16 = sfix(16, 8);
constexpr auto out16 = sfix(16, 8, rounding::half_even, overflow::saturate);

}  // namespace

TEST_CASE("gemm: wrap kernel (modular accumulator)", "[gemm]") {
  check_gemm<lop::pe_spec{s16, s16, sfix(32, 16), out16}>(17, 300, 23, 1, lop::gemm_kernel::wrap);
  check_gemm<lop::pe_spec{s16, s16, sfix(20, 10), sfix(8, 2, rounding::half_away, overflow::wrap)}>(9, 64, 31, 2,
                                                                                           lop::gemm_kernel::wrap);
  check_gemm<lop::pe_spec{ufix(8, 4), sfix(8, 7), sfix(48, 20), ufix(8, 4, rounding::toward_zero, overflow::saturate)}>(
      5, 70, 40, 3, lop::gemm_kernel::wrap);
  // ceil on the output only: the accumulator is still exact
  check_gemm<lop::pe_spec{s16, s16, sfix(40, 16), sfix(10, 3, rounding::ceil, overflow::saturate)}>(
      7, 40, 9, 16, lop::gemm_kernel::wrap);
  // floor accumulator with fewer fraction bits than the product
  check_gemm<lop::pe_spec{s16, s16, sfix(24, 6), out16}>(8, 50, 8, 4, lop::gemm_kernel::wrap);
}

TEST_CASE("gemm: exact kernel (accumulator provably cannot overflow)", "[gemm]") {
  check_gemm<lop::pe_spec{s16, s16, sfix(48, 16, rounding::half_even, overflow::saturate), out16}>(
      13, 200, 17, 5, lop::gemm_kernel::exact);
  check_gemm<lop::pe_spec{ufix(8, 8), ufix(8, 8), ufix(30, 16, rounding::floor, overflow::saturate_zero),
                          ufix(8, 8, rounding::half_up, overflow::saturate)}>(7, 100, 9, 6, lop::gemm_kernel::exact);
}

TEST_CASE("gemm: saturating kernel keeps the k order per output", "[gemm]") {
  // Large operands, long K: the accumulator saturates and comes back.
  check_gemm<lop::pe_spec{s16, s16, sfix(32, 16, rounding::floor, overflow::saturate), out16}>(
      6, 400, 40, 7, lop::gemm_kernel::saturating);
  check_gemm<lop::pe_spec{s16, s16, sfix(24, 8, rounding::floor, overflow::saturate_symmetric), out16}>(
      6, 300, 33, 8, lop::gemm_kernel::saturating);
  check_gemm<lop::pe_spec{s16, s16, sfix(24, 8, rounding::floor, overflow::saturate_zero), out16}>(
      6, 300, 33, 9, lop::gemm_kernel::saturating);
  // 64-bit saturating accumulator: no headroom for the int64 loop, so the PE model runs.
  check_gemm<lop::pe_spec{sfix(31, 0), sfix(31, 0), sfix(64, 0, rounding::floor, overflow::saturate), sfix(64, 0)}>(
      3, 40, 5, 14, lop::gemm_kernel::sequential);
  check_gemm<lop::pe_spec{ufix(8, 4), ufix(8, 4), ufix(12, 4, rounding::floor, overflow::saturate),
                          ufix(6, 2, rounding::half_even, overflow::saturate)}>(6, 100, 20, 10,
                                                                                lop::gemm_kernel::saturating);
}

TEST_CASE("gemm: sequential PE model for per-MAC rounding and stochastic modes", "[gemm]") {
  check_gemm<lop::pe_spec{s16, s16, sfix(24, 8, rounding::half_even, overflow::saturate), out16}>(
      5, 120, 7, 11, lop::gemm_kernel::sequential);
  check_gemm<lop::pe_spec{sfix(8, 6), sfix(8, 7), sfix(16, 8, rounding::stochastic, overflow::saturate),
                          sfix(8, 4, rounding::stochastic, overflow::saturate_symmetric)}>(
      6, 90, 8, 12, lop::gemm_kernel::sequential);
  check_gemm<lop::pe_spec{sfix(8, 6), ufix(8, 7), sfix(20, 13), sfix(8, 5, rounding::stochastic, overflow::wrap)}>(
      6, 40, 8, 13, lop::gemm_kernel::sequential);
  // ceil (toward +inf) per MAC: never the native path, even with a wrapping accumulator
  check_gemm<lop::pe_spec{s16, s16, sfix(24, 6, rounding::ceil, overflow::wrap), out16}>(
      5, 60, 7, 14, lop::gemm_kernel::sequential);
  check_gemm<lop::pe_spec{s16, s16, sfix(24, 8, rounding::ceil, overflow::saturate),
                          sfix(8, 2, rounding::ceil, overflow::saturate_symmetric)}>(5, 120, 7, 15,
                                                                                   lop::gemm_kernel::sequential);
}

TEST_CASE("gemm: empty depth and dimension errors", "[gemm]") {
  constexpr lop::pe_spec S{s16, s16, sfix(32, 16), out16};
  Eigen::Matrix<lop::fixed<s16>, Eigen::Dynamic, Eigen::Dynamic> A(3, 0), B(0, 2), B2(4, 2);
  const auto C = lop::gemm<S>(A, B);
  REQUIRE(C.rows() == 3);
  REQUIRE(C.cols() == 2);
  for (Eigen::Index i = 0; i < C.size(); ++i) REQUIRE(C.data()[i].raw() == 0);
  Eigen::Matrix<lop::fixed<s16>, Eigen::Dynamic, Eigen::Dynamic> A2(3, 5);
  REQUIRE_THROWS_WITH(lop::gemm<S>(A2, B2), Catch::Contains("A.cols() must equal B.rows()"));
}
