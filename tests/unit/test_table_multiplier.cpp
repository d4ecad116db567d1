// Table multipliers (lop/table_multiplier.hpp): a circuit given by a function or a table file
// is simulated with exactly those products everywhere a multiplier is used (multiply_raw,
// lop::multiply, the PE model, lop::gemm's table and per-product paths, Eigen, metrics). The
// reference is the function itself, here Kulkarni et al.'s underdesigned multiplier
// (user_circuits.hpp), computed independently of lop. Malformed tables,
// names and uses get the errors the docs promise.
#include <catch2/catch.hpp>

#include <cstdint>
#include <filesystem>
#include <fstream>
#include <sstream>
#include <string>
#include <vector>

#include "lop/approximate.hpp"
#include "lop/eigen.hpp"
#include "lop/gemm.hpp"
#include "lop/metrics.hpp"
#include "lop/pe.hpp"
#include "lop/pe_spec.hpp"
#include "lop/table_multiplier.hpp"
#include "user_circuits.hpp"

namespace {

using lop::multiplier;
using lop::operand_shape;
using lop::table_multiplier;
using lop::detail::i128;

using user_circuits::udm;

const operand_shape u8{8, false};
const operand_shape u16{16, false};

std::filesystem::path temp_file(const std::string& name, const std::string& text) {
  const auto p = std::filesystem::temp_directory_path() / ("lop_test_table_" + name);
  std::ofstream(p, std::ios::binary) << text;
  return p;
}

std::string error_of(const std::function<void()>& f) {
  try {
    f();
  } catch (const lop::format_error& e) {
    return e.what();
  }
  return "(no error)";
}

}  // namespace

TEST_CASE("table multipliers: descriptor text and names", "[table]") {
  constexpr multiplier m = multiplier::table("udm8");
  static_assert(m.kind == lop::multiplier_kind::table && m.table_name() == "udm8" && lop::validate(m) == nullptr);
  CHECK(lop::to_string(m) == "table<name=udm8>");
  CHECK(lop::parse_multiplier("table<name=udm8>") == m);
  CHECK(lop::parse_multiplier(" table < name = udm8 > ") == m);
  const auto s = lop::parse_pe_spec(
      "pe<a=fixed<8,0,unsigned>,b=fixed<8,0,unsigned>,acc=fixed<24,0>,out=fixed<24,0>,mul=table<name=udm8>>");
  CHECK(s.mul == m);
  CHECK(lop::to_string(s).find("mul=table<name=udm8>") != std::string::npos);
  CHECK_THROWS_WITH(lop::parse_multiplier("table"), Catch::Contains("table<name=NAME>"));
  CHECK_THROWS_WITH(lop::parse_multiplier("table<name=9lives>"), Catch::Contains("starts with a letter"));
  CHECK_THROWS_WITH(lop::parse_multiplier("table<name=" + std::string(32, 'x') + ">"), Catch::Contains("at most 31"));
  CHECK_THROWS_WITH(lop::parse_multiplier("drum<k=4,name=x>"), Catch::Contains("only a table multiplier has a name"));
  CHECK(lop::validate(multiplier::table(std::string(32, 'x'))) != nullptr);
  CHECK(lop::validate(multiplier::table("")) != nullptr);
  CHECK(lop::validate(multiplier::table("a-b")) != nullptr);
}

