// lop's custom floating point against the independent exact reference (reference_float.hpp),
// exhaustively for every format of <= 8 bits: the OCP/FNUZ presets and a sweep of other
// descriptors (E/M splits down to man_bits 0 and exp_bits 1, odd and negative biases,
// no_subnormals, every specials encoding, both overflow modes). For each format, every
// rounding mode (stochastic with the draws 0, 0xFFFFFFFF, 0x80000000 and a seeded
// per-vector draw) and each valid overflow mode:
//   + - * / over every operand pair, sqrt over every value, fma over every triple (<= 6 bits;
//   seeded random triples for 8 bits), conversions between all the small formats and from
//   fp16 (every value), from double (every fp16 value plus grid points, ties and their
//   neighbours), into fp16/fp32/fp64 and double, fixed <-> float, comparisons, and the
//   lop::cfloat<F> API over every pair of the presets.
// Every result bit is compared (NaN results are canonical, so they compare exactly too).
// Random parts scale with LOP_FLOAT_SCALE (see reference_float.hpp); the seed is printed.
#include <cmath>
#include <cstdint>
#include <cstdio>
#include <limits>
#include <string>
#include <vector>

#include "../unit/test_util.hpp"
#include "lop/cfloat.hpp"
#include "lop/detail/float_core.hpp"
#include "reference_float.hpp"

