// The 256^3 lop::gemm benchmark body shared by the fixed-point and approximate-multiplier
// rows: uniform raw operands from a seeded std::mt19937, one lop::gemm<S> per iteration,
// items = multiply-accumulates, label = the kernel lop::gemm chose.
#pragma once
#include <benchmark/benchmark.h>

#include <random>
#include <string>

#include "lop/gemm.hpp"

namespace lop_bench {

inline constexpr int gemm_n = 256;

template <lop::pe_spec S>
void fixed_gemm(benchmark::State& state, unsigned seed = 3) {
  std::mt19937 rng(seed);
  Eigen::Matrix<lop::number<S.a>, Eigen::Dynamic, Eigen::Dynamic> A(gemm_n, gemm_n);
  Eigen::Matrix<lop::number<S.b>, Eigen::Dynamic, Eigen::Dynamic> B(gemm_n, gemm_n);
  for (int i = 0; i < gemm_n * gemm_n; ++i) {
    A.data()[i] = lop::number<S.a>::from_bits(rng());
    B.data()[i] = lop::number<S.b>::from_bits(rng());
  }
  for (auto _ : state) {
    auto C = lop::gemm<S>(A, B);
    benchmark::DoNotOptimize(C.data());
  }
  state.SetItemsProcessed(state.iterations() * gemm_n * gemm_n * gemm_n);
  state.SetLabel(std::to_string(static_cast<int>(lop::gemm_kernel_for(S, gemm_n))));
}

}  // namespace lop_bench
