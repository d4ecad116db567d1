// Float processing elements (docs/cfloat.md section 5): lop::pe_model and lop::gemm against an
// independent reference PE built here from the contract's text on the exact references
// (reference_float.hpp for float values and R_F, tests/unit/reference.hpp for the fixed
// quantizer on 256-bit integers). Every acc and out bit is compared after every MAC.
// - every (a, b) pair of fp8_e4m3fn and of fp8_e5m2 into several accumulators, in shuffled MAC
//   sequences with restarts, in all rounding modes of the accumulator;
// - random PEs: operands of <= 16 bits, float or fixed accumulator (any rounding and overflow,
//   fused and unfused), float or fixed output, with random MAC/clear/reset sequences;
// - lop::gemm with float operands on the native fp32 kernel and on the model, bit for bit.
// Random parts scale with LOP_FLOAT_SCALE; the seed is printed.
#include <algorithm>
#include <cstdint>
#include <cstdio>
#include <numeric>
#include <string>
#include <vector>

#include <Eigen/Core>

#include "../unit/test_util.hpp"
#include "lop/cfloat.hpp"
#include "lop/gemm.hpp"
#include "lop/pe.hpp"
#include "lop/pe_spec.hpp"
#include "reference_float.hpp"

namespace {

using fref::i128;
using fref::u32;
using fref::u64;
using lop::fixed_format;
using lop::float_format;
using lop::float_overflow;
using lop::mac_kind;
using lop::number_format;
using lop::overflow;
using lop::pe_spec;
using lop::rounding;
using lop::specials;
using unit::checker;
namespace formats = lop::formats;

constexpr u64 seed = 0x9E5EED0F1A7ULL;

constexpr rounding all_modes[] = {rounding::floor, rounding::toward_zero, rounding::half_up, rounding::half_away,
                                  rounding::half_even, rounding::stochastic, rounding::ceil};
constexpr overflow all_overflows[] = {overflow::wrap, overflow::saturate, overflow::saturate_symmetric,
                                      overflow::saturate_zero};

// The fixed accumulator fed by a float product, straight from the contract: the fixed
// quantizer of acc on the exact real base * 2^-f + p. The exact sum is held on the grid
// 2^-(f + 92) in 256 bits, which is exact for products of formats of <= 16 bits with at most
// 11 significand bits each (quanta >= 2^-48, magnitudes < 2^33) and frac <= 60. Dropping 92 bits
// makes stochastic rounding look at the first 32 bits below acc's grid, as documented.
i128 ref_fixed_accumulate(const fixed_format& g, i128 base, const fref::value& p, u32 rnd) {
  switch (p.kind) {
    case fref::vkind::nan: return 0;
    case fref::vkind::inf:
      if (g.ovf == overflow::saturate_zero) return 0;
      if (!p.neg) return ref::raw_max(g);
      return g.ovf == overflow::saturate_symmetric && g.is_signed ? -ref::raw_max(g) : ref::raw_min(g);
    case fref::vkind::zero: return base;
    case fref::vkind::finite: break;
  }
  constexpr int extra = 92;
  const int grid = g.frac + extra;
  if (p.mag.ea + grid < 0) throw std::logic_error("ref_fixed_accumulate: product below the reference grid");
  const ref::Z sig(static_cast<i128>(p.mag.a.to128()));
  const ref::Z prod = sig.shl(p.mag.ea + grid);
  const ref::Z x = ref::Z(base).shl(extra) + (p.neg ? -prod : prod);
  return ref::apply_overflow(ref::round_shift(x, extra, g.round, rnd), g).to_i128_unchecked();
}

// One PE per the contract; its own LFSR (x^32 + x^22 + x^2 + x + 1, right shift, mask 0x80200003).
struct ref_pe {
  pe_spec s;
  u32 lfsr;
  i128 acc = 0;
  i128 out = 0;
  ref_pe(const pe_spec& spec, u32 seed0) : s(spec), lfsr(seed0 == 0 ? 1U : seed0) {}
  void reset(u32 seed0) {
    lfsr = seed0 == 0 ? 1U : seed0;
    acc = out = 0;
  }
  u32 draw(const number_format& f) {
    const rounding r = f.is_fixed() ? f.fixed.round : f.floating.round;
    if (r != rounding::stochastic) return 0;
    const u32 v = lfsr;
    lfsr = (lfsr >> 1) ^ ((lfsr & 1U) != 0 ? 0x80200003U : 0U);
    return v;
  }
  void mac(u64 a, u64 b, bool restart) {
    const fref::value p = fref::op_mul(fref::decode(s.a.floating, a), fref::decode(s.b.floating, b));
    const i128 base = restart ? 0 : acc;
    if (s.acc.is_float()) {
      const float_format& C = s.acc.floating;
      const fref::value bv = fref::decode(C, static_cast<u64>(base));
      fref::value addend = p;
      if (s.mac == mac_kind::unfused) addend = fref::decode(C, fref::round(C, p, draw(s.acc)));
      acc = static_cast<i128>(fref::round(C, fref::op_add(addend, bv), draw(s.acc)));
    } else {
      const fixed_format& C = s.acc.fixed;
      if (s.mac == mac_kind::fused) {
        acc = ref_fixed_accumulate(C, base, p, draw(s.acc));
      } else {
        const i128 t = ref_fixed_accumulate(C, 0, p, draw(s.acc));
        acc = ref::quantize(base + t, C.frac, C, draw(s.acc));
      }
    }
    const u32 r = draw(s.out);
    const auto bits = static_cast<u64>(acc);
    if (s.acc.is_float() && s.out.is_float()) out = static_cast<i128>(fref::convert(s.out.floating, s.acc.floating, bits, r));
    else if (s.acc.is_float()) out = fref::to_fixed(s.out.fixed, s.acc.floating, bits, r);
    else if (s.out.is_float()) out = static_cast<i128>(fref::from_fixed(s.out.floating, s.acc.fixed, acc, r));
    else out = ref::quantize(acc, s.acc.fixed.frac, s.out.fixed, r);
  }
};

std::string hex128(i128 v) { return fref::hex(static_cast<u64>(v)) + (v < 0 ? " (negative)" : ""); }

// Runs the model and the reference side by side over a MAC sequence.
struct pe_pair {
  lop::pe_model model;
  ref_pe ref;
  pe_pair(const pe_spec& s, u32 seed0) : model(s, seed0), ref(s, seed0) {}
  void mac(checker& c, u64 a, u64 b, bool restart) {
    model.mac(static_cast<i128>(a), static_cast<i128>(b), restart);
    ref.mac(a, b, restart);
    c.expect(model.acc() == ref.acc && model.out() == ref.out, [&] {
      return lop::to_string(ref.s) + " a=" + fref::hex(a) + " b=" + fref::hex(b) + (restart ? " restart" : "") +
             ": acc " + hex128(model.acc()) + " want " + hex128(ref.acc) + ", out " + hex128(model.out()) + " want " +
             hex128(ref.out);
    });
  }
};

// Every (a, b) pair of an 8-bit format, shuffled, restarting every 1..32 MACs.
void all_pairs(checker& c, const pe_spec& s, fref::testing::splitmix64& g) {
  std::vector<std::uint32_t> order(65536);
  std::iota(order.begin(), order.end(), 0U);
  for (std::size_t i = order.size() - 1; i > 0; --i) std::swap(order[i], order[g.below(i + 1)]);
  pe_pair pe(s, g.draw());
  u64 left = 0;
  for (const std::uint32_t ab : order) {
    const bool restart = left == 0;
    left = restart ? 1 + g.below(32) : left - 1;
    pe.mac(c, ab >> 8, ab & 0xFF, restart);
  }
}

}  // namespace