namespace {

using fref::u32;
using fref::u64;
using lop::float_format;
using lop::float_overflow;
using lop::rounding;
using lop::specials;
using unit::checker;
namespace formats = lop::formats;

constexpr u64 seed = 0x5EED0F10A7ULL;

float_format fmt(int e, int m, int bias, bool sub, specials enc, float_overflow ovf) {
  return float_format{e, m, bias, sub, enc, rounding::half_even, ovf};
}

// Every format of <= 8 bits under test.
const std::vector<float_format>& small_formats() {
  static const std::vector<float_format> v = [] {
    using enum specials;
    const auto inf = float_overflow::infinity;
    const auto sat = float_overflow::saturate;
    std::vector<float_format> r{formats::fp8_e4m3fn, formats::fp8_e5m2,   formats::fp8_e4m3fnuz,
                                formats::fp8_e5m2fnuz, formats::fp6_e2m3fn, formats::fp6_e3m2fn,
                                formats::fp4_e2m1fn};
    // ieee
    r.push_back(fmt(2, 1, 1, true, ieee, inf));      // 4 bits, smallest ieee
    r.push_back(fmt(3, 2, 3, true, ieee, inf));      // fp6-like ieee
    r.push_back(fmt(4, 3, 7, true, ieee, inf));      // ieee e4m3
    r.push_back(fmt(5, 2, 13, true, ieee, sat));     // odd bias, saturating
    r.push_back(fmt(3, 4, -2, true, ieee, inf));     // negative bias
    r.push_back(fmt(2, 5, 0, true, ieee, inf));      // bias 0
    r.push_back(fmt(6, 1, 31, true, ieee, inf));     // wide exponent
    r.push_back(fmt(4, 3, 7, false, ieee, inf));     // no subnormals
    r.push_back(fmt(3, 3, 5, false, ieee, sat));     // no subnormals, saturating
    // fn
    r.push_back(fmt(1, 3, 0, true, fn, sat));        // exp_bits 1
    r.push_back(fmt(1, 6, 1, true, fn, inf));        // exp_bits 1, non-saturating
    r.push_back(fmt(3, 0, 3, true, fn, sat));        // man_bits 0
    r.push_back(fmt(4, 3, 7, true, fn, inf));        // OCP E4M3 non-saturating
    r.push_back(fmt(5, 2, 9, false, fn, sat));       // no subnormals
    // fnuz
    r.push_back(fmt(1, 2, 1, true, fnuz, sat));      // exp_bits 1
    r.push_back(fmt(7, 0, 60, true, fnuz, inf));     // man_bits 0, 8 bits
    r.push_back(fmt(4, 3, 8, true, fnuz, inf));      // E4M3FNUZ non-saturating
    r.push_back(fmt(4, 2, -3, false, fnuz, sat));    // negative bias, no subnormals
    // none
    r.push_back(fmt(1, 6, 0, true, none, sat));      // exp_bits 1
    r.push_back(fmt(7, 0, 63, true, none, sat));     // man_bits 0, 8 bits
    r.push_back(fmt(3, 4, -5, true, none, sat));     // negative bias
    r.push_back(fmt(2, 1, 1, false, none, sat));     // FP4 without subnormals
    r.push_back(fmt(2, 0, 2, true, none, sat));      // 3 bits, man_bits 0
    for (const auto& f : r)
      if (const char* e = lop::validate(f)) FAIL("invalid test format " << lop::to_string(f) << ": " << e);
    return r;
  }();
  return v;
}

// A result-format variant: rounding mode, overflow mode and (stochastic) draw.
struct variant {
  float_format f;
  u32 rnd = 0;
  bool per_vector = false;  // use a seeded draw per vector instead of rnd
};
std::vector<variant> variants(const float_format& base) {
  std::vector<variant> v;
  for (auto ovf : {float_overflow::infinity, float_overflow::saturate}) {
    for (auto r : unit::all_roundings) {
      float_format f = base;
      f.round = r;
      f.ovf = ovf;
      if (lop::validate(f) != nullptr) continue;  // none + infinity
      if (r == rounding::stochastic) {
        for (u32 x : {0U, 0xFFFFFFFFU, 0x80000000U}) v.push_back({f, x, false});
        v.push_back({f, 0, true});
      } else {
        v.push_back({f, 0, false});
      }
    }
  }
  return v;
}
u32 draw_of(const variant& v, u64 a, u64 b, u64 c) {
  return v.per_vector ? fref::testing::vector_draw(seed, a, b, c) : v.rnd;
}

std::string name(const float_format& f) { return lop::to_string(f); }
std::string show(const float_format& f, u64 bits) { return fref::show(f, bits); }

// The four binary operations, by index.
constexpr const char* op_names[] = {"+", "-", "*", "/"};
fref::value ref_op(int op, const fref::value& x, const fref::value& y) {
  switch (op) {
    case 0: return fref::op_add(x, y);
    case 1: return fref::op_sub(x, y);
    case 2: return fref::op_mul(x, y);
    default: return fref::op_div(x, y);
  }
}
u64 lop_op(int op, const float_format& r, const float_format& fa, u64 a, const float_format& fb, u64 b, u32 rnd) {
  switch (op) {
    case 0: return lop::detail::float_add(r, fa, a, fb, b, rnd);
    case 1: return lop::detail::float_sub(r, fa, a, fb, b, rnd);
    case 2: return lop::detail::float_mul(r, fa, a, fb, b, rnd);
    default: return lop::detail::float_div(r, fa, a, fb, b, rnd);
  }
}

std::vector<fref::value> decode_all(const float_format& f) {
  std::vector<fref::value> v;
  for (u64 b = 0; b < (u64{1} << lop::width(f)); ++b) v.push_back(fref::decode(f, b));
  return v;
}

// Every pair of (fa, fb) through + - * / into every variant of r.
void check_binary(const float_format& r, const float_format& fa, const float_format& fb) {
  checker c("binary " + name(r) + (fa == r && fb == r ? "" : " <- " + name(fa) + ", " + name(fb)));
  const auto va = decode_all(fa);
  const auto vb = decode_all(fb);
  const auto vars = variants(r);
  for (u64 a = 0; a < va.size(); ++a) {
    for (u64 b = 0; b < vb.size(); ++b) {
      for (int op = 0; op < 4; ++op) {
        const fref::prepared p = fref::prepare(r, ref_op(op, va[a], vb[b]));
        for (const variant& v : vars) {
          const u32 rnd = draw_of(v, a, b, static_cast<u64>(op));
          const u64 want = fref::finish(v.f, p, rnd);
          const u64 got = lop_op(op, v.f, fa, a, fb, b, rnd);
          c.expect(want == got, [&] {
            return show(fa, a) + " " + op_names[op] + " " + show(fb, b) + " into " + name(v.f) + " " +
                   fref::mode_name(v.f, rnd) + ": want " + show(v.f, want) + ", got " + show(v.f, got);
          });
        }
      }
    }
  }
  c.done();
}

void check_sqrt(const float_format& r, const float_format& fa) {
  checker c("sqrt " + name(r) + (fa == r ? "" : " <- " + name(fa)));
  const auto va = decode_all(fa);
  const auto vars = variants(r);
  for (u64 a = 0; a < va.size(); ++a) {
    const fref::prepared p = fref::prepare(r, fref::op_sqrt(va[a]));
    for (const variant& v : vars) {
      const u32 rnd = draw_of(v, a, 0, 4);
      const u64 want = fref::finish(v.f, p, rnd);
      const u64 got = lop::detail::float_sqrt(v.f, fa, a, rnd);
      c.expect(want == got, [&] {
        return "sqrt " + show(fa, a) + " into " + name(v.f) + " " + fref::mode_name(v.f, rnd) + ": want " +
               show(v.f, want) + ", got " + show(v.f, got);
      });
    }
  }
  c.done();
}

void fma_one(checker& c, const float_format& f, const std::vector<fref::value>& vals, const std::vector<variant>& vars,
             u64 a, u64 b, u64 x) {
  const fref::prepared p = fref::prepare(f, fref::op_fma(vals[a], vals[b], vals[x]));
  for (const variant& v : vars) {
    const u32 rnd = draw_of(v, a, b, x + 5);
    const u64 want = fref::finish(v.f, p, rnd);
    const u64 got = lop::detail::float_fma(v.f, f, a, f, b, f, x, rnd);
    c.expect(want == got, [&] {
      return "fma(" + show(f, a) + ", " + show(f, b) + ", " + show(f, x) + ") into " + name(v.f) + " " +
             fref::mode_name(v.f, rnd) + ": want " + show(v.f, want) + ", got " + show(v.f, got);
    });
  }
}

void check_fma(const float_format& f) {
  checker c("fma " + name(f));
  const auto vals = decode_all(f);
  const auto vars = variants(f);
  const u64 n = vals.size();
  if (lop::width(f) <= 6) {
    for (u64 a = 0; a < n; ++a)
      for (u64 b = 0; b < n; ++b)
        for (u64 x = 0; x < n; ++x) fma_one(c, f, vals, vars, a, b, x);
  } else {
    fref::testing::splitmix64 g(seed ^ 0xF3A);
    const u64 count = fref::testing::scaled_count(12000);
    for (u64 i = 0; i < count; ++i) fma_one(c, f, vals, vars, g.below(n), g.below(n), g.below(n));
  }
  c.done();
}

// Every value of `from` into every variant of `to`.
void check_convert(checker& c, const float_format& to, const float_format& from, const std::vector<variant>& vars) {
  const u64 n = u64{1} << lop::width(from);
  for (u64 a = 0; a < n; ++a) {
    const fref::prepared p = fref::prepare(to, fref::decode(from, a));
    for (const variant& v : vars) {
      const u32 rnd = draw_of(v, a, 0, 6);
      const u64 want = fref::finish(v.f, p, rnd);
      const u64 got = lop::detail::float_convert(v.f, from, a, rnd);
      c.expect(want == got, [&] {
        return "convert " + show(from, a) + " from " + name(from) + " into " + name(v.f) + " " +
               fref::mode_name(v.f, rnd) + ": want " + show(v.f, want) + ", got " + show(v.f, got);
      });
    }
  }
}

// Doubles worth converting into f: every 7th fp16 value (all of them go through the fp16
// conversion test), and for random finite encodings of f
// the value, the midpoint to the next encoding (a tie), the quarter points and the doubles
// adjacent to each; plus the extremes of double.
std::vector<double> doubles_for(const float_format& f, fref::testing::splitmix64& g, u64 count) {
  std::vector<double> v;
  for (u64 b = 0; b < 65536; b += 7) v.push_back(fref::to_double(formats::fp16, b));
  for (double d : {0.0, -0.0, 1e-320, -4.9e-324, 1e300, -1e308, HUGE_VAL, -HUGE_VAL,
                   std::numeric_limits<double>::max(), std::numeric_limits<double>::quiet_NaN()})
    v.push_back(d);
  const u64 n = u64{1} << lop::width(f);
  for (u64 i = 0; i < count; ++i) {
    const u64 b = g.below(n);
    const double d0 = fref::to_double(f, b);
    const double d1 = fref::to_double(f, (b + 1) % n);
    if (!std::isfinite(d0)) continue;
    v.push_back(d0);
    if (!std::isfinite(d1) || std::signbit(d0) != std::signbit(d1)) continue;
    for (double t : {0.5, 0.25, 0.75}) {
      const double m = d0 + (d1 - d0) * t;  // exact: both are on a grid far coarser than double's
      v.push_back(m);
      v.push_back(std::nextafter(m, HUGE_VAL));
      v.push_back(std::nextafter(m, -HUGE_VAL));
    }
  }
  return v;
}

// Fixed-point formats for the fixed <-> float conversions.
const std::vector<lop::fixed_format>& fixed_formats() {
  static const std::vector<lop::fixed_format> v{
      {8, 3, true, rounding::floor, lop::overflow::saturate},   {6, 0, false, rounding::floor, lop::overflow::wrap},
      {12, 8, true, rounding::floor, lop::overflow::saturate},  {4, -2, true, rounding::floor, lop::overflow::wrap},
      {10, 12, true, rounding::floor, lop::overflow::saturate}, {9, 5, false, rounding::floor, lop::overflow::wrap},
  };
  return v;
}

}  // namespace

