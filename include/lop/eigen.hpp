// Eigen support for lop::fixed and lop::cfloat: NumTraits, so Matrix/Array/Tensor of them work.
//
// How Eigen's own expressions compute with a scalar type S = lop::fixed<F> (Eigen's functors
// return S, so every result is stored back into F with F's rounding and overflow modes):
// - element-wise a + b, a - b: exact, then overflow-handled into F (same fraction bits);
//   a * b (cwiseProduct), a / b: exact (resp. truncated quotient), then quantized to F.
// - reductions (sum, prod, dot, ...): each step's result quantized to F, in Eigen's order.
// - matrix products and Tensor contractions: Eigen's kernels compute c = c + S(a*b), so the
//   result is  sum_k round_F(a_ik * b_kj)  accumulated in F, then scaled by alpha = S(1).
//   The sum itself is exact unless it overflows F; with overflow::wrap the result is
//   independent of Eigen's (blocking-dependent) summation order, with saturating modes it
//   is not. F must represent 1 exactly (alpha). For the hardware PE's semantics (exact
//   products, a wider accumulator, one output quantization) use lop::gemm.
#pragma once
#include <Eigen/Core>

#include "lop/approximate.hpp"
#include "lop/cfloat.hpp"
#include "lop/fixed.hpp"

namespace Eigen {

template <lop::fixed_format F>
struct NumTraits<lop::fixed<F>> : GenericNumTraits<lop::fixed<F>> {
  using Real = lop::fixed<F>;
  using NonInteger = lop::fixed<F>;
  using Literal = lop::fixed<F>;
  using Nested = lop::fixed<F>;
  enum {
    IsComplex = 0,
    IsInteger = 0,
    IsSigned = F.is_signed ? 1 : 0,
    RequireInitialization = 0,
    ReadCost = 1,
    AddCost = 2,
    MulCost = 4
  };
  static constexpr Real epsilon() noexcept { return Real::ulp(); }
  static constexpr Real dummy_precision() noexcept { return Real::ulp(); }
  static constexpr Real highest() noexcept { return Real::max(); }
  static constexpr Real lowest() noexcept { return Real::lowest(); }
  static constexpr int digits10() noexcept { return std::numeric_limits<Real>::digits10; }
  static constexpr int digits() noexcept { return std::numeric_limits<Real>::digits; }
  static constexpr Real infinity() noexcept { return Real::max(); }
  static constexpr Real quiet_NaN() noexcept { return Real(); }
};

// cfloat<F>: every Eigen scalar operation is one cfloat operation, rounded once into F.
// Products and reductions round after every multiply and every add, in Eigen's order
// (which depends on blocking and vectorization); lop::gemm follows a pe_spec instead.
template <lop::float_format F>
struct NumTraits<lop::cfloat<F>> : GenericNumTraits<lop::cfloat<F>> {
  using Real = lop::cfloat<F>;
  using NonInteger = lop::cfloat<F>;
  using Literal = lop::cfloat<F>;
  using Nested = lop::cfloat<F>;
  enum {
    IsComplex = 0,
    IsInteger = 0,
    IsSigned = 1,
    RequireInitialization = 0,
    ReadCost = 1,
    AddCost = 8,
    MulCost = 8
  };
  static constexpr Real epsilon() noexcept { return Real::epsilon(); }
  static constexpr Real dummy_precision() noexcept { return Real::epsilon() * 16; }
  static constexpr Real highest() noexcept { return Real::max(); }
  static constexpr Real lowest() noexcept { return Real::lowest(); }
  static constexpr int digits10() noexcept { return std::numeric_limits<Real>::digits10; }
  static constexpr int digits() noexcept { return std::numeric_limits<Real>::digits; }
  static constexpr Real infinity() noexcept { return Real::infinity(); }
  static constexpr Real quiet_NaN() noexcept { return Real::quiet_NaN(); }
};

}  // namespace Eigen

namespace lop {

// Element-wise products through multiplier M (lop/approximate.hpp) of two Eigen matrices or
// arrays of lop::fixed of one shape: result(i, j) = lop::multiply<M>(a(i, j), b(i, j)), a lazy
// expression (call .eval() to keep it), in product_format(A, B, M).
template <multiplier M, class DA, class DB>
[[nodiscard]] auto multiply(const Eigen::DenseBase<DA>& a, const Eigen::DenseBase<DB>& b) {
  return a.derived().binaryExpr(b.derived(), [](const auto& x, const auto& y) { return multiply<M>(x, y); });
}

}  // namespace lop
