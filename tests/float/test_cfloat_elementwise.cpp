// lop::add/sub/mul/div over arrays (include/lop/elementwise.hpp) against the independent exact
// reference (reference_float.hpp), every result bit:
// - every operand pair of the 8-bit and smaller presets and a sweep of other small formats
//   (every encoding, odd biases), in one array whose length is not a multiple of the kernels'
//   step, so the scalar tail is covered too; through the public API (the AVX2/F16C kernel
//   where the CPU has it) and through the portable loop;
// - fp16 and other formats stored in 16 bits: every encoding as a against special and seeded
//   random b (LOP_FLOAT_SCALE scales the count);
// - formats the kernel does not take (bf16, fp32, no subnormals, e5m2fnuz, half_away,
//   stochastic with a generator) through the same API;
// plus in-place use, std::span/std::array/Eigen storage, and the size-mismatch error.
#include <catch2/catch.hpp>

#include <Eigen/Core>
#include <array>
#include <cstdint>
#include <cstdlib>
#include <random>
#include <span>
#include <stdexcept>
#include <string>
#include <vector>

#include "../unit/test_util.hpp"
#include "lop/elementwise.hpp"
#include "reference_float.hpp"

namespace {

using lop::float_format;
using lop::float_overflow;
using lop::rounding;
using lop::specials;
using lop::detail::float_op;
using unit::checker;
namespace formats = lop::formats;

constexpr std::uint64_t seed = 0xE1E3E27ULL;

long scale() {
  const char* s = std::getenv("LOP_FLOAT_SCALE");
  return s != nullptr && std::atol(s) > 0 ? std::atol(s) : 1;
}

const char* op_name(float_op op) {
  switch (op) {
    case float_op::add: return "add";
    case float_op::sub: return "sub";
    case float_op::mul: return "mul";
    case float_op::div: return "div";
  }
  return "?";
}

std::uint64_t reference(const float_format& f, float_op op, std::uint64_t a, std::uint64_t b, std::uint32_t rnd = 0) {
  const fref::value x = fref::decode(f, a);
  const fref::value y = fref::decode(f, b);
  switch (op) {
    case float_op::add: return fref::round(f, fref::op_add(x, y), rnd);
    case float_op::sub: return fref::round(f, fref::op_sub(x, y), rnd);
    case float_op::mul: return fref::round(f, fref::op_mul(x, y), rnd);
    case float_op::div: return fref::round(f, fref::op_div(x, y), rnd);
  }
  return 0;
}

template <float_format F>
void run_api(float_op op, const std::vector<lop::cfloat<F>>& a, const std::vector<lop::cfloat<F>>& b,
             std::vector<lop::cfloat<F>>& c) {
  switch (op) {
    case float_op::add: lop::add(a, b, c); break;
    case float_op::sub: lop::sub(a, b, c); break;
    case float_op::mul: lop::mul(a, b, c); break;
    case float_op::div: lop::div(a, b, c); break;
  }
}

template <float_format F>
void run_portable(float_op op, const std::vector<lop::cfloat<F>>& a, const std::vector<lop::cfloat<F>>& b,
                  std::vector<lop::cfloat<F>>& c) {
  typename lop::cfloat<F>::default_source g;
  using namespace lop::detail;
  switch (op) {
    case float_op::add: elementwise_loop<F, float_op::add>(a.data(), b.data(), c.data(), c.size(), g); break;
    case float_op::sub: elementwise_loop<F, float_op::sub>(a.data(), b.data(), c.data(), c.size(), g); break;
    case float_op::mul: elementwise_loop<F, float_op::mul>(a.data(), b.data(), c.data(), c.size(), g); break;
    case float_op::div: elementwise_loop<F, float_op::div>(a.data(), b.data(), c.data(), c.size(), g); break;
  }
}

// Every result of one operand list against the reference, through the API and the portable loop.
template <float_format F>
void check_pairs(const std::string& what, const std::vector<std::uint64_t>& as, const std::vector<std::uint64_t>& bs) {
  using T = lop::cfloat<F>;
  std::vector<T> a(as.size()), b(bs.size()), c(as.size());
  for (std::size_t i = 0; i < as.size(); ++i) {
    a[i] = T::from_bits(as[i]);
    b[i] = T::from_bits(bs[i]);
  }
  std::vector<std::uint64_t> want(as.size());
  for (const float_op op : {float_op::add, float_op::sub, float_op::mul, float_op::div}) {
    for (std::size_t i = 0; i < as.size(); ++i) want[i] = reference(F, op, as[i], bs[i]);
    for (const bool portable : {false, true}) {
      checker chk(what + " " + op_name(op) + (portable ? " (portable loop)" : ""));
      if (portable) {
        run_portable<F>(op, a, b, c);
      } else {
        run_api<F>(op, a, b, c);
      }
      for (std::size_t i = 0; i < c.size(); ++i) {
        chk.expect(c[i].bits() == want[i], [&] {
          return std::to_string(as[i]) + " " + op_name(op) + " " + std::to_string(bs[i]) + " at index " +
                 std::to_string(i) + " = " + std::to_string(c[i].bits()) + ", want " + std::to_string(want[i]);
        });
      }
      chk.done();
    }
  }
}

// Every pair of encodings, plus 45 more (a ragged tail for every kernel step).
template <float_format F>
void check_all_pairs() {
  const std::uint64_t n = std::uint64_t{1} << fref::wid(F);
  std::vector<std::uint64_t> as, bs;
  for (std::uint64_t x = 0; x < n; ++x)
    for (std::uint64_t y = 0; y < n; ++y) {
      as.push_back(x);
      bs.push_back(y);
    }
  std::mt19937_64 rng(seed);
  for (int i = 0; i < 45; ++i) {
    as.push_back(rng() % n);
    bs.push_back(rng() % n);
  }
  check_pairs<F>(lop::to_string(F), as, bs);
}

// Every encoding as a, against the special values of F and seeded random b.
template <float_format F>
void check_wide() {
  const int w = fref::wid(F);
  const std::uint64_t n = std::uint64_t{1} << w;
  const std::uint64_t sign = fref::signbit(F);
  const std::uint64_t m = std::uint64_t{1} << F.man_bits;
  std::vector<std::uint64_t> special{0, 1, m - 1, m, m + 1, 2 * m, fref::mask(w - 1) - 1, fref::mask(w - 1),
                                     (std::uint64_t{F.bias} << F.man_bits), (std::uint64_t{F.bias} << F.man_bits) + 1};
  const std::size_t ns = special.size();
  for (std::size_t i = 0; i < ns; ++i) special.push_back(special[i] | sign);
  std::mt19937_64 rng(seed ^ static_cast<std::uint64_t>(w));
  const long randoms = 6 * scale();
  std::vector<std::uint64_t> as, bs;
  for (std::uint64_t x = 0; x < n; ++x) {
    for (const std::uint64_t y : special) {
      as.push_back(x);
      bs.push_back(y);
    }
    for (long r = 0; r < randoms; ++r) {
      as.push_back(x);
      bs.push_back(rng() % n);
    }
  }
  for (int i = 0; i < 13; ++i) {
    as.push_back(rng() % n);
    bs.push_back(rng() % n);
  }
  check_pairs<F>(lop::to_string(F), as, bs);
}

constexpr float_format small(int e, int m, int bias, specials enc, float_overflow ovf) {
  return float_format{e, m, bias, true, enc, rounding::half_even, ovf};
}

}  // namespace