TEST_CASE("float PE: every operand pair of the fp8 presets", "[pe][float]") {
  std::printf("seed 0x%llx\n", static_cast<unsigned long long>(seed));
  fref::testing::splitmix64 g(seed);
  checker c("fp8 PEs, all pairs");
  for (const float_format op : {formats::fp8_e4m3fn, formats::fp8_e5m2}) {
    for (const rounding r : all_modes) {
      // fp32 and bf16 accumulators, fused and unfused; the output is the operand format.
      all_pairs(c, pe_spec{op, op, formats::fp32.with_rounding(r), op, lop::multiplier::exact, 0, mac_kind::fused}, g);
      all_pairs(c, pe_spec{op, op, formats::bf16.with_rounding(r), formats::fp16, lop::multiplier::exact, 0, mac_kind::unfused}, g);
      // A fixed accumulator (Kulisch-style, and a narrow one that overflows).
      all_pairs(c, pe_spec{op, op, lop::sfix(48, 20, r, overflow::saturate), op, lop::multiplier::exact, 0, mac_kind::fused}, g);
      all_pairs(c, pe_spec{op, op, lop::sfix(12, 6, r, overflow::wrap), lop::sfix(8, 4, rounding::half_even, overflow::saturate),
                           lop::multiplier::exact, 0, mac_kind::unfused}, g);
    }
  }
  c.done();
}

