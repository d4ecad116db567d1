// Throughput of lop::fixed element-wise ops and lop::gemm against native integers.
// Report ratios of items/s (lop / native) from the same run: see docs/benchmarks.md.
#include <benchmark/benchmark.h>

#include <cstdint>
#include <random>
#include <vector>

#include "gemm_bench.hpp"
#include "lop/gemm.hpp"

namespace {

using q16 = lop::sfixed<16, 8, lop::rounding::floor, lop::overflow::wrap>;
using q16_sat = lop::sfixed<16, 8, lop::rounding::half_even, lop::overflow::saturate>;
constexpr std::size_t n_elems = 1 << 16;

template <class T>
std::vector<T> random_vector(std::size_t n, unsigned seed) {
  std::mt19937 rng(seed);
  std::vector<T> v(n);
  for (auto& x : v) {
    if constexpr (lop::fixed_point<T>) {
      x = T::from_bits(rng());
    } else {
      x = static_cast<T>(rng());
    }
  }
  return v;
}

template <class T, class Op>
void elementwise(benchmark::State& state, Op op) {
  const auto a = random_vector<T>(n_elems, 1), b = random_vector<T>(n_elems, 2);
  std::vector<T> c(n_elems);
  for (auto _ : state) {
    for (std::size_t i = 0; i < n_elems; ++i) c[i] = op(a[i], b[i]);
    benchmark::DoNotOptimize(c.data());
    benchmark::ClobberMemory();
  }
  state.SetItemsProcessed(static_cast<std::int64_t>(state.iterations() * n_elems));
}

// Native baselines: int16 add wraps like a 16-bit register (computed in unsigned to stay
// defined); int16 "fixed" multiply keeps the middle 16 bits of the 32-bit product.
void native_add_i16(benchmark::State& s) {
  elementwise<std::int16_t>(s, [](std::int16_t x, std::int16_t y) {
    return static_cast<std::int16_t>(static_cast<std::uint16_t>(x) + static_cast<std::uint16_t>(y));
  });
}
void native_mul_i16(benchmark::State& s) {
  elementwise<std::int16_t>(s, [](std::int16_t x, std::int16_t y) {
    return static_cast<std::int16_t>((std::int32_t{x} * std::int32_t{y}) >> 8);
  });
}
// Hand-written saturating / round-half-even versions: what a careful programmer writes.
void native_add_sat_i16(benchmark::State& s) {
  elementwise<std::int16_t>(s, [](std::int16_t x, std::int16_t y) {
    const std::int32_t t = std::int32_t{x} + std::int32_t{y};
    return static_cast<std::int16_t>(t > 32767 ? 32767 : (t < -32768 ? -32768 : t));
  });
}
void native_mul_sat_half_even_i16(benchmark::State& s) {
  elementwise<std::int16_t>(s, [](std::int16_t x, std::int16_t y) {
    const std::int32_t p = std::int32_t{x} * std::int32_t{y};
    const std::int32_t q = (p >> 8) + (((p >> 7) & 1) & (((p & 0x7F) != 0) | ((p >> 8) & 1)));
    return static_cast<std::int16_t>(q > 32767 ? 32767 : (q < -32768 ? -32768 : q));
  });
}
void fixed_add_wrap(benchmark::State& s) {
  elementwise<q16>(s, [](q16 x, q16 y) { return q16(x + y); });
}
void fixed_mul_wrap(benchmark::State& s) {
  elementwise<q16>(s, [](q16 x, q16 y) { return q16(x * y); });
}
void fixed_add_sat(benchmark::State& s) {
  elementwise<q16_sat>(s, [](q16_sat x, q16_sat y) { return q16_sat(x + y); });
}
void fixed_mul_sat_half_even(benchmark::State& s) {
  elementwise<q16_sat>(s, [](q16_sat x, q16_sat y) { return q16_sat(x * y); });
}
BENCHMARK(native_add_i16);
BENCHMARK(fixed_add_wrap);
BENCHMARK(native_add_sat_i16);
BENCHMARK(fixed_add_sat);
BENCHMARK(native_mul_i16);
BENCHMARK(fixed_mul_wrap);
BENCHMARK(native_mul_sat_half_even_i16);
BENCHMARK(fixed_mul_sat_half_even);

using lop_bench::gemm_n;

void native_gemm_i32(benchmark::State& state) {
  std::mt19937 rng(3);
  Eigen::Matrix<std::int32_t, Eigen::Dynamic, Eigen::Dynamic> A(gemm_n, gemm_n), B(gemm_n, gemm_n), C;
  for (int i = 0; i < gemm_n * gemm_n; ++i) {
    A.data()[i] = static_cast<std::int16_t>(rng());
    B.data()[i] = static_cast<std::int16_t>(rng()) >> 4;  // keep int32 sums from overflowing
  }
  for (auto _ : state) {
    C.noalias() = A * B;
    benchmark::DoNotOptimize(C.data());
  }
  state.SetItemsProcessed(state.iterations() * gemm_n * gemm_n * gemm_n);
}

using lop_bench::fixed_gemm;

constexpr auto a16 = lop::sfix(16, 8);
constexpr auto out16 = lop::sfix(16, 8, lop::rounding::half_even, lop::overflow::saturate);
// 32-bit accumulator, wrap: the native modular kernel.
constexpr lop::pe_spec pe_wrap{a16, a16, lop::sfix(32, 16), out16};
// 32-bit saturating accumulator: per-MAC saturation, k order kept.
constexpr lop::pe_spec pe_sat{a16, a16, lop::sfix(32, 16, lop::rounding::floor, lop::overflow::saturate), out16};
// Round-to-nearest accumulator with fewer fraction bits: the exact PE model.
constexpr lop::pe_spec pe_seq{a16, a16, lop::sfix(32, 8, lop::rounding::half_even, lop::overflow::saturate), out16};

void gemm_wrap(benchmark::State& s) { fixed_gemm<pe_wrap>(s); }
void gemm_saturating(benchmark::State& s) { fixed_gemm<pe_sat>(s); }
void gemm_sequential(benchmark::State& s) { fixed_gemm<pe_seq>(s); }
BENCHMARK(native_gemm_i32)->Unit(benchmark::kMillisecond);
BENCHMARK(gemm_wrap)->Unit(benchmark::kMillisecond);
BENCHMARK(gemm_saturating)->Unit(benchmark::kMillisecond);
BENCHMARK(gemm_sequential)->Unit(benchmark::kMillisecond);

}  // namespace

BENCHMARK_MAIN();
