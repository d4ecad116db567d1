// Eigen's own expressions on lop::cfloat (docs/cfloat.md section 3): every scalar operation
// Eigen performs is one cfloat operation, rounded once into F. Checked against the independent
// exact reference (tests/float/reference_float.hpp): element-wise ops bit for bit. Eigen sums
// products in its own (blocking-dependent) order, so products are checked where every partial
// sum is exact and the order cannot matter; lop::gemm is the product with a defined order.
#include <catch2/catch.hpp>

#include <cmath>
#include <random>
#include <unsupported/Eigen/CXX11/Tensor>

#include "../float/reference_float.hpp"
#include "lop/eigen.hpp"

namespace {

template <lop::float_format F>
using fmat = Eigen::Matrix<lop::cfloat<F>, Eigen::Dynamic, Eigen::Dynamic>;

// Integers in [-m, m] (exact in F), scaled by 2^e: products and their sums stay exact while
// K * m^2 < 2^p.
template <lop::float_format F>
fmat<F> random_values(Eigen::Index r, Eigen::Index c, std::mt19937_64& rng, int m, int e) {
  fmat<F> x(r, c);
  for (Eigen::Index i = 0; i < x.size(); ++i)
    x.data()[i] = lop::cfloat<F>(std::ldexp(static_cast<double>(static_cast<int>(rng() % (2 * m + 1)) - m), e));
  return x;
}

template <lop::float_format F>
void check_float_product(Eigen::Index n, unsigned seed, int m) {
  std::mt19937_64 rng(seed);
  const fmat<F> A = random_values<F>(n, n + 3, rng, m, -3), B = random_values<F>(n + 3, n - 1, rng, m, 1);
  const fmat<F> C = A * B;
  for (Eigen::Index i = 0; i < C.rows(); ++i)
    for (Eigen::Index j = 0; j < C.cols(); ++j) {
      double exact = 0;  // exact in double too
      for (Eigen::Index k = 0; k < A.cols(); ++k) exact += static_cast<double>(A(i, k)) * static_cast<double>(B(k, j));
      INFO("format " << lop::to_string(F) << " i=" << i << " j=" << j);
      REQUIRE(C(i, j).bits() == fref::from_double(F, exact == 0 ? 0.0 : exact, 0));
    }
  Eigen::TensorMap<const Eigen::Tensor<const lop::cfloat<F>, 2>> TA(A.data(), A.rows(), A.cols());
  Eigen::TensorMap<const Eigen::Tensor<const lop::cfloat<F>, 2>> TB(B.data(), B.rows(), B.cols());
  const Eigen::array<Eigen::IndexPair<int>, 1> dims{Eigen::IndexPair<int>(1, 0)};
  const Eigen::Tensor<lop::cfloat<F>, 2> TC = TA.contract(TB, dims);
  for (Eigen::Index i = 0; i < C.rows(); ++i)
    for (Eigen::Index j = 0; j < C.cols(); ++j) REQUIRE(TC(i, j).bits() == C(i, j).bits());
}

}  // namespace

TEST_CASE("Eigen products of cfloat matrices round every product and every sum into F", "[eigen][cfloat]") {
  check_float_product<lop::formats::fp16>(40, 1, 4);         // 43 * 16 < 2^11
  check_float_product<lop::formats::bf16>(25, 2, 3);         // 28 * 9 < 2^8
  check_float_product<lop::formats::fp8_e4m3fn>(12, 3, 1);   // 15 < 2^4
  check_float_product<lop::formats::fp8_e5m2>(4, 4, 1);      // 7 < 2^3
}

TEST_CASE("Eigen element-wise cfloat ops and reductions", "[eigen][cfloat]") {
  constexpr lop::float_format F = lop::formats::fp8_e4m3fn;
  using S = lop::cfloat<F>;
  std::mt19937_64 rng(11);
  fmat<F> A(16, 16), B(16, 16);
  for (Eigen::Index i = 0; i < A.size(); ++i) {  // every pair of encodings once, NaNs included
    A.data()[i] = S::from_bits(static_cast<std::uint8_t>(rng()));
    B.data()[i] = S::from_bits(static_cast<std::uint8_t>(rng()));
  }
  const fmat<F> sum = A + B, diff = A - B, prod = A.cwiseProduct(B), quot = A.cwiseQuotient(B), absA = A.cwiseAbs();
  const fmat<F> sq = A.cwiseSqrt();
  for (Eigen::Index i = 0; i < A.size(); ++i) {
    const fref::u64 a = A.data()[i].bits(), b = B.data()[i].bits();
    INFO("a=" << fref::show(F, a) << " b=" << fref::show(F, b));
    REQUIRE(sum.data()[i].bits() == fref::add(F, F, a, F, b, 0));
    REQUIRE(diff.data()[i].bits() == fref::sub(F, F, a, F, b, 0));
    REQUIRE(prod.data()[i].bits() == fref::mul(F, F, a, F, b, 0));
    REQUIRE(quot.data()[i].bits() == fref::div(F, F, a, F, b, 0));
    REQUIRE(sq.data()[i].bits() == fref::sqrt(F, F, a, 0));
    // |x| clears the sign bit; a NaN comes back unchanged.
    REQUIRE(absA.data()[i].bits() == (fref::decode(F, a).kind == fref::vkind::nan ? a : (a & 0x7FU)));
  }
  // Reductions whose partial sums are exact (small integers) are order-free.
  fmat<F> I(6, 7);
  double total = 0;
  for (Eigen::Index i = 0; i < I.size(); ++i) {
    const int v = static_cast<int>(rng() % 5) - 2;
    I.data()[i] = S(v);
    total += v;
  }
  REQUIRE(static_cast<double>(I.sum()) == total);
  REQUIRE(static_cast<double>(I.maxCoeff()) == 2.0);
  REQUIRE(static_cast<double>(I.cwiseAbs().minCoeff()) == 0.0);
  // Array and Tensor expressions share the scalar's operators.
  const Eigen::Array<S, Eigen::Dynamic, Eigen::Dynamic> AA = A.array() * B.array();
  Eigen::Tensor<S, 2> TA(16, 16), TB(16, 16);
  for (int i = 0; i < 16; ++i)
    for (int j = 0; j < 16; ++j) TA(i, j) = A(i, j), TB(i, j) = B(i, j);
  const Eigen::Tensor<S, 2> TP = TA * TB;
  for (int i = 0; i < 16; ++i)
    for (int j = 0; j < 16; ++j) {
      REQUIRE(AA(i, j).bits() == prod(i, j).bits());
      REQUIRE(TP(i, j).bits() == prod(i, j).bits());
    }
}