namespace {

// Operand formats of <= 16 bits with at most 11 significand bits (see ref_fixed_accumulate).
const std::vector<float_format>& operand_formats() {
  static const std::vector<float_format> v{
      formats::fp8_e4m3fn,  formats::fp8_e5m2,   formats::fp8_e4m3fnuz, formats::fp8_e5m2fnuz,
      formats::fp6_e2m3fn,  formats::fp6_e3m2fn, formats::fp4_e2m1fn,   formats::fp16,
      float_format{3, 2, 3, false, specials::ieee, rounding::half_even, float_overflow::infinity},
      float_format{5, 6, 20, true, specials::none, rounding::half_even, float_overflow::saturate}};
  return v;
}
const std::vector<float_format>& acc_formats() {
  static const std::vector<float_format> v{formats::fp32, formats::fp16, formats::bf16, formats::tf32,
                                           formats::fp8_e4m3fn, formats::fp8_e5m2fnuz,
                                           float_format{6, 9, 40, false, specials::fn, rounding::half_even,
                                                        float_overflow::saturate}};
  return v;
}

// A raw operand: uniform bits, or one of the edge values.
u64 operand(const float_format& f, fref::testing::splitmix64& g) {
  const int w = fref::wid(f);
  const u64 sign = g.below(2) != 0 ? fref::signbit(f) : 0;
  switch (g.below(8)) {
    case 0: return sign;                                      // +-0
    case 1: return sign | 1;                                  // smallest subnormal
    case 2: return sign | ((fref::mask(f.exp_bits) - 1) << f.man_bits) | fref::mask(f.man_bits);  // near max
    case 3: return sign | (fref::mask(f.exp_bits) << f.man_bits);  // Inf / NaN / max, per encoding
    case 4: return sign | (static_cast<u64>(f.bias) << f.man_bits) | g.below(u64{1} << f.man_bits);  // near 1
    default: return g() & fref::mask(w);
  }
}

number_format random_number_format(fref::testing::splitmix64& g, bool fixed, int max_width) {
  const rounding r = all_modes[g.below(7)];
  if (fixed) {
    const int w = 4 + static_cast<int>(g.below(static_cast<u64>(max_width - 3)));
    const int frac = -8 + static_cast<int>(g.below(69));  // -8..60
    return fixed_format{w, frac, g.below(4) != 0, r, all_overflows[g.below(4)]};
  }
  float_format f = acc_formats()[g.below(acc_formats().size())];
  f.round = r;
  if (f.enc != specials::ieee || g.below(2) == 0) f.ovf = float_overflow::saturate;
  return f;
}

}  // namespace

TEST_CASE("float PE: random specs and MAC sequences", "[pe][float]") {
  fref::testing::splitmix64 g(seed + 1);
  checker c("random float PEs");
  const u64 specs = fref::testing::scaled_count(600);
  for (u64 n = 0; n < specs; ++n) {
    pe_spec s{};
    s.a = operand_formats()[g.below(operand_formats().size())];
    s.b = operand_formats()[g.below(operand_formats().size())];
    s.acc = random_number_format(g, g.below(2) == 0, lop::max_float_fed_acc_width);
    s.out = random_number_format(g, g.below(2) == 0, 40);
    s.mac = g.below(2) == 0 ? mac_kind::fused : mac_kind::unfused;
    s.pipeline = static_cast<int>(g.below(3));
    REQUIRE(lop::validate(s) == nullptr);
    REQUIRE(lop::parse_pe_spec(lop::to_string(s)) == s);
    pe_pair pe(s, g.draw());
    for (int step = 0; step < 300; ++step) {
      const u64 what = g.below(100);
      if (what < 2) {
        const u32 s0 = g.draw();
        pe.model.reset(s0);
        pe.ref.reset(s0);
      } else if (what < 4) {
        pe.model.clear();
        pe.ref.acc = pe.ref.out = 0;
      } else {
        pe.mac(c, operand(s.a.floating, g), operand(s.b.floating, g), what < 12);
      }
    }
  }
  c.done();
}

