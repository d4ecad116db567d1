// The {fmt} formatter: decimal by default, raw bits in binary/hex, the raw integer, and
// floating-point specs applied to the value; descriptors print as their canonical text.
#include <catch2/catch.hpp>

#include <random>
#include <string>

#include "lop/fmt.hpp"

namespace {

template <lop::fixed_format F>
void check_all_values() {
  using T = lop::fixed<F>;
  for (std::uint64_t bits = 0; bits < (std::uint64_t{1} << F.width); ++bits) {
    const T x = T::from_bits(bits);
    std::string bin, hex;
    for (int i = F.width - 1; i >= 0; --i) bin += ((bits >> i) & 1) != 0 ? '1' : '0';
    const char* digits = "0123456789abcdef";
    for (int i = ((F.width + 3) / 4 - 1) * 4; i >= 0; i -= 4) hex += digits[(bits >> i) & 15];
    INFO(lop::to_string(F) << " bits " << bits);
    REQUIRE(fmt::format("{}", x) == lop::to_string(x));
    REQUIRE(fmt::format("{:b}", x) == bin);
    REQUIRE(fmt::format("{:x}", x) == hex);
    REQUIRE(fmt::format("{:d}", x) == std::to_string(static_cast<long long>(x.raw())));
    REQUIRE(fmt::format("{:.4f}", x) == fmt::format("{:.4f}", x.to_double()));
    REQUIRE(fmt::format("{:>12.2e}", x) == fmt::format("{:>12.2e}", x.to_double()));
  }
}

}  // namespace

TEST_CASE("fmt: every value of small formats", "[fmt]") {
  check_all_values<lop::sfix(8, 3)>();
  check_all_values<lop::ufix(7, 9)>();
  check_all_values<lop::sfix(5, -2)>();
  check_all_values<lop::sfix(12, 6, lop::rounding::half_even, lop::overflow::saturate)>();
}

TEST_CASE("fmt: wide values and upper-case hex", "[fmt]") {
  const auto x = lop::sfixed<64, 60>::from_bits(0x8000000000000001ULL);
  REQUIRE(fmt::format("{:X}", x) == "8000000000000001");
  REQUIRE(fmt::format("{:d}", x) == "-9223372036854775807");
  REQUIRE(fmt::format("{}", x) == lop::to_string(x));
}

TEST_CASE("fmt: descriptors print their canonical text; bad specs are errors", "[fmt]") {
  constexpr lop::pe_spec pe{lop::sfix(8, 4), lop::ufix(6, 6), lop::sfix(20, 10, lop::rounding::ceil, lop::overflow::saturate),
                            lop::sfix(8, 4)};
  REQUIRE(fmt::format("{}", lop::sfix(16, 8)) == "fixed<16,8,signed,floor,wrap>");
  REQUIRE(fmt::format("{}", pe) == lop::to_string(pe));
  REQUIRE(lop::parse_pe_spec(fmt::format("{}", pe)) == pe);
  REQUIRE(fmt::format("{}", lop::formats::fp8_e4m3fn) == "float<4,3,7,subnormals,fn,half_even,saturate>");
  const lop::sfixed<8, 3> x = 1.25;
  REQUIRE_THROWS_AS(fmt::format(fmt::runtime("{:q}"), x), fmt::format_error);
  REQUIRE_THROWS_AS(fmt::format(fmt::runtime("{:4b}"), x), fmt::format_error);
  REQUIRE_THROWS_AS(fmt::format(fmt::runtime("{:x}"), lop::sfix(8, 3)), fmt::format_error);
}