TEST_CASE("cfloat exhaustive: + - * / over every pair of every <= 8-bit format, every mode", "[cfloat][exhaustive]") {
  std::printf("seed 0x%llx\n", static_cast<unsigned long long>(seed));
  for (const auto& f : small_formats()) check_binary(f, f, f);
}

TEST_CASE("cfloat exhaustive: mixed-format operands", "[cfloat][exhaustive]") {
  // Operands of two formats, results in a third (or wider) format.
  check_binary(formats::fp16, formats::fp8_e4m3fn, formats::fp8_e5m2);
  check_binary(formats::fp6_e3m2fn, formats::fp8_e4m3fnuz, formats::fp6_e2m3fn);
  check_binary(formats::fp8_e5m2fnuz, formats::fp4_e2m1fn, formats::fp8_e4m3fn);
  check_binary(fmt(3, 0, 3, true, specials::fn, float_overflow::saturate), formats::fp6_e3m2fn, formats::fp8_e5m2);
}

TEST_CASE("cfloat exhaustive: sqrt of every value", "[cfloat][exhaustive]") {
  for (const auto& f : small_formats()) check_sqrt(f, f);
  check_sqrt(formats::fp4_e2m1fn, formats::fp8_e5m2);
  check_sqrt(formats::fp8_e4m3fn, formats::fp16);
}

