// lop::lfsr32 against an independent LFSR and a proof of its period, descriptor text
// round trips and error messages, constant evaluation, and lop::pe_model against a reference
// MAC written from the PE semantics.
#include <array>
#include <bitset>
#include <cstdint>
#include <random>
#include <string>
#include <unordered_set>
#include <vector>

#include "lop/fixed.hpp"
#include "lop/pe.hpp"
#include "test_util.hpp"

namespace {

using namespace unit;
using lop::fixed_format;
using lop::overflow;
using lop::rounding;

// ---------------------------------------------------------------------------------------------
// The Galois LFSR of x^32 + x^22 + x^2 + x + 1 in right-shift form, bit by bit: the output
// bit leaves at position 0, the register shifts right, and the output is fed back into the
// bit below each tap (the exponents of the polynomial, x^32 being the input of bit 31).
std::uint32_t lfsr_step(std::uint32_t s) {
  std::bitset<32> b(s);
  const bool out = b[0];
  b >>= 1;
  if (out)
    for (int e : {32, 22, 2, 1}) b.flip(static_cast<std::size_t>(e - 1));
  return static_cast<std::uint32_t>(b.to_ulong());
}

// The step is linear over GF(2): a 32x32 bit matrix given by its columns.
using mat = std::array<std::uint32_t, 32>;
std::uint32_t mat_apply(const mat& m, std::uint32_t v) {
  std::uint32_t r = 0;
  for (int i = 0; i < 32; ++i)
    if ((v >> i) & 1U) r ^= m[static_cast<std::size_t>(i)];
  return r;
}
mat mul(const mat& a, const mat& b) {  // a * b: apply b first
  mat r{};
  for (std::size_t i = 0; i < 32; ++i) r[i] = mat_apply(a, b[i]);
  return r;
}
mat power(mat m, std::uint64_t e) {
  mat r{};
  for (std::size_t i = 0; i < 32; ++i) r[i] = 1U << i;
  while (e != 0) {
    if ((e & 1) != 0) r = mul(r, m);
    m = mul(m, m);
    e >>= 1;
  }
  return r;
}
bool is_identity(const mat& m) {
  for (std::size_t i = 0; i < 32; ++i)
    if (m[i] != (1U << i)) return false;
  return true;
}

}  // namespace

TEST_CASE("lfsr32: matches an independent Galois LFSR of x^32+x^22+x^2+x+1", "[lfsr]") {
  CHECK(lop::lfsr32(0).state() == 1U);
  CHECK(lop::lfsr32(0) == lop::lfsr32(1));
  CHECK(lop::lfsr32().state() == lop::lfsr32::default_seed);
  CHECK(lop::lfsr32::min() == 1U);
  CHECK(lop::lfsr32::max() == 0xFFFFFFFFU);
  for (std::uint32_t seed : {1U, 0xACE1ACE1U, 0x80000000U, 0xFFFFFFFFU, 12345U}) {
    lop::lfsr32 g(seed);
    std::uint32_t s = seed;
    bool ok = true;
    for (int i = 0; i < 200000 && ok; ++i) {
      ok = g.state() == s && lop::lfsr32::next(s) == lfsr_step(s) && g() == s;  // returns the state, then steps
      s = lfsr_step(s);
    }
    INFO("seed " << seed);
    CHECK(ok);
    CHECK(g.state() == s);
  }
  // No short cycle: 10^6 steps from several seeds never come back to the seed or reach 0.
  for (std::uint32_t seed : {1U, 0xACE1ACE1U, 0xDEADBEEFU}) {
    lop::lfsr32 g(seed);
    (void)g();
    bool ok = true;
    for (int i = 0; i < 1000000 && ok; ++i) ok = g() != seed && g.state() != 0;
    INFO("seed " << seed);
    CHECK(ok);
  }
  // Usable as a UniformRandomBitGenerator.
  lop::lfsr32 g(7);
  std::uniform_int_distribution<int> dist(0, 9);
  CHECK(dist(g) >= 0);
}