TEST_CASE("float PE: descriptors and validation", "[pe][float]") {
  const pe_spec s = lop::parse_pe_spec("pe<a=bf16, b=bf16, acc=fp32, out=bf16, mac=unfused>");
  CHECK(s.a == number_format(formats::bf16));
  CHECK(s.acc == number_format(formats::fp32));
  CHECK(s.mac == mac_kind::unfused);
  CHECK(lop::to_string(s) ==
        "pe<a=float<8,7,127,subnormals,ieee,half_even,infinity>,b=float<8,7,127,subnormals,ieee,half_even,infinity>,"
        "acc=float<8,23,127,subnormals,ieee,half_even,infinity>,out=float<8,7,127,subnormals,ieee,half_even,infinity>,"
        "mul=exact,pipeline=0,mac=unfused>");
  // A fixed PE's text has no mac field (unchanged from before float PEs).
  const pe_spec f{lop::sfix(8, 4), lop::sfix(8, 4), lop::sfix(24, 8), lop::sfix(8, 4)};
  CHECK(lop::to_string(f).find("mac") == std::string::npos);
  const auto bad = [](const char* text, const char* what) {
    INFO(text);
    try {
      (void)lop::parse_pe_spec(text);
      FAIL_CHECK("accepted");
    } catch (const lop::format_error& e) {
      CHECK_THAT(e.what(), Catch::Matchers::Contains(what));
    }
  };
  bad("pe<a=bf16,b=fixed<8,4>,acc=fp32,out=bf16>", "both be fixed or both be float");
  bad("pe<a=fixed<8,4>,b=fixed<8,4>,acc=fp32,out=fixed<8,4>>", "needs a fixed accumulator and output");
  bad("pe<a=fixed<8,4>,b=fixed<8,4>,acc=fixed<24,8>,out=fixed<8,4>,mac=unfused>", "drop mac=unfused");
  bad("pe<a=bf16,b=bf16,acc=fixed<100,40>,out=bf16>", "at most 88 bits");
  bad("pe<a=bf16,b=bf16,acc=fixed<40,2040>,out=bf16>", "frac <= 2014");
  bad("pe<a=bf16,b=bf16,acc=fp32,out=bf16,mac=half>", "unknown MAC kind 'half'");
  bad("pe<a=bf17,b=bf16,acc=fp32,out=bf16>", "unknown float format 'bf17'");
}

namespace {

template <pe_spec S>
using mat = Eigen::Matrix<lop::number<S.a>, Eigen::Dynamic, Eigen::Dynamic>;

// lop::gemm against the reference PE run output by output (row-major, one generator).
template <pe_spec S>
void check_gemm(checker& c, const mat<S>& A, const Eigen::Matrix<lop::number<S.b>, Eigen::Dynamic, Eigen::Dynamic>& B,
                u32 seed0, bool expect_native = false) {
  const auto C = lop::gemm<S>(A, B, seed0);
  if (lop::gemm_kernel_for(S, A.cols()) == lop::gemm_kernel::float32 && expect_native) {
    lop::gemm_result<S> N(A.rows(), B.cols());
    CHECK(lop::detail::gemm_float32<S>(A, B, N));  // the native kernel did not fall back
  }
  ref_pe r(S, seed0);
  for (Eigen::Index i = 0; i < A.rows(); ++i)
    for (Eigen::Index j = 0; j < B.cols(); ++j) {
      r.acc = r.out = 0;
      for (Eigen::Index k = 0; k < A.cols(); ++k) r.mac(A(i, k).bits(), B(k, j).bits(), k == 0);
      i128 got = 0;
      if constexpr (S.out.is_float()) got = static_cast<i128>(C(i, j).bits());
      else got = C(i, j).raw();
      c.expect(got == r.out, [&] {
        return lop::to_string(S) + " C(" + std::to_string(i) + "," + std::to_string(j) + ") = " + hex128(got) +
               ", want " + hex128(r.out);
      });
    }
}

template <float_format F>
Eigen::Matrix<lop::cfloat<F>, Eigen::Dynamic, Eigen::Dynamic> random_matrix(Eigen::Index r, Eigen::Index k,
                                                                          fref::testing::splitmix64& g, int kind) {
  Eigen::Matrix<lop::cfloat<F>, Eigen::Dynamic, Eigen::Dynamic> m(r, k);
  for (Eigen::Index i = 0; i < m.size(); ++i) {
    // kind 0: values near 1 (the native kernel applies); 1: any bits (specials, tiny products).
    const double u = static_cast<double>(g() >> 11) * 0x1p-53 * 8.0 - 4.0;
    m.data()[i] = kind == 0 ? lop::cfloat<F>(u) : lop::cfloat<F>::from_bits(operand(F, g));
  }
  return m;
}

}  // namespace