TEST_CASE("cfloat exhaustive: fma over every triple (<= 6 bits), random triples (8 bits)", "[cfloat][exhaustive]") {
  std::printf("seed 0x%llx\n", static_cast<unsigned long long>(seed ^ 0xF3A));
  for (const auto& f : small_formats()) check_fma(f);
}

TEST_CASE("cfloat exhaustive: conversions between the small formats, fp16, fp32 and fp64", "[cfloat][exhaustive]") {
  {
    checker c("convert small <-> small");
    for (const auto& to : small_formats()) {
      const auto vars = variants(to);
      for (const auto& from : small_formats()) check_convert(c, to, from, vars);
    }
    c.done();
  }
  {
    checker c("convert small -> fp16/bf16/fp32/fp64");
    for (const auto& to : {formats::fp16, formats::bf16, formats::fp32, formats::fp64}) {
      const auto vars = variants(to);
      for (const auto& from : small_formats()) check_convert(c, to, from, vars);
    }
    c.done();
  }
  {
    checker c("convert fp16 (every value) -> small");
    for (const auto& to : small_formats()) {
      std::vector<variant> vars;
      for (const auto& v : variants(to))  // one fixed draw per stochastic mode is enough here
        if (v.f.round != rounding::stochastic || v.per_vector) vars.push_back(v);
      check_convert(c, to, formats::fp16, vars);
    }
    c.done();
  }
}