TEST_CASE("lfsr32: the period is 2^32 - 1 (proof by matrix powers)", "[lfsr]") {
  mat m{};
  for (std::size_t i = 0; i < 32; ++i) m[i] = lfsr_step(1U << i);
  // The state is the same linear map of the seed as the reference: check on unit and random vectors.
  std::mt19937 gen(1);
  for (int i = 0; i < 1000; ++i) {
    const std::uint32_t v = static_cast<std::uint32_t>(gen());
    REQUIRE(mat_apply(m, v) == lop::lfsr32::next(v));
  }
  const std::uint64_t n = 0xFFFFFFFFULL;  // 3 * 5 * 17 * 257 * 65537
  CHECK(is_identity(power(m, n)));
  for (std::uint64_t p : {3ULL, 5ULL, 17ULL, 257ULL, 65537ULL}) {
    INFO("p = " << p);
    CHECK(!is_identity(power(m, n / p)));
  }
}

// ---------------------------------------------------------------------------------------------

TEST_CASE("descriptor text: canonical form and round trips", "[format]") {
  CHECK(lop::to_string(lop::sfix(16, 8, rounding::half_even, overflow::saturate)) ==
        "fixed<16,8,signed,half_even,saturate>");
  CHECK(lop::to_string(lop::ufix(4, -3)) == "fixed<4,-3,unsigned,floor,wrap>");
  CHECK(lop::parse_fixed_format("fixed<8,4>") == lop::sfix(8, 4));
  CHECK(lop::parse_fixed_format("fixed<8,4,unsigned>") == lop::ufix(8, 4));
  CHECK(lop::parse_fixed_format("fixed<8,4,unsigned,stochastic>") == lop::ufix(8, 4, rounding::stochastic));
  CHECK(lop::parse_fixed_format("fixed<8,4,signed,ceil,saturate>") == lop::sfix(8, 4, rounding::ceil, overflow::saturate));
  CHECK(lop::to_string(lop::ufix(6, -2, rounding::ceil)) == "fixed<6,-2,unsigned,ceil,wrap>");
  CHECK(lop::parse_fixed_format("  fixed < 8 , -4 , signed , half_up , saturate_zero >  ") ==
        lop::sfix(8, -4, rounding::half_up, overflow::saturate_zero));
  CHECK(lop::parse_fixed_format("fixed<+8,+4>") == lop::sfix(8, 4));

  std::size_t n = 0;
  for (int w : {1, 2, 7, 8, 9, 16, 31, 32, 33, 63, 64, 65, 100, 127, 128})
    for (int f : {-2048, -100, -1, 0, 1, 5, 64, 200, 2048})
      for (bool s : {true, false})
        for (auto r : all_roundings)
          for (auto o : all_overflows) {
            const fixed_format fm{w, f, s, r, o};
            if (lop::validate(fm) != nullptr) continue;
            const std::string t = lop::to_string(fm);
            CHECK(lop::parse_fixed_format(t) == fm);
            ++n;
          }
  CHECK(n > 6000);

  const lop::pe_spec p{lop::sfix(8, 7), lop::ufix(6, 6, rounding::half_even), lop::sfix(24, 12, rounding::floor, overflow::saturate),
                       lop::sfix(8, 4, rounding::stochastic, overflow::saturate_symmetric), lop::multiplier::exact, 2};
  const std::string t = lop::to_string(p);
  CHECK(t == "pe<a=fixed<8,7,signed,floor,wrap>,b=fixed<6,6,unsigned,half_even,wrap>,"
             "acc=fixed<24,12,signed,floor,saturate>,out=fixed<8,4,signed,stochastic,saturate_symmetric>,"
             "mul=exact,pipeline=2>");
  CHECK(lop::parse_pe_spec(t) == p);
  // Keys in any order, mul and pipeline optional.
  CHECK(lop::parse_pe_spec("pe<out=fixed<8,4,signed,stochastic,saturate_symmetric>, pipeline=2, b=fixed<6,6,unsigned,half_even>,"
                           "acc=fixed<24,12,signed,floor,saturate>, a=fixed<8,7>>") == p);
  lop::pe_spec q = p;
  q.pipeline = 0;
  CHECK(lop::parse_pe_spec("pe<a=fixed<8,7>,b=fixed<6,6,unsigned,half_even>,acc=fixed<24,12,signed,floor,saturate>,"
                           "out=fixed<8,4,signed,stochastic,saturate_symmetric>>") == q);
  std::mt19937_64 gen(5);
  for (int i = 0; i < 2000; ++i) {
    const auto rf = [&] {
      return fixed_format{static_cast<int>(gen() % 40) + 1, static_cast<int>(gen() % 41) - 20, (gen() & 1) != 0,
                          all_roundings[gen() % all_roundings.size()], all_overflows[gen() % 4]};
    };
    const lop::pe_spec s{rf(), rf(), rf(), rf(), lop::multiplier::exact, static_cast<int>(gen() % 3)};
    if (lop::validate(s) != nullptr) continue;
    CHECK(lop::parse_pe_spec(lop::to_string(s)) == s);
  }
}