TEST_CASE("elementwise: the kernel covers the formats it is meant for", "[float][elementwise]") {
  using lop::detail::half_kernel_ok;
  STATIC_REQUIRE(half_kernel_ok<formats::fp8_e4m3fn, float_op::add>);
  STATIC_REQUIRE(half_kernel_ok<formats::fp8_e4m3fn, float_op::mul>);
  STATIC_REQUIRE(half_kernel_ok<formats::fp8_e5m2, float_op::mul>);
  STATIC_REQUIRE(half_kernel_ok<formats::fp8_e4m3fnuz, float_op::sub>);
  STATIC_REQUIRE(half_kernel_ok<formats::fp6_e2m3fn, float_op::add>);
  STATIC_REQUIRE(half_kernel_ok<formats::fp4_e2m1fn, float_op::mul>);
  STATIC_REQUIRE(half_kernel_ok<formats::fp16, float_op::add>);
  STATIC_REQUIRE(!half_kernel_ok<formats::fp16, float_op::div>);
  STATIC_REQUIRE(!half_kernel_ok<formats::bf16, float_op::add>);
#if LOP_X86_SIMD
  if (!lop::detail::cpu_has_avx2_f16c()) WARN("this CPU lacks AVX2 or F16C: only the portable loop runs here");
#else
  WARN("not an x86-64 GCC/Clang build: only the portable loop exists");
#endif
}

TEST_CASE("elementwise: every operand pair of small formats", "[float][elementwise]") {
  check_all_pairs<formats::fp8_e4m3fn>();
  check_all_pairs<formats::fp8_e5m2>();
  check_all_pairs<formats::fp8_e4m3fnuz>();
  check_all_pairs<formats::fp8_e5m2fnuz>();  // not the kernel's (half lacks its top binade)
  check_all_pairs<formats::fp6_e2m3fn>();
  check_all_pairs<formats::fp6_e3m2fn>();
  check_all_pairs<formats::fp4_e2m1fn>();
  check_all_pairs<small(4, 3, 7, specials::ieee, float_overflow::infinity)>();
  check_all_pairs<small(4, 3, 7, specials::fn, float_overflow::infinity)>();  // overflow -> NaN
  check_all_pairs<small(4, 3, 12, specials::fn, float_overflow::saturate)>();
  check_all_pairs<small(3, 3, 2, specials::fnuz, float_overflow::saturate)>();
  check_all_pairs<small(5, 2, 13, specials::ieee, float_overflow::infinity)>();
  check_all_pairs<small(5, 2, 15, specials::ieee, float_overflow::saturate)>();  // not the kernel's
  check_all_pairs<small(3, 2, 0, specials::none, float_overflow::saturate)>();
  check_all_pairs<small(5, 1, 20, specials::fnuz, float_overflow::infinity)>();
  check_all_pairs<small(2, 1, 3, specials::ieee, float_overflow::infinity)>();
  check_all_pairs<small(4, 0, 7, specials::fn, float_overflow::saturate)>();  // man_bits 0: not the kernel's
  check_all_pairs<float_format{4, 3, 7, false, specials::fn, rounding::half_even, float_overflow::saturate}>();
  check_all_pairs<float_format{4, 3, 7, true, specials::fn, rounding::half_away, float_overflow::saturate}>();
}