TEST_CASE("cfloat exhaustive: from double and fp32 (fp16 values, grid points, ties and neighbours)",
          "[cfloat][exhaustive]") {
  std::printf("seed 0x%llx\n", static_cast<unsigned long long>(seed ^ 0xD0));
  fref::testing::splitmix64 g(seed ^ 0xD0);
  checker c("from double");
  for (const auto& to : small_formats()) {
    const auto ds = doubles_for(to, g, fref::testing::scaled_count(300));
    std::vector<variant> vars;
    for (const auto& v : variants(to))
      if (v.f.round != rounding::stochastic || v.per_vector || v.rnd == 0x80000000U) vars.push_back(v);
    for (u64 i = 0; i < ds.size(); ++i) {
      const double d = ds[i];
      const fref::prepared p = fref::prepare(to, fref::of_double(d));
      for (const variant& v : vars) {
        const u32 rnd = draw_of(v, fref::double_bits(d), 0, 7);
        const u64 want = fref::finish(v.f, p, rnd);
        const u64 got = lop::detail::float_from_double(v.f, d, rnd);
        c.expect(want == got, [&] {
          return "from double " + fref::hex(fref::double_bits(d)) + " into " + name(v.f) + " " +
                 fref::mode_name(v.f, rnd) + ": want " + show(v.f, want) + ", got " + show(v.f, got);
        });
        // The same value as an fp32 operand, where float holds it exactly.
        const auto fl = static_cast<float>(d);
        if (std::isnan(d) || static_cast<double>(fl) != d) continue;
        const u64 got32 = lop::detail::float_convert(v.f, formats::fp32, fref::float_bits(fl), rnd);
        c.expect(want == got32, [&] {
          return "from fp32 " + fref::hex(fref::float_bits(fl)) + " into " + name(v.f) + " " +
                 fref::mode_name(v.f, rnd) + ": want " + show(v.f, want) + ", got " + show(v.f, got32);
        });
      }
    }
  }
  c.done();
}

TEST_CASE("cfloat exhaustive: to double and float of every value", "[cfloat][exhaustive]") {
  checker c("to double/float");
  for (const auto& f : small_formats()) {
    for (u64 a = 0; a < (u64{1} << lop::width(f)); ++a) {
      const double want = fref::to_double(f, a);
      const double got = lop::detail::float_to_double(f, a);
      c.expect(fref::double_bits(want) == fref::double_bits(got), [&] {
        return "to_double " + show(f, a) + " of " + name(f) + ": want " + fref::hex(fref::double_bits(want)) +
               ", got " + fref::hex(fref::double_bits(got));
      });
      const u64 wantf = fref::convert(fref::fp32_format, f, a, 0);
      const u32 gotf = fref::float_bits(lop::detail::float_to_float(f, a));
      c.expect(wantf == gotf, [&] {
        return "to_float " + show(f, a) + " of " + name(f) + ": want " + fref::hex(wantf) + ", got " + fref::hex(gotf);
      });
    }
  }
  c.done();
}