namespace {
void expect_error(std::string_view text, const std::string& needle, bool pe = false) {
  INFO("text: " << text);
  try {
    if (pe) (void)lop::parse_pe_spec(text);
    else (void)lop::parse_fixed_format(text);
    FAIL("no lop::format_error for \"" << text << "\"");
  } catch (const lop::format_error& e) {
    const std::string msg = e.what();
    INFO("message: " << msg);
    CHECK(msg.find(needle) != std::string::npos);
    CHECK(msg.find(std::string(text)) != std::string::npos);  // the message quotes the input
  }
}
}  // namespace

TEST_CASE("descriptor text: malformed input gives format_error naming the problem", "[format]") {
  expect_error("", "expected a name");
  expect_error("fixd<8,4>", "expected 'fixed'");
  expect_error("fixed(8,4)", "expected '<'");
  expect_error("fixed<8 4>", "expected ','");
  expect_error("fixed<8,4", "expected '>'");
  expect_error("fixed<x,4>", "expected an integer");
  expect_error("fixed<8,>", "expected an integer");
  expect_error("fixed<99999999999,0>", "expected an integer");
  expect_error("fixed<8,4,sign>", "expected 'signed' or 'unsigned'");
  expect_error("fixed<8,4,signed,round>", "unknown rounding mode 'round'");
  expect_error("fixed<8,4,signed,round>", "half_even");  // lists the choices
  expect_error("fixed<8,4,signed,round>", "stochastic ceil");
  expect_error("fixed<8,4,signed,floor,clamp>", "unknown overflow mode 'clamp'");
  expect_error("fixed<8,4,signed,floor,wrap,extra>", "expected '>'");
  expect_error("fixed<0,0>", "width must be at least 1");
  expect_error("fixed<-3,0>", "width must be at least 1");
  expect_error("fixed<129,0>", "signed width must be at most 128");
  expect_error("fixed<128,0,unsigned>", "unsigned width must be at most 127");
  expect_error("fixed<8,3000>", "frac must be within -2048..2048");
  expect_error("fixed<8,4> x", "unexpected trailing text");
  expect_error("fixed<8,4>>", "unexpected trailing text");
  expect_error("fixed<8 4>", "at column 9: expected ','");
}

TEST_CASE("descriptor text: malformed PE descriptors", "[format]") {
  const std::string ok = "a=fixed<8,4>,b=fixed<8,4>,acc=fixed<24,8>,out=fixed<8,4>";
  CHECK_NOTHROW((void)lop::parse_pe_spec("pe<" + ok + ">"));
  expect_error("pe<a=fixed<8,4>,b=fixed<8,4>,acc=fixed<24,8>>", "a PE needs all of a=, b=, acc= and out=", true);
  expect_error("pe<" + ok + ",a=fixed<4,0>>", "field 'a' given twice", true);
  expect_error("pe<" + ok + ",foo=1>", "unknown PE field 'foo'", true);
  expect_error("pe<" + ok + ",pipeline=3>", "pipeline must be 0, 1 or 2", true);
  expect_error("pe<" + ok + ",pipeline=-1>", "pipeline must be 0, 1 or 2", true);
  expect_error("pe<" + ok + ",mul=approx>", "unknown multiplier 'approx'", true);
  expect_error("pe<a=fixed<100,0>,b=fixed<40,0>,acc=fixed<24,8>,out=fixed<8,4>>", "more than 128 bits", true);
  expect_error("pe<a=fixed<64,0,unsigned>,b=fixed<64,0,unsigned>,acc=fixed<24,8>,out=fixed<8,4>>", "127 bits", true);
  expect_error("pe<a=fixed<60,0>,b=fixed<60,0>,acc=fixed<24,-110>,out=fixed<8,4>>", "acc + a*b needs more than 128 bits", true);
  expect_error("pe<a=fixed<0,4>," + ok.substr(13) + ">", "width must be at least 1", true);
  expect_error("fixed<8,4>", "expected 'pe'", true);
  expect_error("pe<" + ok + "> trailing", "unexpected trailing text", true);
  lop::pe_spec bad{};
  bad.pipeline = 7;
  CHECK_THROWS_AS(lop::pe_model(bad), lop::format_error);
  CHECK_THROWS_WITH(lop::pe_model(bad), Catch::Contains("lop::pe_model: invalid PE") && Catch::Contains("pipeline"));
}

