// A tour of lop::fixed: declare formats, compute exactly, quantize, use Eigen and lop::gemm.
#include <lop/lop.hpp>

#include <iostream>

int main() {
  // Q8.8 weights with convergent rounding and saturation; Q4.12 activations.
  constexpr auto weight_fmt = lop::sfix(16, 8, lop::rounding::half_even, lop::overflow::saturate);
  constexpr auto act_fmt = lop::sfix(16, 12, lop::rounding::half_even, lop::overflow::saturate);
  using weight = lop::fixed<weight_fmt>;
  using act = lop::fixed<act_fmt>;

  const weight w = 1.7;   // rounds to the nearest multiple of 2^-8
  const act x = -0.3;
  const auto p = w * x;   // exact: fixed<32,20,...>
  fmt::print("w = {} (bits {:b}), x = {}, w*x = {} exactly, as weight: {}\n", w, w, x, p, weight(p));
  fmt::print("format of w*x: {}\n", decltype(p)::format);

  // Eigen: matrices of fixed values; lop::gemm computes what the hardware PE computes.
  constexpr lop::pe_spec pe{weight_fmt, act_fmt,
                            lop::sfix(40, 20, lop::rounding::floor, lop::overflow::saturate),
                            lop::sfix(16, 8, lop::rounding::half_even, lop::overflow::saturate)};
  Eigen::Matrix<weight, 2, 3> W;
  W << 0.5, -1.25, 2.0, 0.125, 0.75, -0.5;
  Eigen::Matrix<act, 3, 1> X;
  X << 1.0, 0.5, -0.25;
  const auto Y = lop::gemm<pe>(W, X);
  std::cout << "W*X on the PE " << lop::to_string(pe) << ":\n" << Y << "\n";
  std::cout << "Eigen's own product (each product rounded to the weight format):\n" << (W * X.cast<weight>()) << "\n";
}