TEST_CASE("table multipliers: a function's products everywhere a multiplier is used", "[table]") {
  lop::register_table_multiplier(
      table_multiplier("udm8", u8, u8, [](std::int64_t a, std::int64_t b) {
        return static_cast<std::int64_t>(udm(static_cast<std::uint64_t>(a), static_cast<std::uint64_t>(b), 8));
      }));
  constexpr multiplier m = multiplier::table("udm8");
  const lop::multiplier_model model(m, u8, u8);
  long wrong = 0;
  for (std::uint64_t a = 0; a < 256; ++a)
    for (std::uint64_t b = 0; b < 256; ++b) {
      const auto want = static_cast<i128>(udm(a, b, 8));
      const i128 x = static_cast<i128>(a), y = static_cast<i128>(b);
      wrong += lop::multiply_raw(m, x, u8, y, u8) != want;
      wrong += model(x, y) != want;
    }
  CHECK(wrong == 0);
  CHECK(udm(255, 255, 8) != 255 * 255);  // the circuit is approximate

  // lop::multiply on fixed values, and element-wise on Eigen matrices.
  constexpr lop::fixed_format q{8, 4, false, lop::rounding::floor, lop::overflow::wrap};
  using T = lop::fixed<q>;
  const auto p = lop::multiply<m>(T::from_bits(0xFF), T::from_bits(0x33));
  CHECK(static_cast<std::uint64_t>(p.raw()) == udm(0xFF, 0x33, 8));
  static_assert(decltype(p)::format.width == 17 && decltype(p)::format.frac == 8);
  Eigen::Matrix<T, 2, 3> A, B;
  lop::lfsr32 g(3);
  for (Eigen::Index i = 0; i < A.size(); ++i) {
    A.data()[i] = T::from_bits(g());
    B.data()[i] = T::from_bits(g());
  }
  const auto P = lop::multiply<m>(A, B).eval();
  for (Eigen::Index i = 0; i < A.size(); ++i)
    CHECK(static_cast<std::uint64_t>(P.data()[i].raw()) ==
          udm(static_cast<std::uint64_t>(A.data()[i].raw()), static_cast<std::uint64_t>(B.data()[i].raw()), 8));

  // The PE model and lop::gemm (the 8-bit table path) accumulate exactly these products.
  constexpr lop::fixed_format acc{32, 8, true, lop::rounding::floor, lop::overflow::wrap};
  constexpr lop::pe_spec S{q, q, acc, acc, m, 0};
  CHECK(lop::gemm_kernel_for(S, 9) == lop::gemm_kernel::wrap);
  Eigen::Matrix<T, Eigen::Dynamic, Eigen::Dynamic> X(4, 9), Y(9, 5);
  for (Eigen::Index i = 0; i < X.size(); ++i) X.data()[i] = T::from_bits(g());
  for (Eigen::Index i = 0; i < Y.size(); ++i) Y.data()[i] = T::from_bits(g());
  const auto C = lop::gemm<S>(X, Y);
  for (Eigen::Index i = 0; i < 4; ++i)
    for (Eigen::Index j = 0; j < 5; ++j) {
      std::uint64_t sum = 0;
      lop::pe_model pe(S);
      for (Eigen::Index k = 0; k < 9; ++k) {
        sum += udm(static_cast<std::uint64_t>(X(i, k).raw()), static_cast<std::uint64_t>(Y(k, j).raw()), 8);
        pe.mac(X(i, k).raw(), Y(k, j).raw());
      }
      CHECK(static_cast<std::uint64_t>(C(i, j).raw()) == sum);
      CHECK(static_cast<std::uint64_t>(pe.acc()) == sum);
    }

  // Metrics of the table equal the ones counted here.
  long errors = 0;
  double sum_ed = 0;
  for (std::uint64_t a = 0; a < 256; ++a)
    for (std::uint64_t b = 0; b < 256; ++b) {
      const double e = static_cast<double>(udm(a, b, 8)) - static_cast<double>(a * b);
      errors += e != 0;
      sum_ed += e < 0 ? -e : e;
    }
  const auto mt = lop::metrics(m, u8, u8);
  CHECK(mt.error_rate == Approx(static_cast<double>(errors) / 65536.0));
  CHECK(mt.med == Approx(sum_ed / 65536.0));
  CHECK(mt.bias < 0);  // 3 x 3 = 7 only ever loses
}

TEST_CASE("table multipliers: 16-bit operands through a function, per product", "[table]") {
  lop::register_table_multiplier(table_multiplier("udm16", u16, u16, [](std::int64_t a, std::int64_t b) {
    return static_cast<std::int64_t>(udm(static_cast<std::uint64_t>(a), static_cast<std::uint64_t>(b), 16));
  }));
  constexpr multiplier m = multiplier::table("udm16");
  constexpr lop::fixed_format q{16, 8, false, lop::rounding::floor, lop::overflow::wrap};
  constexpr lop::fixed_format acc{48, 16, true, lop::rounding::floor, lop::overflow::wrap};
  constexpr lop::pe_spec S{q, q, acc, acc, m, 0};
  using T = lop::fixed<q>;
  Eigen::Matrix<T, Eigen::Dynamic, Eigen::Dynamic> X(3, 11), Y(11, 4);
  lop::lfsr32 g(77);
  for (Eigen::Index i = 0; i < X.size(); ++i) X.data()[i] = T::from_bits(g());
  for (Eigen::Index i = 0; i < Y.size(); ++i) Y.data()[i] = T::from_bits(g());
  const auto C = lop::gemm<S>(X, Y);
  for (Eigen::Index i = 0; i < 3; ++i)
    for (Eigen::Index j = 0; j < 4; ++j) {
      std::uint64_t sum = 0;
      for (Eigen::Index k = 0; k < 11; ++k)
        sum += udm(static_cast<std::uint64_t>(X(i, k).raw()), static_cast<std::uint64_t>(Y(k, j).raw()), 16);
      CHECK(static_cast<std::uint64_t>(C(i, j).raw()) == sum);
    }
  const auto s = lop::metrics(m, u16, u16, 100000, 5);
  CHECK(s.from == lop::error_metrics::source::sampled);
  CHECK(s.error_rate > 0);
}

