// The README's 20-line example, built and run by the test suite so it stays true.
#include <lop/lop.hpp>                  // the header-only library
#include <lop/hw/generators.hpp>        // lop::hwgen: Verilog for the same descriptors
#include <fstream>

constexpr auto q = lop::sfix(8, 6, lop::rounding::half_even, lop::overflow::saturate);
constexpr lop::pe_spec pe{q, q, lop::sfix(24, 12, lop::rounding::floor, lop::overflow::saturate), q};

int main() {
  Eigen::Matrix<lop::fixed<q>, 2, 2> W, X;
  W << 0.5, -1.25, 0.75, 0.3;            // values are rounded (half-even) into fixed<8,6>
  X << 1.0, 0.25, -0.5, 2.5;             // 2.5 saturates to 1.984375
  const auto Y = lop::gemm<pe>(W, X);    // exact products, 24-bit accumulator, one rounding
  fmt::print("{} = {:b}\n", Y(0, 0), Y(0, 0));  // 1.125 = 01001000

  std::ofstream("pe.v") << lop::hw::processing_element(pe).emit();  // the PE's modules
  lop::pe_model model(pe);               // ...and its bit-exact model: co-simulate with
  model.mac(W(0, 0).raw(), X(0, 0).raw(), true);   // the Verilated pe.v (examples/pe_demo.cpp)
  model.mac(W(0, 1).raw(), X(1, 0).raw());
  fmt::print("{}\n", lop::fixed<q>::from_bits(model.out()) == Y(0, 0));  // true
}