TEST_CASE("cfloat exhaustive: fixed <-> float", "[cfloat][exhaustive]") {
  {
    checker c("float -> fixed");
    for (const auto& f : small_formats()) {
      for (auto g0 : fixed_formats()) {
        for (auto rm : unit::all_roundings) {
          for (auto om : unit::all_overflows) {
            lop::fixed_format g = g0;
            g.round = rm;
            g.ovf = om;
            for (u64 a = 0; a < (u64{1} << lop::width(f)); ++a) {
              for (u32 rnd : {0U, 0xFFFFFFFFU, 0x80000000U, fref::testing::vector_draw(seed, a, 0, 8)}) {
                if (rm != rounding::stochastic && rnd != 0) continue;
                const ref::i128 want = fref::to_fixed(g, f, a, rnd);
                const ref::i128 got = lop::detail::float_to_fixed(g, f, a, rnd);
                c.expect(want == got, [&] {
                  return "to_fixed " + show(f, a) + " of " + name(f) + " into " + lop::to_string(g) + " rnd " +
                         fref::hex(rnd) + ": want " + ref::str(want) + ", got " + ref::str(got);
                });
              }
            }
          }
        }
      }
    }
    c.done();
  }
  {
    checker c("fixed -> float");
    for (const auto& to : small_formats()) {
      const auto vars = variants(to);
      for (const auto& g : fixed_formats()) {
        for (ref::i128 raw = ref::raw_min(g); raw <= ref::raw_max(g); ++raw) {
          const fref::prepared p = fref::prepare(to, fref::of_fixed(raw, g.frac));
          for (const variant& v : vars) {
            const u32 rnd = draw_of(v, static_cast<u64>(raw), 0, 9);
            const u64 want = fref::finish(v.f, p, rnd);
            const u64 got = lop::detail::float_from_fixed(v.f, g, raw, rnd);
            c.expect(want == got, [&] {
              return "from_fixed " + ref::str(raw) + " of " + lop::to_string(g) + " into " + name(v.f) + " " +
                     fref::mode_name(v.f, rnd) + ": want " + show(v.f, want) + ", got " + show(v.f, got);
            });
          }
        }
      }
    }
    c.done();
  }
}

TEST_CASE("cfloat exhaustive: comparisons of every pair", "[cfloat][exhaustive]") {
  checker c("compare");
  auto check_pairs = [&](const float_format& fa, const float_format& fb) {
    for (u64 a = 0; a < (u64{1} << lop::width(fa)); ++a)
      for (u64 b = 0; b < (u64{1} << lop::width(fb)); ++b) {
        const auto want = fref::compare(fa, a, fb, b);
        const auto got = lop::detail::float_compare(fa, a, fb, b);
        c.expect(want == got, [&] { return "compare " + show(fa, a) + " of " + name(fa) + " with " + show(fb, b) + " of " + name(fb); });
      }
  };
  for (const auto& f : small_formats()) check_pairs(f, f);
  check_pairs(formats::fp8_e4m3fn, formats::fp8_e5m2);
  check_pairs(formats::fp8_e4m3fnuz, formats::fp6_e2m3fn);
  check_pairs(formats::fp4_e2m1fn, formats::fp8_e5m2fnuz);
  c.done();
}