TEST_CASE("table multipliers: table files, signed operands, write and read back", "[table]") {
  // A signed 6 x 5 circuit: the exact product with its two lowest bits cleared (floor to 4).
  const operand_shape s6{6, true}, s5{5, true};
  const auto floor4 = user_circuits::floor4;
  std::ostringstream os;
  lop::write_product_table(os, s6, s5, floor4, "a*b floored to a multiple of 4");
  const auto file = temp_file("floor4.tbl", os.str());
  lop::register_table_multiplier(table_multiplier::read("floor4", file));
  const multiplier m = multiplier::table("floor4");
  long wrong = 0;
  for (std::int64_t a = -32; a < 32; ++a)
    for (std::int64_t b = -16; b < 16; ++b) wrong += lop::multiply_raw(m, a, s6, b, s5) != floor4(a, b);
  CHECK(wrong == 0);
  // The file's layout: header, then one line per a bit pattern (0, 1, ..., 63 = -1).
  std::istringstream lines(os.str());
  std::string line;
  std::getline(lines, line);
  CHECK(line == "# a*b floored to a multiple of 4");
  std::getline(lines, line);
  CHECK(line == "lop-product-table a=s6 b=s5");
  std::getline(lines, line);  // a = 0
  CHECK(line == "0 0 0 0 0 0 0 0 0 0 0 0 0 0 0 0 0 0 0 0 0 0 0 0 0 0 0 0 0 0 0 0");
  std::getline(lines, line);  // a = 1: b = 0..15 then -16..-1
  CHECK(line.rfind("0 0 0 0 4 4 4 4 8", 0) == 0);

  // Any multiplier exports as a table that reads back to the same products.
  std::ostringstream drum;
  const multiplier d = multiplier::drum(4);
  lop::write_product_table(drum, u8, u8, [&](std::int64_t a, std::int64_t b) {
    return static_cast<std::int64_t>(lop::multiply_raw(d, a, u8, b, u8));
  });
  lop::register_table_multiplier(table_multiplier::read("drum4", temp_file("drum4.tbl", drum.str())));
  const auto md = lop::metrics(multiplier::table("drum4"), u8, u8);
  const auto me = lop::metrics(d, u8, u8);
  CHECK(md.mred == me.mred);
  CHECK(md.wce == me.wce);
  CHECK(md.bias == me.bias);
}

