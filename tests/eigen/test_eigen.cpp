// Eigen's own expressions on lop::fixed follow the documented semantics (docs/fixed-point.md
// section 6): every result stored back into the scalar's format; products are
// sum_k round_F(a_ik * b_kj) summed in F.
#include <catch2/catch.hpp>

#include <random>
#include <unsupported/Eigen/CXX11/Tensor>

#include "lop/eigen.hpp"
#include "reference.hpp"

namespace {

template <lop::fixed_format F>
using mat = Eigen::Matrix<lop::fixed<F>, Eigen::Dynamic, Eigen::Dynamic>;

template <lop::fixed_format F>
mat<F> random_matrix(Eigen::Index r, Eigen::Index c, std::mt19937_64& rng, int bits) {
  mat<F> m(r, c);
  for (Eigen::Index i = 0; i < m.size(); ++i) m.data()[i] = lop::fixed<F>::from_bits(rng() & ((1ULL << bits) - 1));
  return m;
}

// sum_k round_F(a_ik b_kj) accumulated with F's overflow per add (order: k ascending).
template <lop::fixed_format F>
ref::i128 reference_dot(const mat<F>& A, const mat<F>& B, Eigen::Index i, Eigen::Index j) {
  ref::i128 acc = 0;
  for (Eigen::Index k = 0; k < A.cols(); ++k) {
    const ref::i128 p = ref::quantize(ref::i128{A(i, k).raw()} * B(k, j).raw(), 2 * F.frac, F);
    acc = ref::quantize(acc + p, F.frac, F);
  }
  return acc;
}

template <lop::fixed_format F>
void check_product(int n, unsigned seed, int bits) {
  std::mt19937_64 rng(seed);
  const mat<F> A = random_matrix<F>(n, n + 3, rng, bits), B = random_matrix<F>(n + 3, n - 1, rng, bits);
  const mat<F> C = A * B;
  for (Eigen::Index i = 0; i < C.rows(); ++i)
    for (Eigen::Index j = 0; j < C.cols(); ++j) {
      INFO("format " << lop::to_string(F) << " i=" << i << " j=" << j);
      REQUIRE(ref::i128{C(i, j).raw()} == reference_dot<F>(A, B, i, j));
    }
  // The Tensor module contracts with the same kernels: identical result.
  Eigen::TensorMap<const Eigen::Tensor<const lop::fixed<F>, 2>> TA(A.data(), A.rows(), A.cols());
  Eigen::TensorMap<const Eigen::Tensor<const lop::fixed<F>, 2>> TB(B.data(), B.rows(), B.cols());
  const Eigen::array<Eigen::IndexPair<int>, 1> dims{Eigen::IndexPair<int>(1, 0)};
  const Eigen::Tensor<lop::fixed<F>, 2> TC = TA.contract(TB, dims);
  for (Eigen::Index i = 0; i < C.rows(); ++i)
    for (Eigen::Index j = 0; j < C.cols(); ++j) REQUIRE(TC(i, j) == C(i, j));
}

}  // namespace

TEST_CASE("Eigen matrix products and tensor contractions: sum of products rounded to F", "[eigen]") {
  using lop::overflow, lop::rounding;
  // wrap: any size, overflow included (modular, order-free)
  check_product<lop::sfix(16, 8, rounding::half_even, overflow::wrap)>(70, 1, 16);
  check_product<lop::sfix(12, 4, rounding::floor, overflow::wrap)>(33, 2, 12);
  check_product<lop::ufix(10, 3, rounding::half_up, overflow::wrap)>(40, 3, 10);
  check_product<lop::sfix(14, 5, rounding::ceil, overflow::wrap)>(30, 6, 14);
  // saturating formats with operands small enough that sums never overflow
  check_product<lop::sfix(24, 8, rounding::half_away, overflow::saturate)>(50, 4, 10);
  check_product<lop::sfix(32, 12, rounding::toward_zero, overflow::saturate_symmetric)>(64, 5, 14);
  check_product<lop::sfix(24, 8, rounding::ceil, overflow::saturate)>(40, 7, 10);
}

TEST_CASE("Eigen element-wise ops and reductions store every result in the scalar format", "[eigen]") {
  constexpr auto F = lop::sfix(8, 3, lop::rounding::half_even, lop::overflow::saturate);
  using S = lop::fixed<F>;
  std::mt19937_64 rng(7);
  const mat<F> A = random_matrix<F>(9, 11, rng, 8), B = random_matrix<F>(9, 11, rng, 8);
  const mat<F> sum = A + B, diff = A - B, prod = A.cwiseProduct(B);
  const mat<F> absA = A.cwiseAbs();
  for (Eigen::Index i = 0; i < A.size(); ++i) {
    const ref::i128 a = A.data()[i].raw(), b = B.data()[i].raw();
    REQUIRE(ref::i128{sum.data()[i].raw()} == ref::quantize(a + b, F.frac, F));
    REQUIRE(ref::i128{diff.data()[i].raw()} == ref::quantize(a - b, F.frac, F));
    REQUIRE(ref::i128{prod.data()[i].raw()} == ref::quantize(a * b, 2 * F.frac, F));
    REQUIRE(ref::i128{absA.data()[i].raw()} == ref::quantize(a < 0 ? -a : a, F.frac, F));
  }
  // sum(): Eigen's reduction order is its own; with a wrap format the result is order-free.
  constexpr auto W = lop::sfix(8, 3, lop::rounding::floor, lop::overflow::wrap);
  const mat<W> Aw = A.cast<lop::fixed<W>>();
  ref::i128 total = 0;
  for (Eigen::Index i = 0; i < Aw.size(); ++i) total = ref::quantize(total + Aw.data()[i].raw(), W.frac, W);
  REQUIRE(ref::i128{Aw.sum().raw()} == total);
  // max/min use exact comparisons
  ref::i128 mx = A.data()[0].raw();
  for (Eigen::Index i = 0; i < A.size(); ++i) mx = std::max<ref::i128>(mx, A.data()[i].raw());
  REQUIRE(ref::i128{A.maxCoeff().raw()} == mx);
  // Tensor element-wise
  Eigen::Tensor<S, 2> TA(9, 11), TB(9, 11);
  for (int i = 0; i < 9; ++i)
    for (int j = 0; j < 11; ++j) TA(i, j) = A(i, j), TB(i, j) = B(i, j);
  const Eigen::Tensor<S, 2> TS = TA + TB;
  for (int i = 0; i < 9; ++i)
    for (int j = 0; j < 11; ++j) REQUIRE(TS(i, j) == sum(i, j));
}