// ---------------------------------------------------------------------------------------------
// Constant evaluation.
namespace cx {
using A = lop::sfixed<8, 4>;
constexpr A a(1.5);
static_assert(a.raw() == 24);
static_assert(a.bits() == 24 && A::from_bits(0xF8).raw() == -8);
constexpr auto p = a * a;
static_assert(p.raw() == 576 && decltype(p)::format == lop::sfix(16, 8));
constexpr lop::sfixed<8, 2, rounding::half_even, overflow::saturate> q = p;  // 2.25 on a 1/4 grid
static_assert(q.raw() == 9);
static_assert(lop::sfixed<8, 4, rounding::floor, overflow::saturate>(100).raw() == 127);
static_assert(lop::sfixed<8, 4, rounding::floor, overflow::wrap>(9).raw() == 144 - 256);
static_assert(lop::quantize<lop::sfix(4, 0, rounding::half_even)>(lop::sfixed<8, 4>(2.5)).raw() == 2);
static_assert(lop::quantize<lop::sfix(4, 0, rounding::half_away)>(lop::sfixed<8, 4>(-2.5)).raw() == -3);
static_assert(static_cast<int>(lop::sfixed<8, 4>(-2.5)) == -2);
static_assert(static_cast<double>(lop::sfixed<8, 4>(0.75)) == 0.75 && lop::sfixed<8, 4>(-0.75).to_float() == -0.75f);
static_assert((a + lop::ufixed<4, 4>(0.25)).raw() == 28);
static_assert((a - 2).raw() == -8);
static_assert((a / lop::sfixed<8, 4>(0.5)).raw() == 768);  // 3.0 with frac 4 + 8 - 4
static_assert((a / 0).raw() == lop::fixed<lop::quotient_format(A::format, lop::sfix(32, 0))>::max().raw());
static_assert((a << 2).raw() == 96 && (a >> 1).raw() == 12 && (a >> 5).raw() == 0);
static_assert((-a).raw() == -24 && abs(-a).raw() == 24);
static_assert(a > 1 && a < 2 && a == A(1.5) && a != 1 && 2 > a && a >= lop::ufixed<1, 0>(1));
static_assert((a <=> lop::ufixed<8, 7>(1.5)) == 0);
static_assert(lop::detail::quantize_raw<std::int32_t>(5, 1, lop::sfix(4, 0, rounding::half_even)) == 2);
static_assert(lop::detail::quantize_raw<std::int32_t>(7, 1, lop::sfix(4, 0, rounding::half_even)) == 4);
static_assert(lop::detail::quantize_raw<std::int64_t>(-3, 1, lop::sfix(4, 0, rounding::stochastic), 1U) == -1);
static_assert(lop::detail::quantize_raw<std::int32_t>(5, 1, lop::sfix(4, 0, rounding::ceil)) == 3);
static_assert(lop::detail::quantize_raw<std::int32_t>(-5, 1, lop::sfix(4, 0, rounding::ceil)) == -2);
static_assert(lop::detail::quantize_raw<std::int32_t>(8, 2, lop::sfix(4, 0, rounding::ceil)) == 2);
static_assert(lop::detail::quantize_raw<std::int32_t>(15, 1, lop::sfix(4, 0, rounding::ceil, overflow::saturate)) == 7);
static_assert(lop::validate(lop::fixed_format{8, 0, true, static_cast<rounding>(7), overflow::wrap}) != nullptr);
static_assert(lop::lfsr32(0).state() == 1 && lop::lfsr32::next(1) == 0x80200003U);
static_assert(lop::validate(lop::sfix(0, 0)) != nullptr && lop::validate(lop::sfix(8, 4)) == nullptr);
static_assert(lop::sum_format(lop::sfix(8, 4), lop::ufix(8, 8)) == lop::sfix(13, 8));
static_assert(std::numeric_limits<A>::max().raw() == 127 && std::numeric_limits<A>::digits == 7);
}  // namespace cx

TEST_CASE("constexpr evaluation (static_asserts in this file)", "[constexpr]") {
  STATIC_REQUIRE(cx::a.raw() == 24);
  STATIC_REQUIRE(lop::sfixed<16, 8>(-0.5).raw() == -128);
}

