// Throughput of lop::cfloat element-wise arithmetic against native float in the same run
// (docs/benchmarks.md). Operands: N(0, 1) samples rounded into each format (ML-like data).
// Every benchmark runs at two sizes, each its own row: 65,536 elements (the operands and the
// result stay in cache) and 16,777,216 elements (an ML-tensor size, streamed from memory);
// compare each row only with the native-float row of the same size. Rows named *_array use the
// array operations (lop::add(a, b, out), include/lop/elementwise.hpp; their SIMD kernels are
// chosen at run time); the others apply the scalar operator in a loop.
#include <benchmark/benchmark.h>

#include <algorithm>
#include <cstdint>
#include <random>
#include <vector>

#include "lop/cfloat.hpp"
#include "lop/elementwise.hpp"

namespace {

constexpr std::int64_t in_cache = std::int64_t{1} << 16;
constexpr std::int64_t out_of_cache = std::int64_t{1} << 24;

// n samples of N(0, 1) rounded into T. Beyond 65,536 elements the first 65,536 repeat (the
// rounding through the exact model would otherwise dominate the set-up time).
template <class T>
std::vector<T> normal_vector(std::size_t n, unsigned seed) {
  std::mt19937 rng(seed);
  std::normal_distribution<double> dist(0.0, 1.0);
  std::vector<T> v(n);
  const std::size_t distinct = std::min<std::size_t>(n, in_cache);
  for (std::size_t i = 0; i < distinct; ++i) v[i] = T(dist(rng));
  for (std::size_t i = distinct; i < n; ++i) v[i] = v[i - distinct];
  return v;
}

// c = a (op) b over n elements; `op(a, b, c)` computes the whole array.
template <class T, class ArrayOp>
void array_op(benchmark::State& state, ArrayOp op) {
  const auto n = static_cast<std::size_t>(state.range(0));
  const auto a = normal_vector<T>(n, 1), b = normal_vector<T>(n, 2);
  std::vector<T> c(n);
  for (auto _ : state) {
    op(a, b, c);
    benchmark::DoNotOptimize(c.data());
    benchmark::ClobberMemory();
  }
  state.SetItemsProcessed(state.iterations() * state.range(0));
}
// The same with a scalar operation in a loop: c[i] = op(a[i], b[i]).
template <class T, class Op>
void elementwise(benchmark::State& state, Op op) {
  array_op<T>(state, [op](const std::vector<T>& a, const std::vector<T>& b, std::vector<T>& c) {
    for (std::size_t i = 0; i < c.size(); ++i) c[i] = op(a[i], b[i]);
  });
}
const auto add_array = [](const auto& a, const auto& b, auto& c) { lop::add(a, b, c); };
const auto mul_array = [](const auto& a, const auto& b, auto& c) { lop::mul(a, b, c); };

const auto add = [](auto x, auto y) { return x + y; };
const auto mul = [](auto x, auto y) { return x * y; };

void native_float_add(benchmark::State& s) { elementwise<float>(s, add); }
void native_float_mul(benchmark::State& s) { elementwise<float>(s, mul); }
void fp8_e4m3fn_add(benchmark::State& s) { elementwise<lop::fp8_e4m3fn_t>(s, add); }
void fp8_e4m3fn_mul(benchmark::State& s) { elementwise<lop::fp8_e4m3fn_t>(s, mul); }
void bf16_add(benchmark::State& s) { elementwise<lop::bf16_t>(s, add); }
void bf16_mul(benchmark::State& s) { elementwise<lop::bf16_t>(s, mul); }
void fp16_add(benchmark::State& s) { elementwise<lop::fp16_t>(s, add); }
void fp16_mul(benchmark::State& s) { elementwise<lop::fp16_t>(s, mul); }
void fp8_e4m3fn_add_array(benchmark::State& s) { array_op<lop::fp8_e4m3fn_t>(s, add_array); }
void fp8_e4m3fn_mul_array(benchmark::State& s) { array_op<lop::fp8_e4m3fn_t>(s, mul_array); }
void bf16_add_array(benchmark::State& s) { array_op<lop::bf16_t>(s, add_array); }
void bf16_mul_array(benchmark::State& s) { array_op<lop::bf16_t>(s, mul_array); }
void fp16_add_array(benchmark::State& s) { array_op<lop::fp16_t>(s, add_array); }
void fp16_mul_array(benchmark::State& s) { array_op<lop::fp16_t>(s, mul_array); }
// The exact model without a fast path (stochastic rounding), for scale.
using bf16_sr = lop::cfloat<lop::float_format{8, 7, 127, true, lop::specials::ieee, lop::rounding::stochastic,
                                              lop::float_overflow::infinity}>;
void bf16_stochastic_add(benchmark::State& s) {
  lop::lfsr32 gen(1);
  elementwise<bf16_sr>(s, [&gen](bf16_sr x, bf16_sr y) { return lop::add(x, y, gen); });
}

BENCHMARK(native_float_add)->Arg(in_cache)->Arg(out_of_cache);
BENCHMARK(fp8_e4m3fn_add)->Arg(in_cache)->Arg(out_of_cache);
BENCHMARK(bf16_add)->Arg(in_cache)->Arg(out_of_cache);
BENCHMARK(fp16_add)->Arg(in_cache)->Arg(out_of_cache);
BENCHMARK(fp8_e4m3fn_add_array)->Arg(in_cache)->Arg(out_of_cache);
BENCHMARK(bf16_add_array)->Arg(in_cache)->Arg(out_of_cache);
BENCHMARK(fp16_add_array)->Arg(in_cache)->Arg(out_of_cache);
BENCHMARK(bf16_stochastic_add)->Arg(in_cache);
BENCHMARK(native_float_mul)->Arg(in_cache)->Arg(out_of_cache);
BENCHMARK(fp8_e4m3fn_mul)->Arg(in_cache)->Arg(out_of_cache);
BENCHMARK(bf16_mul)->Arg(in_cache)->Arg(out_of_cache);
BENCHMARK(fp16_mul)->Arg(in_cache)->Arg(out_of_cache);
BENCHMARK(fp8_e4m3fn_mul_array)->Arg(in_cache)->Arg(out_of_cache);
BENCHMARK(bf16_mul_array)->Arg(in_cache)->Arg(out_of_cache);
BENCHMARK(fp16_mul_array)->Arg(in_cache)->Arg(out_of_cache);

}  // namespace
