// lop::pe_gemm (run-time specs) against lop::pe_model run MAC by MAC: seeded random fixed and
// float PEs — every rounding and overflow mode, signed/unsigned/mixed operands, exact and
// approximate multipliers, depths 1..300 — with random raw operands (float: random bit
// patterns of finite values, plus specials that force the fallback). Every kernel is hit.
#include <catch2/catch.hpp>

#include <array>
#include <cstdint>
#include <map>

#include "lop/eigen.hpp"
#include "lop/pe_gemm.hpp"

namespace {

using lop::raw_matrix;

struct rng {
  lop::splitmix64 bits;
  std::uint64_t operator()() { return bits(); }
  int between(int lo, int hi) { return lo + static_cast<int>(bits() % static_cast<std::uint64_t>(hi - lo + 1)); }
};

raw_matrix reference(const lop::pe_spec& s, const raw_matrix& A, const raw_matrix& B, std::uint32_t seed) {
  raw_matrix C(A.rows(), B.cols());
  lop::pe_model pe(s, seed);
  for (long i = 0; i < A.rows(); ++i)
    for (long j = 0; j < B.cols(); ++j) {
      pe.clear();
      for (long k = 0; k < A.cols(); ++k) pe.mac(A(i, k), B(k, j), k == 0);
      C(i, j) = static_cast<std::int64_t>(pe.out());
    }
  return C;
}

std::int64_t random_raw(rng& g, const lop::fixed_format& f) {
  const std::uint64_t bits = g() & ((std::uint64_t{1} << f.width) - 1);
  return f.is_signed && ((bits >> (f.width - 1)) & 1U) != 0 ? static_cast<std::int64_t>(bits) - (std::int64_t{1} << f.width)
                                                            : static_cast<std::int64_t>(bits);
}

}  // namespace

TEST_CASE("pe_gemm: fixed PEs, every kernel, against pe_model", "[pe_gemm]") {
  rng g{lop::splitmix64(0x5EED)};
  std::map<lop::pe_gemm_kernel, int> hits;
  const std::array<lop::multiplier, 4> muls{lop::multiplier::exact, lop::multiplier::drum(3),
                                            lop::multiplier::truncated(4, lop::mul_correction::constant),
                                            lop::multiplier::mitchell()};
  long mismatches = 0;
  for (int t = 0; t < 400; ++t) {
    lop::pe_spec s{};
    const auto operand = [&] {
      return lop::fixed_format{g.between(2, 12), g.between(-2, 10), g() % 2 == 0, lop::rounding::floor, lop::overflow::wrap};
    };
    const lop::fixed_format a = operand(), b = operand();
    const int pf = a.frac + b.frac;
    lop::fixed_format acc{g.between(6, 40), pf + g.between(-3, 3), g() % 4 != 0,
                          static_cast<lop::rounding>(g() % 7), static_cast<lop::overflow>(g() % 4)};
    if (g() % 3 == 0) acc.round = lop::rounding::floor;  // more exact/integer kernels
    if (g() % 3 == 0) acc.width = 48;
    lop::fixed_format out{g.between(3, 20), acc.frac - g.between(0, 4), g() % 2 == 0,
                          static_cast<lop::rounding>(g() % 7), static_cast<lop::overflow>(g() % 4)};
    if (g() % 2 == 0) out.round = lop::rounding::half_even;
    s.a = a;
    s.b = b;
    s.acc = acc;
    s.out = out;
    s.mul = muls[g() % 4];
    if (lop::validate(s) != nullptr) continue;
    const long M = g.between(1, 5), K = g.between(1, 300), N = g.between(1, 7);
    raw_matrix A(M, K), B(K, N);
    for (long i = 0; i < A.size(); ++i) A.data()[i] = random_raw(g, a);
    for (long i = 0; i < B.size(); ++i) B.data()[i] = random_raw(g, b);
    const auto seed = static_cast<std::uint32_t>(g());
    const raw_matrix got = lop::pe_gemm(s, A, B, seed);
    const raw_matrix want = reference(s, A, B, seed);
    ++hits[lop::pe_gemm_kernel_for(s, K)];
    if (got != want) {
      ++mismatches;
      INFO(lop::to_string(s) << " K=" << K);
      CHECK(got == want);
    }
  }
  CHECK(mismatches == 0);
  for (auto k : {lop::pe_gemm_kernel::exact_sum, lop::pe_gemm_kernel::integer, lop::pe_gemm_kernel::sequential}) {
    INFO("kernel " << static_cast<int>(k));
    CHECK(hits[k] >= 10);
  }
}