// ---------------------------------------------------------------------------------------------
// lop::pe_model against a reference written from the PE semantics (docs, notes): per MAC,
// s = (clear ? 0 : acc) + a*b exactly; acc <- Q_acc(s); out <- Q_out(acc). One LFSR per PE,
// acc draws first (if stochastic), then out (if stochastic); a zero seed becomes 1.
namespace {
struct ref_pe {
  lop::pe_spec spec;
  std::uint32_t lfsr = 1;
  i128 acc = 0, out = 0;
  ref_pe(const lop::pe_spec& s, std::uint32_t seed) : spec(s) { reset(seed); }
  void reset(std::uint32_t seed) {
    lfsr = seed == 0 ? 1U : seed;
    acc = out = 0;
  }
  std::uint32_t draw(const fixed_format& f) {
    if (f.round != rounding::stochastic) return 0;
    const std::uint32_t r = lfsr;
    lfsr = lfsr_step(lfsr);
    return r;
  }
  i128 mac(i128 a, i128 b, bool restart) {
    const int pf = spec.a.fixed.frac + spec.b.fixed.frac;
    const int sf = spec.acc.fixed.frac > pf ? spec.acc.fixed.frac : pf;
    const ref::Z s = ref::Z(restart ? 0 : acc).shl(sf - spec.acc.fixed.frac) + (ref::Z(a) * ref::Z(b)).shl(sf - pf);
    const std::uint32_t ra = draw(spec.acc.fixed);
    acc = ref::quantize(s.to_i128_unchecked(), sf, spec.acc.fixed, ra);
    const std::uint32_t ro = draw(spec.out.fixed);
    out = ref::quantize(acc, spec.acc.fixed.frac, spec.out.fixed, ro);
    return out;
  }
};
}  // namespace

TEST_CASE("pe_model: random MAC sequences against the reference PE", "[pe]") {
  checker c("pe_model");
  const std::uint64_t seed = 0x9E5EED;
  INFO("seed " << seed);
  std::mt19937_64 gen(seed);
  const auto pick = [&](int lo, int hi) { return lo + static_cast<int>(gen() % static_cast<std::uint64_t>(hi - lo + 1)); };
  int specs = 0;
  while (specs < 400) {
    const auto rf = [&](int wlo, int whi, int flo, int fhi) {
      return fixed_format{pick(wlo, whi), pick(flo, fhi), (gen() & 1) != 0, all_roundings[gen() % all_roundings.size()], all_overflows[gen() % 4]};
    };
    lop::pe_spec sp{rf(1, 8, -3, 9), rf(1, 8, -3, 9), {}, {}, lop::multiplier::exact, pick(0, 2)};
    const int pf = sp.a.fixed.frac + sp.b.fixed.frac;
    sp.acc = rf(4, 24, pf - 6, pf + 2);
    sp.out = rf(1, 12, sp.acc.fixed.frac - 8, sp.acc.fixed.frac + 2);
    if (lop::validate(sp) != nullptr) continue;
    ++specs;
    const auto s0 = static_cast<std::uint32_t>(gen() % 4 == 0 ? 0 : gen());
    lop::pe_model m(sp, s0);
    ref_pe r(sp, s0);
    for (int step = 0; step < 300; ++step) {
      const int what = pick(0, 99);
      if (what < 2) {
        const auto s = static_cast<std::uint32_t>(gen());
        m.reset(s);
        r.reset(s);
      } else if (what < 4) {
        m.clear();
        r.acc = r.out = 0;
      } else {
        const i128 a = pick(static_cast<int>(ref::raw_min(sp.a.fixed)), static_cast<int>(ref::raw_max(sp.a.fixed)));
        const i128 b = pick(static_cast<int>(ref::raw_min(sp.b.fixed)), static_cast<int>(ref::raw_max(sp.b.fixed)));
        const bool restart = what < 10;
        const i128 got = m.mac(a, b, restart);
        const i128 want = r.mac(a, b, restart);
        c.expect(got == want && m.acc() == r.acc && m.generator().state() == r.lfsr, [&] {
          return lop::to_string(sp) + " step " + std::to_string(step) + " a=" + str(a) + " b=" + str(b) +
                 ": out " + str(got) + " want " + str(want) + ", acc " + str(m.acc()) + " want " + str(r.acc);
        });
      }
    }
  }
  c.done();
}