namespace {
// The lop::cfloat<F> API over every pair of F's values: the operators round like the
// reference, comparisons, unary minus, abs, conversions to double/int/bool.
template <float_format F>
void check_api() {
  using T = lop::cfloat<F>;
  checker c("cfloat API " + name(F));
  const u64 n = u64{1} << lop::width(F);
  const lop::fixed_format int32_fmt{32, 0, true, rounding::toward_zero, lop::overflow::saturate};
  for (u64 a = 0; a < n; ++a) {
    const T x = T::from_bits(a);
    const fref::value va = fref::decode(F, a);
    // Unary minus and abs are exact sign operations (NaN stays NaN, fnuz has no -0).
    // They are compared as values (any NaN encoding is a NaN; with no_subnormals, abs may
    // keep a zero's nonzero mantissa): canonical(got) == canonical(expected).
    const auto canonical = [](u64 bits) { return fref::round(F, fref::decode(F, bits), 0); };
    const u64 neg_want = fref::round(F, fref::negate(va), 0);
    c.expect(canonical((-x).bits()) == neg_want, [&] { return "-" + show(F, a) + ": got " + show(F, (-x).bits()); });
    fref::value av = va;
    av.neg = false;
    c.expect(canonical(lop::abs(x).bits()) == fref::round(F, av, 0),
             [&] { return "abs " + show(F, a) + ": got " + show(F, lop::abs(x).bits()); });
    c.expect(fref::double_bits(x.to_double()) == fref::double_bits(fref::to_double(F, a)) &&
                 fref::double_bits(static_cast<double>(x)) == fref::double_bits(fref::to_double(F, a)),
             [&] { return "to_double " + show(F, a); });
    const ref::i128 iw = fref::to_fixed(int32_fmt, F, a, 0);
    c.expect(static_cast<int>(x) == iw, [&] { return "int(" + show(F, a) + "): got " + std::to_string(static_cast<int>(x)); });
    c.expect(static_cast<bool>(x) == (va.kind != fref::vkind::zero), [&] { return "bool(" + show(F, a) + ")"; });
    c.expect(lop::isnan(x) == (va.kind == fref::vkind::nan) && lop::isinf(x) == (va.kind == fref::vkind::inf),
             [&] { return "isnan/isinf " + show(F, a); });
    c.expect(lop::sqrt(x).bits() == fref::sqrt(F, F, a, 0), [&] { return "lop::sqrt " + show(F, a); });
    // Construction from integers, float and double (one rounding).
    const auto iv = static_cast<int>(a) - static_cast<int>(n / 2);
    c.expect(T(iv).bits() == fref::round(F, fref::of_fixed(iv, 0), 0), [&] { return "from int " + std::to_string(iv); });
    const double dv = fref::to_double(F, a) * 0.75;
    c.expect(T(dv).bits() == fref::from_double(F, dv, 0) && T(static_cast<float>(dv)).bits() == fref::from_double(F, dv, 0),
             [&] { return "from double/float " + fref::hex(fref::double_bits(dv)); });
    for (u64 b = 0; b < n; ++b) {
      const T y = T::from_bits(b);
      const auto msg = [&](const char* what) { return [&, what] { return std::string(what) + " " + show(F, a) + ", " + show(F, b); }; };
      c.expect((x + y).bits() == fref::add(F, F, a, F, b, 0), msg("+"));
      c.expect((x - y).bits() == fref::sub(F, F, a, F, b, 0), msg("-"));
      c.expect((x * y).bits() == fref::mul(F, F, a, F, b, 0), msg("*"));
      c.expect((x / y).bits() == fref::div(F, F, a, F, b, 0), msg("/"));
      const auto o = fref::compare(F, a, F, b);
      c.expect((x <=> y) == o, msg("<=>"));
      c.expect((x == y) == (o == 0) && (x != y) == !(o == 0) && (x < y) == (o < 0) && (x <= y) == (o <= 0) &&
                   (x > y) == (o > 0) && (x >= y) == (o >= 0),
               msg("== != < <= > >="));
    }
  }
  c.done();
}
}  // namespace

