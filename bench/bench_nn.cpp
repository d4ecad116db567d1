// One pass over Fashion-MNIST's 10,000 test images with the default network
// (examples/data/fashion_cnn.lopnet), in float (the native baseline) and through lop's PEs —
// 8-bit fixed point, fp8 e4m3 with an fp32 accumulator, and the 8-bit fixed PE with each family
// of approximate multiplier (the passes a configuration search repeats) — in the same run, one
// core. Reported: seconds per pass (the benchmark's time) and the test accuracy. Needs
// Debian's dataset-fashion-mnist; without it the benchmarks say so and skip.
#include <benchmark/benchmark.h>

#include <filesystem>
#include <memory>
#include <string>

#include "lop/nn/dataset.hpp"
#include "lop/nn/network_io.hpp"
#include "lop/nn/quantized.hpp"

namespace {

struct fashion {
  lop::nn::network net;
  lop::nn::dataset test;
  std::map<std::size_t, lop::nn::layer_range> ranges;
};

const fashion* data() {
  static const std::unique_ptr<fashion> d = []() -> std::unique_ptr<fashion> {
    if (!std::filesystem::exists(lop::nn::fashion_mnist_dir / "t10k-images-idx3-ubyte.gz")) return nullptr;
    auto f = std::make_unique<fashion>();
    f->net = lop::nn::read_network(LOP_DEFAULT_NETWORK);
    f->test = lop::nn::load_fashion_mnist(lop::nn::split::test);
    const auto train = lop::nn::load_fashion_mnist(lop::nn::split::train);
    f->ranges = lop::nn::calibrate(f->net, lop::nn::slice(train.images, 0, 1000));
    return f;
  }();
  return d.get();
}

void pass(benchmark::State& state, const char* pe) {
  const fashion* d = data();
  if (d == nullptr) {
    state.SkipWithError("dataset-fashion-mnist is not installed (apt-get install dataset-fashion-mnist)");
    return;
  }
  double acc = 0;
  for (auto _ : state) {
    if (pe == nullptr) {
      acc = lop::nn::accuracy(d->net, d->test);
    } else {
      lop::nn::pe_arithmetic arith(lop::nn::layer_specs(d->net, d->ranges, {{lop::parse_pe_spec(pe), 0}}));
      acc = lop::nn::accuracy(d->net, d->test, arith);
    }
  }
  state.counters["accuracy_pct"] = 100 * acc;
  state.counters["images_per_s"] = benchmark::Counter(static_cast<double>(d->test.size()), benchmark::Counter::kIsIterationInvariantRate);
}

void BM_fashion_float(benchmark::State& s) { pass(s, nullptr); }
// The 8-bit fixed PE lop-explore's built-in sweep starts from, with multiplier `mul` ("" exact).
std::string fixed8(const std::string& mul) {
  return "pe<a=fixed<8,0,signed,half_even,saturate>,b=fixed<8,0,unsigned,half_even,saturate>,"
         "acc=fixed<32,0,signed,floor,saturate>,out=fixed<16,0,signed,half_even,saturate>" +
         (mul.empty() ? std::string() : ",mul=" + mul) + ">";
}
void BM_fashion_fixed8(benchmark::State& s) { pass(s, fixed8("").c_str()); }
void BM_fashion_fp8(benchmark::State& s) { pass(s, "pe<a=fp8_e4m3fn,b=fp8_e4m3fn,acc=fp32,out=fp16>"); }
void BM_fashion_approx8(benchmark::State& s, const char* mul) { pass(s, fixed8(mul).c_str()); }

}  // namespace

BENCHMARK(BM_fashion_float)->Unit(benchmark::kSecond)->Iterations(1);
BENCHMARK(BM_fashion_fixed8)->Unit(benchmark::kSecond)->Iterations(1);
BENCHMARK(BM_fashion_fp8)->Unit(benchmark::kSecond)->Iterations(1);
BENCHMARK_CAPTURE(BM_fashion_approx8, drum_k4, "drum<k=4>")->Unit(benchmark::kSecond)->Iterations(1);
BENCHMARK_CAPTURE(BM_fashion_approx8, drum_k4_exact, "drum<k=4,negate=exact>")->Unit(benchmark::kSecond)->Iterations(1);
BENCHMARK_CAPTURE(BM_fashion_approx8, mitchell, "mitchell")->Unit(benchmark::kSecond)->Iterations(1);
BENCHMARK_CAPTURE(BM_fashion_approx8, truncated_t6, "truncated<t=6,correction=constant>")
    ->Unit(benchmark::kSecond)
    ->Iterations(1);
BENCHMARK_CAPTURE(BM_fashion_approx8, broken_array, "broken_array<h=2,v=6>")->Unit(benchmark::kSecond)->Iterations(1);
BENCHMARK_CAPTURE(BM_fashion_approx8, axbxp_fixed, "axbxp<k=2,na=3,nb=3,l=6,select=fixed>")
    ->Unit(benchmark::kSecond)
    ->Iterations(1);
BENCHMARK_CAPTURE(BM_fashion_approx8, axbxp_dynamic, "axbxp<k=2,na=2,nb=2,l=3,select=dynamic>")
    ->Unit(benchmark::kSecond)
    ->Iterations(1);
