// Approximate multipliers in a few lines: one descriptor gives the C++ model, the error
// metrics, the PE and lop::gemm (and, through lop-hwgen amul / pe, the Verilog). Your own
// circuit joins as a table multiplier.
// Every printed product is checked by hand in the comments (and by ctest: example.approx_basics).
#include <lop/lop.hpp>

int main() {
  using T = lop::fixed<lop::sfix(8, 0)>;  // 8-bit integers, -128..127
  const T x = 100, y = 57;

  // DRUM, k = 4: 100 = 0b1100100 keeps 1100 with its lsb set, 1101 = 13, shifted by 3: 104;
  // 57 = 0b111001 keeps 1110 -> 1111 = 15, shifted by 2: 60; 13 * 15 = 195, << 5 = 6240.
  constexpr lop::multiplier drum = lop::multiplier::drum(4);
  fmt::print("{}: 100 * 57 = {} (exact {})\n", lop::to_string(drum), lop::multiply<drum>(x, y), x * y);

  // Mitchell: log2 100 ~ 6 + 36/64, log2 57 ~ 5 + 25/32; the fractions sum to 1.34375 >= 1,
  // so the antilog is 2^(6+5+1) * 1.34375 = 5504.
  constexpr lop::multiplier mitchell = lop::multiplier::mitchell();  // lop::parse_multiplier("mitchell") at run time
  fmt::print("{}: 100 * 57 = {}\n", lop::to_string(mitchell), lop::multiply<mitchell>(x, y));

  // Error metrics over every pair of unsigned 8-bit operands: Mitchell's worst relative error
  // is 1/9 (fractions 1/2 and 1/2: 3 * 3 -> 8).
  const lop::error_metrics m = lop::metrics(mitchell, {8, false}, {8, false});
  fmt::print("mitchell u8: {} pairs, MRED {:.2f} %, WCRE {:.2f} %\n", m.pairs, 100 * m.mred, 100 * m.wcre);

  // A PE with the DRUM multiplier; lop::gemm computes exactly what it would:
  // 100 * 57 and 57 * 100 are 6240 each, 3 * 5 = 15 is exact (both below 2^4): 12495.
  constexpr auto acc = lop::sfix(32, 0);
  constexpr lop::pe_spec pe{lop::sfix(8, 0), lop::sfix(8, 0), acc, acc, drum};
  Eigen::Matrix<T, 1, 3> W;
  Eigen::Matrix<T, 3, 1> X;
  W << 100, 57, 3;
  X << 57, 100, 5;
  fmt::print("gemm {}: {} (exact {})\n", lop::to_string(pe.mul), lop::gemm<pe>(W, X)(0, 0), 100 * 57 + 57 * 100 + 3 * 5);

  // Your own circuit: a table multiplier from its products (or a function, or a table file),
  // here Kulkarni's 2 x 2 block, exact except 3 x 3 = 7. lop-hwgen --table puts its Verilog
  // module inside the PE (docs/multipliers.md, "Table multipliers").
  lop::register_table_multiplier(lop::table_multiplier("udm2", {2, false}, {2, false},
                                                       std::vector<std::int64_t>{0, 0, 0, 0,    // a = 0
                                                                                 0, 1, 2, 3,    // a = 1
                                                                                 0, 2, 4, 6,    // a = 2
                                                                                 0, 3, 6, 7}));  // a = 3
  constexpr lop::multiplier udm2 = lop::multiplier::table("udm2");
  constexpr auto u2 = lop::ufix(2, 0);
  constexpr lop::pe_spec tpe{u2, u2, acc, acc, udm2};
  using U = lop::fixed<u2>;
  Eigen::Matrix<U, 1, 3> A;
  Eigen::Matrix<U, 3, 1> B;
  A << 3, 2, 1;
  B << 3, 3, 3;
  // 3 * 3 -> 7, 2 * 3 = 6, 1 * 3 = 3: 16; one pair in 16 is wrong.
  fmt::print("gemm {}: {} (exact 18), error rate {} %\n", lop::to_string(udm2), lop::gemm<tpe>(A, B)(0, 0),
             100 * lop::metrics(udm2, {2, false}, {2, false}).error_rate);
}