TEST_CASE("cfloat exhaustive: the lop::cfloat<F> API over every pair of each preset", "[cfloat][exhaustive][api]") {
  // The operators' fast paths (vectorized float path, tables) for the presets ...
  check_api<formats::fp8_e4m3fn>();
  check_api<formats::fp8_e5m2>();
  check_api<formats::fp8_e4m3fnuz>();
  check_api<formats::fp8_e5m2fnuz>();
  check_api<formats::fp6_e2m3fn>();
  check_api<formats::fp6_e3m2fn>();
  check_api<formats::fp4_e2m1fn>();
  // ... and in other modes and overflow policies (scalar float path, tables).
  check_api<formats::fp8_e4m3fn.with_rounding(rounding::half_away)>();
  check_api<formats::fp8_e5m2.with_rounding(rounding::half_up)>();
  check_api<formats::fp8_e5m2.with_rounding(rounding::floor)>();
  check_api<formats::fp8_e4m3fnuz.with_rounding(rounding::ceil)>();
  check_api<formats::fp6_e3m2fn.with_rounding(rounding::toward_zero)>();
  check_api<formats::fp8_e4m3fn.with_overflow(float_overflow::infinity)>();
  check_api<formats::fp8_e5m2fnuz.with_overflow(float_overflow::infinity).with_rounding(rounding::half_up)>();
  check_api<float_format{4, 3, 7, false, specials::ieee, rounding::half_even, float_overflow::infinity}>();
}

namespace {
// Seeded random pairs through the lop::cfloat<F> operators of a 16-bit format against the
// reference (the native float fast paths of formats without Inf/NaN).
template <float_format F>
void check_api_random(u64 count, u64 s) {
  using T = lop::cfloat<F>;
  checker c("cfloat API random " + name(F));
  fref::testing::operand_gen g({F.exp_bits, F.man_bits}, s);
  for (u64 i = 0; i < count; ++i) {
    const u64 a = g.next();
    const u64 b = g.next(&a);
    const T x = T::from_bits(a), y = T::from_bits(b);
    const auto msg = [&](const char* what) { return [&, what] { return std::string(what) + " " + show(F, a) + ", " + show(F, b); }; };
    c.expect((x + y).bits() == fref::add(F, F, a, F, b, 0), msg("+"));
    c.expect((x - y).bits() == fref::sub(F, F, a, F, b, 0), msg("-"));
    c.expect((x * y).bits() == fref::mul(F, F, a, F, b, 0), msg("*"));
    c.expect((x / y).bits() == fref::div(F, F, a, F, b, 0), msg("/"));
  }
  c.done();
}
constexpr float_format fn16{5, 10, 15, true, specials::fn, rounding::half_even, float_overflow::saturate};
constexpr float_format fnuz16{5, 10, 16, true, specials::fnuz, rounding::half_even, float_overflow::infinity};
constexpr float_format none15{5, 9, 12, true, specials::none, rounding::half_even, float_overflow::saturate};
constexpr float_format fn16_ftz{5, 10, 20, false, specials::fn, rounding::half_even, float_overflow::infinity};
}  // namespace

TEST_CASE("cfloat exhaustive: the lop::cfloat<F> API of 16-bit fn/fnuz/none formats, random pairs",
          "[cfloat][api]") {
  const u64 n = fref::testing::scaled_count(15000);
  std::printf("seed 0x%llx, %llu pairs per format and mode\n", static_cast<unsigned long long>(seed ^ 0xA9),
              static_cast<unsigned long long>(n));
  check_api_random<fn16>(n, seed ^ 0xA9);
  check_api_random<fn16.with_rounding(rounding::half_away)>(n, seed ^ 0xAA);
  check_api_random<fn16.with_rounding(rounding::toward_zero)>(n, seed ^ 0xAB);
  check_api_random<fnuz16>(n, seed ^ 0xAC);
  check_api_random<fnuz16.with_rounding(rounding::half_up)>(n, seed ^ 0xAD);
  check_api_random<fnuz16.with_rounding(rounding::floor)>(n, seed ^ 0xAE);
  check_api_random<none15>(n, seed ^ 0xAF);
  check_api_random<none15.with_rounding(rounding::ceil)>(n, seed ^ 0xB0);
  check_api_random<fn16_ftz>(n, seed ^ 0xB1);
}
