// lop::gemm with float operands next to Eigen's native float product, in the same run:
// 256^3 products of N(0,1) matrices. items/s = multiply-accumulates per second; the label is
// the kernel lop::gemm chose (float32 = native fp32 accumulation, sequential = the PE model).
#include <benchmark/benchmark.h>

#include <random>

#include "lop/lop.hpp"

namespace {

constexpr int n = 256;

void native_gemm_float(benchmark::State& state) {
  std::mt19937 rng(5);
  std::normal_distribution<float> d;
  Eigen::MatrixXf A(n, n), B(n, n), C(n, n);
  for (int i = 0; i < n * n; ++i) A.data()[i] = d(rng), B.data()[i] = d(rng);
  for (auto _ : state) {
    C.noalias() = A * B;
    benchmark::DoNotOptimize(C.data());
  }
  state.SetItemsProcessed(state.iterations() * n * n * n);
}

template <lop::pe_spec S>
void float_gemm(benchmark::State& state, int size) {
  std::mt19937 rng(5);
  std::normal_distribution<double> d;
  Eigen::Matrix<lop::number<S.a>, Eigen::Dynamic, Eigen::Dynamic> A(size, size);
  Eigen::Matrix<lop::number<S.b>, Eigen::Dynamic, Eigen::Dynamic> B(size, size);
  for (int i = 0; i < size * size; ++i) A.data()[i] = d(rng), B.data()[i] = d(rng);
  for (auto _ : state) {
    auto C = lop::gemm<S>(A, B);
    benchmark::DoNotOptimize(C.data());
  }
  state.SetItemsProcessed(state.iterations() * size * size * size);
  state.SetLabel(lop::gemm_kernel_for(S, size) == lop::gemm_kernel::float32 ? "float32" : "sequential");
}

namespace f = lop::formats;
constexpr lop::pe_spec bf16_fp32{f::bf16, f::bf16, f::fp32, f::bf16};
constexpr lop::pe_spec e4m3_fp32{f::fp8_e4m3fn, f::fp8_e4m3fn, f::fp32, f::fp8_e4m3fn};
// Not provably native: fp16 accumulator, and FP8 into a fixed (Kulisch-style) accumulator.
constexpr lop::pe_spec bf16_fp16{f::bf16, f::bf16, f::fp16, f::fp16};
constexpr lop::pe_spec e4m3_fixed{f::fp8_e4m3fn, f::fp8_e4m3fn,
                                  lop::sfix(40, 18, lop::rounding::half_even, lop::overflow::saturate), f::fp16};

void gemm_bf16_fp32acc(benchmark::State& s) { float_gemm<bf16_fp32>(s, n); }
void gemm_fp8_e4m3fn_fp32acc(benchmark::State& s) { float_gemm<e4m3_fp32>(s, n); }
void gemm_bf16_fp16acc_model(benchmark::State& s) { float_gemm<bf16_fp16>(s, 64); }
void gemm_fp8_fixedacc_model(benchmark::State& s) { float_gemm<e4m3_fixed>(s, 64); }

BENCHMARK(native_gemm_float)->Unit(benchmark::kMillisecond);
BENCHMARK(gemm_bf16_fp32acc)->Unit(benchmark::kMillisecond);
BENCHMARK(gemm_fp8_e4m3fn_fp32acc)->Unit(benchmark::kMillisecond);
BENCHMARK(gemm_bf16_fp16acc_model)->Unit(benchmark::kMillisecond);
BENCHMARK(gemm_fp8_fixedacc_model)->Unit(benchmark::kMillisecond);

}  // namespace