TEST_CASE("elementwise: formats stored in 16 bits", "[float][elementwise]") {
  check_wide<formats::fp16>();
  check_wide<float_format{5, 10, 15, true, specials::ieee, rounding::half_even, float_overflow::saturate}>();
  check_wide<float_format{4, 10, 7, true, specials::ieee, rounding::half_even, float_overflow::infinity}>();
  check_wide<float_format{3, 10, 4, true, specials::fnuz, rounding::half_even, float_overflow::infinity}>();
  check_wide<float_format{4, 10, 9, true, specials::fn, rounding::half_even, float_overflow::saturate}>();
  check_wide<formats::bf16>();
}

TEST_CASE("elementwise: wider formats and stochastic rounding", "[float][elementwise]") {
  using fp32 = lop::cfloat<formats::fp32>;
  std::mt19937_64 rng(seed);
  std::vector<fp32> a(1001), b(1001), c(1001);
  for (std::size_t i = 0; i < a.size(); ++i) {
    a[i] = fp32::from_bits(rng());
    b[i] = fp32::from_bits(rng());
  }
  checker chk("fp32 add/mul vs reference");
  lop::add(a, b, c);
  for (std::size_t i = 0; i < c.size(); ++i)
    chk.expect(c[i].bits() == reference(formats::fp32, float_op::add, a[i].bits(), b[i].bits()), [&] { return i; });
  lop::mul(a, b, c);
  for (std::size_t i = 0; i < c.size(); ++i)
    chk.expect(c[i].bits() == reference(formats::fp32, float_op::mul, a[i].bits(), b[i].bits()), [&] { return i; });
  chk.done();

  // Stochastic bf16 with a generator: the draws go to the elements in order, as in a loop of
  // scalar calls; each result is the reference rounding with that element's draw.
  constexpr float_format sr = formats::bf16.with_rounding(rounding::stochastic);
  using T = lop::cfloat<sr>;
  std::vector<T> x(777), y(777), z(777);
  for (std::size_t i = 0; i < x.size(); ++i) {
    x[i] = T::from_bits(rng());
    y[i] = T::from_bits(rng());
  }
  lop::lfsr32 gen(99), replay(99);
  lop::add(x, y, z, gen);
  checker s("bf16 stochastic add with a generator");
  for (std::size_t i = 0; i < z.size(); ++i) {
    const std::uint32_t draw = replay();
    s.expect(z[i].bits() == reference(sr, float_op::add, x[i].bits(), y[i].bits(), draw), [&] { return i; });
  }
  s.done();
}

TEST_CASE("elementwise: in place, other containers, and errors", "[float][elementwise]") {
  using T = lop::fp8_e4m3fn_t;
  std::vector<T> a(100), b(100), sum(100);
  for (std::size_t i = 0; i < a.size(); ++i) {
    a[i] = T::from_bits(static_cast<std::uint8_t>(i * 37 + 5));
    b[i] = T::from_bits(static_cast<std::uint8_t>(i * 11 + 3));
  }
  lop::add(a, b, sum);
  std::vector<T> in_place = a;
  lop::add(in_place, b, in_place);
  for (std::size_t i = 0; i < a.size(); ++i) {
    CHECK(in_place[i].bits() == sum[i].bits());
    CHECK(sum[i].bits() == (a[i] + b[i]).bits());
  }

  std::array<T, 40> arr{};
  lop::mul(std::span(a).first(40), std::span(b).subspan(60), arr);
  for (std::size_t i = 0; i < arr.size(); ++i) CHECK(arr[i].bits() == (a[i] * b[i + 60]).bits());

  Eigen::Array<lop::fp16_t, Eigen::Dynamic, 1> e(50), f(50), g(50);
  for (Eigen::Index i = 0; i < e.size(); ++i) {
    e[i] = lop::fp16_t(0.1 * static_cast<double>(i));
    f[i] = lop::fp16_t(1.0 / (1.0 + static_cast<double>(i)));
  }
  lop::sub(std::span(e.data(), 50), std::span(f.data(), 50), std::span(g.data(), 50));
  for (Eigen::Index i = 0; i < e.size(); ++i) CHECK(g[i].bits() == (e[i] - f[i]).bits());

  std::vector<T> shorter(99);
  CHECK_THROWS_WITH(lop::add(a, b, shorter), Catch::Contains("different sizes") && Catch::Contains("out: 99"));
  CHECK_THROWS_AS(lop::div(a, shorter, sum), std::invalid_argument);
}