TEST_CASE("pe_gemm: float PEs against pe_model", "[pe_gemm]") {
  rng g{lop::splitmix64(0xF10A7)};
  const std::array<lop::float_format, 4> ops{lop::formats::fp8_e4m3fn, lop::formats::fp8_e5m2, lop::formats::bf16,
                                             lop::formats::fp16};
  const std::array<lop::number_format, 3> accs{lop::number_format(lop::formats::fp32), lop::number_format(lop::formats::bf16),
                                               lop::number_format(lop::fixed_format{40, 20, true, lop::rounding::half_even,
                                                                                    lop::overflow::saturate})};
  int float32_hits = 0;
  for (int t = 0; t < 60; ++t) {
    lop::pe_spec s{};
    s.a = ops[g() % 4];
    s.b = ops[g() % 4];
    s.acc = accs[g() % 3];
    s.out = g() % 2 == 0 ? lop::number_format(lop::formats::fp16) : lop::number_format(lop::formats::fp8_e4m3fn);
    if (lop::validate(s) != nullptr) continue;
    const long M = g.between(1, 6), K = g.between(1, 200), N = g.between(1, 9);
    raw_matrix A(M, K), B(K, N);
    const bool specials = g() % 5 == 0;
    const auto fill = [&](raw_matrix& X, const lop::float_format& f) {
      for (long i = 0; i < X.size(); ++i) {
        std::uint64_t bits = 0;
        do {
          bits = g() & ((std::uint64_t{1} << lop::width(f)) - 1);
        } while (!specials && lop::detail::float_unpack(f, bits).k != lop::detail::float_value::kind::finite &&
                 lop::detail::float_unpack(f, bits).k != lop::detail::float_value::kind::zero);
        X.data()[i] = static_cast<std::int64_t>(bits);
      }
    };
    fill(A, s.a.floating);
    fill(B, s.b.floating);
    float32_hits += lop::pe_gemm_kernel_for(s, K) == lop::pe_gemm_kernel::float32;
    const raw_matrix got = lop::pe_gemm(s, A, B);
    INFO(lop::to_string(s) << " K=" << K);
    CHECK(got == reference(s, A, B, lop::lfsr32::default_seed));
  }
  CHECK(float32_hits >= 10);
}

TEST_CASE("pe_gemm: errors", "[pe_gemm]") {
  const auto s = lop::parse_pe_spec("pe<a=fixed<8,4>,b=fixed<8,4>,acc=fixed<24,8>,out=fixed<8,4>>");
  CHECK_THROWS_WITH(lop::pe_gemm(s, raw_matrix(2, 3), raw_matrix(4, 1)), Catch::Contains("A's columns must equal B's rows"));
  const auto wide = lop::parse_pe_spec("pe<a=fixed<8,4>,b=fixed<8,4>,acc=fixed<96,8>,out=fixed<80,8>>");
  CHECK_THROWS_WITH(lop::pe_gemm(wide, raw_matrix(1, 1), raw_matrix(1, 1)), Catch::Contains("at most 64 bits"));
}

TEST_CASE("pe_gemm and lop::gemm agree on narrow signed operands with an approximate multiplier", "[pe_gemm]") {
  // The 8-bit product table is indexed by the raws' low 8 bits: a 6-bit -1 is 0xFF there
  // (a table indexed by 6-bit patterns gave wrong products for negative operands).
  constexpr lop::fixed_format q{6, 2, true, lop::rounding::floor, lop::overflow::wrap};
  constexpr lop::fixed_format acc{24, 4, true, lop::rounding::floor, lop::overflow::wrap};
  constexpr lop::pe_spec S{q, lop::fixed_format{5, 1, true, lop::rounding::floor, lop::overflow::wrap}, acc, acc,
                           lop::multiplier::drum(3), 0};
  REQUIRE(lop::gemm_kernel_for(S, 16) == lop::gemm_kernel::wrap);
  using TA = lop::fixed<S.a.fixed>;
  using TB = lop::fixed<S.b.fixed>;
  Eigen::Matrix<TA, Eigen::Dynamic, Eigen::Dynamic> A(3, 16);
  Eigen::Matrix<TB, Eigen::Dynamic, Eigen::Dynamic> B(16, 4);
  raw_matrix RA(3, 16), RB(16, 4);
  rng g{lop::splitmix64(99)};
  for (long i = 0; i < A.size(); ++i) A.data()[i] = TA::from_bits(g());
  for (long i = 0; i < B.size(); ++i) B.data()[i] = TB::from_bits(g());
  for (long k = 0; k < 16; ++k)
    for (long j = 0; j < 4; ++j) RB(k, j) = static_cast<std::int64_t>(B(k, j).raw());
  for (long i = 0; i < 3; ++i)
    for (long k = 0; k < 16; ++k) RA(i, k) = static_cast<std::int64_t>(A(i, k).raw());
  const auto C = lop::gemm<S>(A, B);
  const raw_matrix want = reference(S, RA, RB, lop::lfsr32::default_seed);
  for (long i = 0; i < 3; ++i)
    for (long j = 0; j < 4; ++j) CHECK(static_cast<std::int64_t>(C(i, j).raw()) == want(i, j));
  CHECK(lop::pe_gemm(S, RA, RB) == want);
}