TEST_CASE("lop::gemm with float operands is bit-exact with the PE", "[pe][float][gemm]") {
  fref::testing::splitmix64 g(seed + 2);
  checker c("float gemm");
  constexpr pe_spec bf{formats::bf16, formats::bf16, formats::fp32, formats::bf16};
  constexpr pe_spec bf_un{formats::bf16, formats::bf16, formats::fp32, formats::fp32, lop::multiplier::exact, 0,
                          mac_kind::unfused};
  constexpr pe_spec e4{formats::fp8_e4m3fn, formats::fp8_e4m3fn, formats::fp32, formats::fp8_e4m3fn};
  constexpr pe_spec e4_fixed{formats::fp8_e4m3fn, formats::fp8_e4m3fn,
                             lop::sfix(40, 18, rounding::half_even, overflow::saturate), formats::fp16};
  constexpr pe_spec st{formats::fp8_e5m2, formats::fp8_e5m2, formats::fp16.with_rounding(rounding::stochastic),
                       formats::fp8_e5m2.with_rounding(rounding::stochastic)};
  static_assert(lop::gemm_kernel_for(bf, 64) == lop::gemm_kernel::float32);
  static_assert(lop::gemm_kernel_for(e4, 64) == lop::gemm_kernel::float32);
  static_assert(lop::gemm_kernel_for(e4_fixed, 64) == lop::gemm_kernel::sequential);
  static_assert(lop::gemm_kernel_for(st, 64) == lop::gemm_kernel::sequential);
  for (int kind = 0; kind < 2; ++kind) {
    for (const auto [M, K, N] : {std::array<Eigen::Index, 3>{1, 1, 1}, {5, 17, 9}, {8, 64, 33}, {3, 200, 4}}) {
      check_gemm<bf>(c, random_matrix<formats::bf16>(M, K, g, kind), random_matrix<formats::bf16>(K, N, g, kind), g.draw(),
                     kind == 0);
      check_gemm<bf_un>(c, random_matrix<formats::bf16>(M, K, g, kind), random_matrix<formats::bf16>(K, N, g, kind),
                        g.draw());
      check_gemm<e4>(c, random_matrix<formats::fp8_e4m3fn>(M, K, g, kind),
                     random_matrix<formats::fp8_e4m3fn>(K, N, g, kind), g.draw(), kind == 0);
      check_gemm<e4_fixed>(c, random_matrix<formats::fp8_e4m3fn>(M, K, g, kind),
                           random_matrix<formats::fp8_e4m3fn>(K, N, g, kind), g.draw());
      check_gemm<st>(c, random_matrix<formats::fp8_e5m2>(M, K, g, kind), random_matrix<formats::fp8_e5m2>(K, N, g, kind),
                     g.draw());
    }
  }
  // Operands beyond float's range whose products are inside it: the native kernel must not
  // take them (they would not convert to float exactly).
  constexpr float_format e11m3{11, 3, 1023, true, specials::ieee, rounding::half_even, float_overflow::infinity};
  constexpr pe_spec wide{e11m3, e11m3, formats::fp32, formats::fp32};
  static_assert(lop::gemm_kernel_for(wide, 2) == lop::gemm_kernel::float32);
  mat<wide> WA(1, 1), WB(1, 1);
  WA << lop::cfloat<e11m3>(0x1p150);  // and the other way round: values below float's subnormals
  WB << lop::cfloat<e11m3>(0x1p-30);
  check_gemm<wide>(c, WA, WB, 1);
  WA << lop::cfloat<e11m3>(0x1p-160);
  WB << lop::cfloat<e11m3>(0x1p40);
  check_gemm<wide>(c, WA, WB, 1);
  // Overflow to Inf and Inf - Inf = NaN inside the native kernel's accumulation.
  mat<bf> A(2, 3), B(3, 2);
  const lop::cfloat<formats::bf16> big(3e38), one(1.0), neg(-1.0);
  A << big, big, big, big, big, one;
  B << one, one, one, neg, one, neg;
  check_gemm<bf>(c, A, B, 1);
  c.done();
}