TEST_CASE("table multipliers: malformed tables and uses get clear errors", "[table]") {
  const auto read = [](const std::string& text) {
    return error_of([&] { (void)table_multiplier::read("t", temp_file("bad.tbl", text)); });
  };
  CHECK_THAT(error_of([] { (void)table_multiplier::read("t", "/nonexistent/x.tbl"); }),
             Catch::Contains("cannot open the product table '/nonexistent/x.tbl'"));
  CHECK_THAT(read("0 1 2\n"), Catch::Contains(":1: expected the header 'lop-product-table a=u8 b=u8'"));
  CHECK_THAT(read("lop-product-table a=u8 c=u8\n"), Catch::Contains("expected b=u<bits> or b=s<bits>"));
  CHECK_THAT(read("lop-product-table a=u0 b=u2\n"), Catch::Contains("expected a=u<bits>"));
  CHECK_THAT(read("lop-product-table a=u13 b=u12\n"), Catch::Contains("at most 2^24 products"));
  CHECK_THAT(read("# two by two\nlop-product-table a=u2 b=u2\n0 0 0 0\n0 1 2 3\n0 2 4 6\n0 3 6\n"),
             Catch::Contains("bad.tbl: 15 products; u2 x u2 operands need 16 (2^2 lines of 2^2)"));
  CHECK_THAT(read("lop-product-table a=u2 b=u2\n0 0 0 0\n0 1 2 3\n0 2 4 6\n0 3 6 9 9\n"),
             Catch::Contains(":5: more than the 16 products"));
  CHECK_THAT(read("lop-product-table a=u2 b=u2\n0 0 0 0\n0 1 2 3\n0 2 x4 6\n0 3 6 9\n"),
             Catch::Contains(":4: 'x4' is not a decimal integer"));
  CHECK_THAT(read("lop-product-table a=u2 b=u2\n0 0 0 0\n0 1 2 3\n0 2 4 6\n0 3 6 32\n"),
             Catch::Contains("product 32 for a = 3, b = 3 does not fit the 5-bit unsigned product (0 .. 31)"));
  CHECK_THAT(read("lop-product-table a=u2 b=u2\n0 0 0 0\n0 1 2 3\n0 2 4 6\n0 3 6 -1\n"),
             Catch::Contains("product -1 for a = 3, b = 3"));

  // Functions: out of range when tabulated, and when called per product.
  CHECK_THAT(error_of([] { table_multiplier("t", {4, true}, {4, true}, [](std::int64_t a, std::int64_t b) { return a * b * 4; }); }),
             Catch::Contains("does not fit the 9-bit signed product (-256 .. 255)"));
  lop::register_table_multiplier(table_multiplier("wide", u16, u16, [](std::int64_t a, std::int64_t b) {
    return a == 7 ? std::int64_t{1} << 40 : a * b;
  }));
  CHECK(lop::multiply_raw(multiplier::table("wide"), 6, u16, 9, u16) == 54);
  CHECK_THAT(error_of([] { (void)lop::multiply_raw(multiplier::table("wide"), 7, u16, 9, u16); }),
             Catch::Contains("does not fit the 33-bit unsigned product"));
  CHECK_THAT(error_of([] { table_multiplier("t", u8, u8, std::vector<std::int64_t>(100)); }),
             Catch::Contains("100 products given; u8 x u8 operands need 65536"));
  CHECK_THAT(error_of([] { table_multiplier("bad name", u8, u8, std::vector<std::int64_t>(65536)); }),
             Catch::Contains("only letters, digits and '_'"));

  // Uses: not registered, other operands, hardware only.
  CHECK_THAT(error_of([] { (void)lop::multiply_raw(multiplier::table("nobody"), 1, u8, 1, u8); }),
             Catch::Contains("table multiplier 'nobody' is not registered; call lop::register_table_multiplier"));
  lop::register_table_multiplier(table_multiplier("u2x2", {2, false}, {2, false}, [](std::int64_t a, std::int64_t b) { return a * b; }));
  CHECK_THAT(error_of([] { (void)lop::pe_model(lop::parse_pe_spec(
                 "pe<a=fixed<2,0,signed>,b=fixed<2,0,unsigned>,acc=fixed<8,0>,out=fixed<8,0>,mul=table<name=u2x2>>")); }),
             Catch::Contains("multiplies u2 x u2 operands, not s2 x u2"));
  lop::register_table_multiplier(table_multiplier("hw_only", lop::verilog_module{"x.v", "x"}));
  CHECK_THAT(error_of([] { (void)lop::metrics(multiplier::table("hw_only"), u8, u8); }),
             Catch::Contains("registered with its Verilog only"));
  CHECK(lop::unregister_table_multiplier("hw_only"));
  CHECK_FALSE(lop::unregister_table_multiplier("hw_only"));
  CHECK(lop::find_table_multiplier("hw_only") == nullptr);

  // Registering again replaces the circuit; lop::gemm takes the new products.
  lop::register_table_multiplier(table_multiplier("swap", {2, false}, {2, false}, [](std::int64_t a, std::int64_t b) { return a * b; }));
  constexpr lop::fixed_format q{2, 0, false, lop::rounding::floor, lop::overflow::wrap};
  constexpr lop::fixed_format acc{16, 0, true, lop::rounding::floor, lop::overflow::wrap};
  constexpr lop::pe_spec S{q, q, acc, acc, multiplier::table("swap"), 0};
  using T = lop::fixed<q>;
  Eigen::Matrix<T, 1, 1> X, Y;
  X(0, 0) = T::from_bits(3);
  Y(0, 0) = T::from_bits(3);
  CHECK(static_cast<int>(lop::gemm<S>(X, Y)(0, 0).raw()) == 9);
  lop::register_table_multiplier(table_multiplier("swap", {2, false}, {2, false}, [](std::int64_t a, std::int64_t b) { return a * b == 9 ? 7 : a * b; }));
  CHECK(static_cast<int>(lop::gemm<S>(X, Y)(0, 0).raw()) == 7);
}
