// 256^3 lop::gemm with approximate multipliers (docs/multipliers.md) beside the exact 8-bit
// integer kernel in the same run (docs/benchmarks.md). Operands: uniform 8-bit raws; the
// accumulator is 32-bit wrap, so every row uses the native modular accumulation and differs
// only in where its products come from: a*b (exact), the multiplier's 64K-entry product table
// (8-bit DRUM, Mitchell), or its model per product (16-bit DRUM, for scale).
#include <benchmark/benchmark.h>

#include "gemm_bench.hpp"
#include "lop/gemm.hpp"

namespace {

using lop_bench::gemm_n;
template <lop::pe_spec S>
void approx_gemm(benchmark::State& state) {
  lop_bench::fixed_gemm<S>(state, 5);
}

constexpr lop::fixed_format s8 = lop::sfix(8, 0);
constexpr lop::fixed_format s16 = lop::sfix(16, 0);
constexpr lop::fixed_format acc32 = lop::sfix(32, 0);
constexpr lop::fixed_format acc48 = lop::sfix(48, 0);
constexpr lop::pe_spec exact8{s8, s8, acc32, acc32};
constexpr lop::pe_spec drum8{s8, s8, acc32, acc32, lop::multiplier::drum(4)};
constexpr lop::pe_spec mitchell8{s8, s8, acc32, acc32, lop::multiplier::mitchell()};
constexpr lop::pe_spec drum16{s16, s16, acc48, acc48, lop::multiplier::drum(6)};
static_assert(lop::gemm_kernel_for(exact8, gemm_n) == lop::gemm_kernel::wrap &&
              lop::gemm_kernel_for(drum8, gemm_n) == lop::gemm_kernel::wrap &&
              lop::gemm_kernel_for(drum16, gemm_n) == lop::gemm_kernel::wrap);

void gemm_exact_s8(benchmark::State& s) { approx_gemm<exact8>(s); }
void gemm_drum4_s8(benchmark::State& s) { approx_gemm<drum8>(s); }
void gemm_mitchell_s8(benchmark::State& s) { approx_gemm<mitchell8>(s); }
void gemm_drum6_s16_model(benchmark::State& s) { approx_gemm<drum16>(s); }
BENCHMARK(gemm_exact_s8)->Unit(benchmark::kMillisecond);
BENCHMARK(gemm_drum4_s8)->Unit(benchmark::kMillisecond);
BENCHMARK(gemm_mitchell_s8)->Unit(benchmark::kMillisecond);
BENCHMARK(gemm_drum6_s16_model)->Unit(benchmark::kMillisecond);

}  // namespace
