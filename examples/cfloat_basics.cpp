// lop::cfloat in a few lines: the ML float formats as C++ types, their exact rounding, and a
// bf16 matrix product with an fp32 accumulator computed exactly as the hardware PE would.
// Every printed value is checked by hand in the comments (and by ctest: example.cfloat_basics).
#include <lop/lop.hpp>

int main() {
  // Presets are the published formats; arithmetic rounds once, in the format's mode.
  const lop::fp8_e4m3fn_t a = 3.3;           // nearest e4m3 value: 3.25 (quantum 0.25 in [2,4))
  const lop::fp8_e4m3fn_t b = 500;           // above max finite 448: fn formats saturate
  fmt::print("e4m3: {} {} {:b}\n", a, b, b);  // 3.25 448 01111110
  fmt::print("e4m3 max {} lowest {}\n", std::numeric_limits<lop::fp8_e4m3fn_t>::max(),
             std::numeric_limits<lop::fp8_e4m3fn_t>::lowest());  // 448 -448

  const lop::bf16_t x = 1.0, eps = 0x1p-8;  // 1 + 2^-8 is a tie between 1 and 1 + 2^-7
  fmt::print("bf16: {} {}\n", x + eps, x + 3 * eps);  // ties to even: 1, and 1 + 1.5 * 2^-7 -> 1.015625

  // Stochastic rounding: a reproducible generator decides each rounding; the mean is exact.
  constexpr lop::float_format sr = lop::formats::bf16.with_rounding(lop::rounding::stochastic);
  lop::lfsr32 gen(2024);
  double sum = 0;
  for (int i = 0; i < 4096; ++i) sum += static_cast<double>(lop::add(lop::cfloat<sr>(1.0), lop::cfloat<sr>(eps), gen));
  fmt::print("stochastic mean {:.4f}\n", sum / 4096);  // close to 1.0039 (= 1 + 2^-8)

  // A bf16 x bf16 PE with an fp32 accumulator: lop::gemm is that PE, bit for bit.
  constexpr lop::pe_spec pe{lop::formats::bf16, lop::formats::bf16, lop::formats::fp32, lop::formats::bf16};
  Eigen::Matrix<lop::bf16_t, 1, 3> W;
  Eigen::Matrix<lop::bf16_t, 3, 1> X;
  W << 1.0, 0x1p-9, 0x1p-9;  // fp32 accumulates 1 + 2^-9 + 2^-9 = 1 + 2^-8 exactly...
  X << 1.0, 1.0, 1.0;
  const auto Y = lop::gemm<pe>(W, X);  // ...and the bf16 output rounds that tie to even: 1
  fmt::print("gemm {} ({})\n", Y(0, 0), lop::to_string(pe.acc));
  Eigen::Matrix<lop::bf16_t, 1, 3> N = W;
  N(0, 2) = 0x1p-7;  // 1 + 2^-9 + 2^-7 = 1.009765625 rounds up to 1 + 2^-7 = 1.0078125
  fmt::print("gemm {}\n", lop::gemm<pe>(N, X)(0, 0));
}
