// Throughput of lop::cfloat element-wise arithmetic against native float in the same run
// (docs/benchmarks.md). Operands: N(0, 1) samples rounded into each format (ML-like data).
#include <benchmark/benchmark.h>

#include <cstdint>
#include <random>
#include <vector>

#include "lop/cfloat.hpp"

namespace {

constexpr std::size_t n_floats = 1 << 16;

template <class T>
std::vector<T> normal_vector(std::size_t n, unsigned seed) {
  std::mt19937 rng(seed);
  std::normal_distribution<double> dist(0.0, 1.0);
  std::vector<T> v(n);
  for (auto& x : v) x = T(dist(rng));
  return v;
}

template <class T, class Op>
void elementwise(benchmark::State& state, Op op) {
  const auto a = normal_vector<T>(n_floats, 1), b = normal_vector<T>(n_floats, 2);
  std::vector<T> c(n_floats);
  for (auto _ : state) {
    for (std::size_t i = 0; i < n_floats; ++i) c[i] = op(a[i], b[i]);
    benchmark::DoNotOptimize(c.data());
    benchmark::ClobberMemory();
  }
  state.SetItemsProcessed(static_cast<std::int64_t>(state.iterations() * n_floats));
}

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
// The exact model without a fast path (stochastic rounding), for scale.
using bf16_sr = lop::cfloat<lop::float_format{8, 7, 127, true, lop::specials::ieee, lop::rounding::stochastic,
                                              lop::float_overflow::infinity}>;
void bf16_stochastic_add(benchmark::State& s) {
  lop::lfsr32 gen(1);
  elementwise<bf16_sr>(s, [&gen](bf16_sr x, bf16_sr y) { return lop::add(x, y, gen); });
}

BENCHMARK(native_float_add);
BENCHMARK(fp8_e4m3fn_add);
BENCHMARK(bf16_add);
BENCHMARK(fp16_add);
BENCHMARK(bf16_stochastic_add);
BENCHMARK(native_float_mul);
BENCHMARK(fp8_e4m3fn_mul);
BENCHMARK(bf16_mul);
BENCHMARK(fp16_mul);

}  // namespace
