// lop's custom floating point against MPFR for formats of up to 32 bits: fp16, bf16, tf32,
// descriptors with other widths, odd and negative biases, no_subnormals and saturating
// overflow, and the other specials encodings (fn, fnuz, none) at 12 to 16 bits. MPFR computes with the format's precision and exponent range,
// emulating subnormals (mpfr_set_emin/emax + mpfr_subnormalize), in its own modes for
// half_even (RNDN), toward_zero (RNDZ), floor (RNDD) and ceil (RNDU). The modes MPFR lacks
// (half_away, half_up, stochastic) are emulated: MPFR computes the result at precision p+40
// (RNDZ plus its ternary value, made "sticky" with one more bit), rounds that toward zero
// (a) and away from zero (b) on the format's grid, and the distances |x|-|a| and |b|-|x|
// decide (ties; stochastic D = floor((|x|-|a|)/(|b|-|a|) * 2^32)). Overflow and flush to zero
// follow docs/cfloat.md section 2. Operations: + - * / sqrt fma and conversion from double;
// seeded random vectors (count scaled by LOP_FLOAT_SCALE), the seed is printed.
#include <mpfr.h>

#include <cmath>
#include <cstdint>
#include <cstdio>
#include <string>
#include <vector>

#include "../unit/test_util.hpp"
#include "lop/cfloat.hpp"
#include "lop/detail/float_core.hpp"
#include "reference_float.hpp"

namespace {

using fref::u32;
using fref::u64;
using fref::testing::ieee_params;
using fref::testing::operand_gen;
using lop::float_format;
using lop::float_overflow;
using lop::rounding;
using unit::checker;
namespace formats = lop::formats;

constexpr u64 seed = 0x3F9A7E5EEDULL;
constexpr int extra = 40;  // guard bits of the emulation

// An mpfr_t with RAII.
struct mp {
  mpfr_t v;
  explicit mp(mpfr_prec_t p) { mpfr_init2(v, p); }
  ~mp() { mpfr_clear(v); }
  mp(const mp&) = delete;
  mp& operator=(const mp&) = delete;
  mpfr_ptr operator*() { return v; }
};

// Sets MPFR's exponent range for the duration of a scope.
struct exp_range {
  mpfr_exp_t old_min = mpfr_get_emin();
  mpfr_exp_t old_max = mpfr_get_emax();
  exp_range(long lo, long hi) {
    mpfr_set_emin(lo);
    mpfr_set_emax(hi);
  }
  ~exp_range() {
    mpfr_set_emin(old_min);
    mpfr_set_emax(old_max);
  }
  exp_range(const exp_range&) = delete;
  exp_range& operator=(const exp_range&) = delete;
};

// The format under test, in MPFR's terms, for each specials encoding (docs/cfloat.md section 1:
// ieee reserves the top exponent field; fn only its all-ones word, the NaN; fnuz only the
// would-be -0, the NaN; none nothing).
struct target {
  float_format f;
  int M = 0;        // man_bits
  long emin = 0;    // unbiased exponent of the smallest normal binade, 1 - bias
  long emax = 0;    // of the largest binade holding finite values
  explicit target(const float_format& ff)
      : f(ff), M(ff.man_bits), emin(1 - ff.bias),
        emax(static_cast<long>((1L << ff.exp_bits) - (ff.enc == lop::specials::ieee ? 2 : 1)) - ff.bias) {}
  [[nodiscard]] bool ieee() const { return f.enc == lop::specials::ieee; }
  [[nodiscard]] u64 sign() const { return u64{1} << (f.exp_bits + M); }
  [[nodiscard]] u64 top_field() const { return ((u64{1} << f.exp_bits) - 1) << M; }
  [[nodiscard]] u64 man_mask() const { return (u64{1} << M) - 1; }
  [[nodiscard]] u64 inf(bool neg) const { return top_field() | (neg ? sign() : 0); }  // ieee only
  // The largest finite significand in units of the quantum of the top binade.
  [[nodiscard]] u64 max_sig() const { return (u64{2} << M) - (f.enc == lop::specials::fn ? 2 : 1); }
  [[nodiscard]] u64 max(bool neg) const {
    const u64 mag = ieee() ? top_field() - 1 : top_field() | (max_sig() & man_mask());
    return mag | (neg ? sign() : 0);
  }
  // The canonical NaN (+0 for none, which has no NaN).
  [[nodiscard]] u64 nan() const {
    switch (f.enc) {
      case lop::specials::ieee: return top_field() | (u64{1} << (M - 1));
      case lop::specials::fn: return top_field() | man_mask();
      case lop::specials::fnuz: return sign();
      case lop::specials::none: return 0;
    }
    return 0;
  }
  [[nodiscard]] u64 zero(bool neg) const { return neg && f.enc != lop::specials::fnuz ? sign() : 0; }
  // The answer to an infinite result: exact (from the operands; without Inf in the format, the
  // overflow mode decides, whatever the rounding) or by overflow (a rounded magnitude).
  [[nodiscard]] u64 infinite(bool neg, bool toward_zero, bool overflowed) const {
    if (ieee() && !overflowed) return inf(neg);  // an exact infinity is representable
    if (f.ovf == float_overflow::saturate || (overflowed && toward_zero)) return max(neg);
    return ieee() ? inf(neg) : nan();
  }
  // MPFR exponent range emulating F with subnormals (MPFR: x = 0.1b... * 2^EXP).
  [[nodiscard]] long mp_emin() const { return emin - M + 1; }
  [[nodiscard]] long mp_emax() const { return emax + 1; }
};

// The exact value of an encoding of t.f (inputs with exponent field 0 read as +-0 when the
// format has no subnormals).
void set_operand(mpfr_ptr x, const target& t, u64 bits) {
  const bool neg = (bits & t.sign()) != 0;
  const u64 field = (bits >> t.M) & ((u64{1} << t.f.exp_bits) - 1);
  const u64 man = bits & t.man_mask();
  const bool top = field == (u64{1} << t.f.exp_bits) - 1;
  if (t.ieee() && top) {
    if (man != 0) mpfr_set_nan(x);
    else mpfr_set_inf(x, neg ? -1 : 1);
    return;
  }
  if ((t.f.enc == lop::specials::fn && top && man == t.man_mask()) ||
      (t.f.enc == lop::specials::fnuz && bits == t.sign())) {
    mpfr_set_nan(x);
    return;
  }
  if (field == 0) {
    if (man == 0 || !t.f.subnormals) {
      mpfr_set_zero(x, neg ? -1 : 1);
      return;
    }
    mpfr_set_ui_2exp(x, man, t.emin - t.M, MPFR_RNDN);  // exact
  } else {
    mpfr_set_ui_2exp(x, man | (u64{1} << t.M), static_cast<long>(field) - t.f.bias - t.M, MPFR_RNDN);
  }
  if (neg) mpfr_neg(x, x, MPFR_RNDN);
}

// Constants of a target: max finite (1 - 2^-(M+1)) * 2^(emax+1), min normal 2^emin, and a
// scratch value.
struct consts {
  mp max{64}, min_normal{64}, q{64};
  explicit consts(const target& t) {
    mpfr_set_ui_2exp(*max, t.max_sig(), t.emax - t.M, MPFR_RNDN);
    mpfr_set_ui_2exp(*min_normal, 1, t.emin, MPFR_RNDN);
  }
};
bool beyond_max(mpfr_srcptr x, consts& k) { return mpfr_cmpabs(x, *k.max) > 0; }

// The encoding of a value already on t's grid (or beyond max finite: the overflow rules of
// mode `mode`; `overflowed`: MPFR reported an overflow to Inf).
u64 encode(mpfr_srcptr x, const target& t, consts& k, rounding mode, float_overflow ovf, bool overflowed) {
  if (mpfr_nan_p(x)) return t.nan();
  const bool neg = mpfr_signbit(x) != 0;
  const u64 s = neg ? t.sign() : 0;
  const bool toward_zero = mode == rounding::toward_zero || (mode == rounding::floor && !neg) ||
                           (mode == rounding::ceil && neg);
  if (ovf != t.f.ovf) throw std::logic_error("mpfr test: overflow mode differs from the target's");
  if (mpfr_inf_p(x) && !overflowed) return t.infinite(neg, toward_zero, false);  // an exact infinity
  if (mpfr_inf_p(x) || beyond_max(x, k)) return t.infinite(neg, toward_zero, true);
  if (mpfr_zero_p(x)) return t.zero(neg);
  mpfr_ptr q = *k.q;
  if (mpfr_cmpabs(x, *k.min_normal) < 0) {
    if (!t.f.subnormals) return t.zero(neg);  // flush to zero
    mpfr_abs(q, x, MPFR_RNDN);
    mpfr_mul_2si(q, q, t.M - t.emin, MPFR_RNDN);  // in units of the subnormal quantum
    if (!mpfr_integer_p(q)) throw std::logic_error("mpfr test: subnormal off the grid");
    return s | mpfr_get_ui(q, MPFR_RNDN);
  }
  const long e = mpfr_get_exp(x) - 1;  // |x| in [2^e, 2^(e+1))
  mpfr_abs(q, x, MPFR_RNDN);
  mpfr_mul_2si(q, q, t.M - e, MPFR_RNDN);  // 1.M * 2^M
  if (!mpfr_integer_p(q)) throw std::logic_error("mpfr test: normal off the grid");
  const u64 sig = mpfr_get_ui(q, MPFR_RNDN);
  return s | (static_cast<u64>(e + t.f.bias) << t.M) | (sig - (u64{1} << t.M));
}

// An operation on exact MPFR operands.
enum class opk { add, sub, mul, div, sqrt, fma, from_double };
constexpr const char* op_names[] = {"add", "sub", "mul", "div", "sqrt", "fma", "from_double"};
int apply(opk op, mpfr_ptr r, mpfr_srcptr a, mpfr_srcptr b, mpfr_srcptr c, mpfr_rnd_t rnd) {
  switch (op) {
    case opk::add: return mpfr_add(r, a, b, rnd);
    case opk::sub: return mpfr_sub(r, a, b, rnd);
    case opk::mul: return mpfr_mul(r, a, b, rnd);
    case opk::div: return mpfr_div(r, a, b, rnd);
    case opk::sqrt: return mpfr_sqrt(r, a, rnd);
    case opk::fma: return mpfr_fma(r, a, b, c, rnd);
    case opk::from_double: return mpfr_set(r, a, rnd);
  }
  return 0;
}

// The result of one operation in every variant (mode and draw) of t, computed with MPFR.
struct variant {
  rounding mode;
  u32 rnd;  // stochastic draw
};
class mpfr_model {
 public:
  explicit mpfr_model(const target& t) : t_(t), k_(t) {}

  // Results for `vars` in order.
  std::vector<u64> run(opk op, mpfr_srcptr a, mpfr_srcptr b, mpfr_srcptr c, const std::vector<variant>& vars) {
    std::vector<u64> out;
    bool have_emulated = false;
    for (const variant& v : vars) {
      mpfr_rnd_t rnd = MPFR_RNDN;
      switch (v.mode) {
        case rounding::half_even: rnd = MPFR_RNDN; break;
        case rounding::toward_zero: rnd = MPFR_RNDZ; break;
        case rounding::floor: rnd = MPFR_RNDD; break;
        case rounding::ceil: rnd = MPFR_RNDU; break;
        default: {
          if (!have_emulated) emulate_prepare(op, a, b, c), have_emulated = true;
          out.push_back(emulated(v));
          continue;
        }
      }
      // MPFR's own rounding with F's precision, exponent range and subnormals.
      mpfr_set_prec(*r_, t_.M + 1);
      const int tern = apply(op, *r_, a, b, c, rnd);  // in MPFR's default (huge) exponent range
      out.push_back(encode(*r_, t_, k_, v.mode, t_.f.ovf, narrow(*r_, tern, rnd)));
    }
    return out;
  }

 private:
  // y: the exact result made sticky at precision p + extra + 1; a, b: y rounded toward and
  // away from zero on F's grid (exponent range without overflow).
  void emulate_prepare(opk op, mpfr_srcptr a, mpfr_srcptr b, mpfr_srcptr c) {
    mpfr_set_prec(*y_, t_.M + 1 + extra);
    const int tern = apply(op, *y_, a, b, c, MPFR_RNDZ);
    special_ = mpfr_nan_p(*y_) || mpfr_inf_p(*y_) || mpfr_zero_p(*y_);
    if (special_) return;
    mpfr_set_prec(*yy_, t_.M + 2 + extra);
    mpfr_set(*yy_, *y_, MPFR_RNDN);  // exact
    if (tern != 0) {  // strictly between y and the next value away from zero: halfway there
      if (mpfr_sgn(*yy_) > 0) mpfr_nextabove(*yy_);
      else mpfr_nextbelow(*yy_);
    }
    mpfr_set_prec(*lo_, t_.M + 1);
    mpfr_set_prec(*hi_, t_.M + 1);
    narrow(*lo_, mpfr_set(*lo_, *yy_, MPFR_RNDZ), MPFR_RNDZ, 8);
    narrow(*hi_, mpfr_set(*hi_, *yy_, MPFR_RNDA), MPFR_RNDA, 8);
  }
  // x, rounded to F's precision in the default exponent range with ternary value tern, into
  // F's exponent range with subnormals (MPFR's documented recipe: mpfr_check_range, then
  // mpfr_subnormalize); emax is raised by `headroom` binades. Returns whether it overflowed.
  bool narrow(mpfr_ptr x, int tern, mpfr_rnd_t rnd, long headroom = 0) {
    const exp_range g(t_.mp_emin(), t_.mp_emax() + headroom);
    mpfr_clear_flags();
    tern = mpfr_check_range(x, tern, rnd);
    mpfr_subnormalize(x, tern, rnd);
    return mpfr_overflow_p() != 0;
  }
  u64 emulated(const variant& v) {
    if (special_) return encode(*y_, t_, k_, v.mode, t_.f.ovf, false);
    const bool neg = mpfr_sgn(*yy_) < 0;
    if (beyond_max(*lo_, k_)) return encode(*lo_, t_, k_, v.mode, t_.f.ovf, true);  // overflow either way
    if (mpfr_equal_p(*lo_, *hi_)) return encode(*lo_, t_, k_, v.mode, t_.f.ovf, false);
    // d1 = |y| - |lo|, d2 = |hi| - |y| (exact at 256 bits), q = |hi| - |lo|.
    mpfr_ptr d1 = *d1_, d2 = *d2_, q = *q_, ay = *ay_, alo = *alo_, ahi = *ahi_;
    mpfr_abs(ay, *yy_, MPFR_RNDN);
    mpfr_abs(alo, *lo_, MPFR_RNDN);
    mpfr_abs(ahi, *hi_, MPFR_RNDN);
    mpfr_sub(d1, ay, alo, MPFR_RNDN);
    mpfr_sub(d2, ahi, ay, MPFR_RNDN);
    mpfr_sub(q, ahi, alo, MPFR_RNDN);
    const int c = mpfr_cmp(d1, d2);
    bool up = false;
    switch (v.mode) {
      case rounding::half_away: up = c >= 0; break;
      case rounding::half_up: up = c > 0 || (c == 0 && !neg); break;
      case rounding::stochastic: {
        mpfr_div(d1, d1, q, MPFR_RNDN);  // q is a power of two: exact
        mpfr_mul_2si(d1, d1, 32, MPFR_RNDN);
        const u64 D = mpfr_get_ui(d1, MPFR_RNDZ);  // floor
        up = D + v.rnd >= (u64{1} << 32);
        break;
      }
      default: throw std::logic_error("mpfr test: not an emulated mode");
    }
    mpfr_srcptr r = up ? *hi_ : *lo_;
    return encode(r, t_, k_, v.mode, t_.f.ovf, false);
  }

  target t_;
  consts k_;
  mp r_{64}, y_{64}, yy_{64}, lo_{64}, hi_{64};
  mp d1_{256}, d2_{256}, q_{256}, ay_{256}, alo_{256}, ahi_{256};
  bool special_ = false;
};

// The same operation through the lop::cfloat<F> API (operators' fast paths included): a
// generator returning the draw.
struct fixed_draw {
  u32 value;
  u32 operator()() const { return value; }
};
template <float_format F>
u64 api_result(opk op, u64 a, u64 b, u64 c, double d, u32 rnd) {
  using T = lop::cfloat<F>;
  fixed_draw g{rnd};
  const T x = T::from_bits(a), y = T::from_bits(b), z = T::from_bits(c);
  switch (op) {
    case opk::add: return lop::add(x, y, g).bits();
    case opk::sub: return lop::sub(x, y, g).bits();
    case opk::mul: return lop::mul(x, y, g).bits();
    case opk::div: return lop::div(x, y, g).bits();
    case opk::sqrt: return lop::sqrt(x, g).bits();
    case opk::fma: return lop::fma(x, y, z, g).bits();
    case opk::from_double: return T(d, g).bits();
  }
  return 0;
}
using api_fn = u64 (*)(opk, u64, u64, u64, double, u32);
// api_result for Base in each rounding mode, indexed by the mode's enumerator.
template <float_format Base>
std::vector<api_fn> api_table() {
  std::vector<api_fn> t(7, nullptr);
  t[static_cast<int>(rounding::floor)] = &api_result<Base.with_rounding(rounding::floor)>;
  t[static_cast<int>(rounding::toward_zero)] = &api_result<Base.with_rounding(rounding::toward_zero)>;
  t[static_cast<int>(rounding::half_up)] = &api_result<Base.with_rounding(rounding::half_up)>;
  t[static_cast<int>(rounding::half_away)] = &api_result<Base.with_rounding(rounding::half_away)>;
  t[static_cast<int>(rounding::half_even)] = &api_result<Base.with_rounding(rounding::half_even)>;
  t[static_cast<int>(rounding::stochastic)] = &api_result<Base.with_rounding(rounding::stochastic)>;
  t[static_cast<int>(rounding::ceil)] = &api_result<Base.with_rounding(rounding::ceil)>;
  return t;
}

u64 lop_result(opk op, const float_format& f, u64 a, u64 b, u64 c, double d, u32 rnd) {
  switch (op) {
    case opk::add: return lop::detail::float_add(f, f, a, f, b, rnd);
    case opk::sub: return lop::detail::float_sub(f, f, a, f, b, rnd);
    case opk::mul: return lop::detail::float_mul(f, f, a, f, b, rnd);
    case opk::div: return lop::detail::float_div(f, f, a, f, b, rnd);
    case opk::sqrt: return lop::detail::float_sqrt(f, f, a, rnd);
    case opk::fma: return lop::detail::float_fma(f, f, a, f, b, f, c, rnd);
    case opk::from_double: return lop::detail::float_from_double(f, d, rnd);
  }
  return 0;
}

// Random vectors for every op and every mode of `base` (its round is replaced), through
// lop::detail::float_* and, when `api` is given, through lop::cfloat<F>.
void run_format(const float_format& base, u64 count, u64 s, const std::vector<api_fn>& api = {}) {
  const target t(base);
  mpfr_model model(t);
  const ieee_params p{base.exp_bits, base.man_bits};
  std::printf("%s: seed 0x%llx, %llu vectors per op\n", lop::to_string(base).c_str(),
              static_cast<unsigned long long>(s), static_cast<unsigned long long>(count));
  for (int opi = 0; opi < 7; ++opi) {
    const auto op = static_cast<opk>(opi);
    checker chk(lop::to_string(base) + " " + op_names[opi]);
    operand_gen g(p, s + static_cast<u64>(opi));
    operand_gen gd({11, 52}, s + 100 + static_cast<u64>(opi));
    mp ma(64), mb(64), mc(64);
    for (u64 i = 0; i < count; ++i) {
      u64 a = g.next();
      const u64 b = g.next(&a);
      const u64 c = g.next(g.rng().below(2) != 0 ? &a : &b);
      double d = 0;
      if (op == opk::from_double) {
        // Doubles around the format's range: random ones, and values of F perturbed near ties.
        d = fref::bits_double(gd.next());
        if (g.rng().below(4) != 0) {
          mp tmp(64);
          set_operand(*tmp, t, a);
          const double base_d = mpfr_get_d(*tmp, MPFR_RNDN);  // exact: F's values are doubles
          const u64 bits = fref::double_bits(base_d) + (u64{1} << (52 - base.man_bits - 1)) * g.rng().below(3) +
                           g.rng().below(5) - 2;
          d = fref::bits_double(bits);
        }
        mpfr_set_d(*ma, d, MPFR_RNDN);
      } else {
        set_operand(*ma, t, a);
      }
      set_operand(*mb, t, b);
      set_operand(*mc, t, c);
      std::vector<variant> vars;
      for (auto m : unit::all_roundings) {
        if (m == rounding::stochastic) {
          vars.push_back({m, fref::testing::vector_draw(s, a, b, c ^ (i << 20))});
          vars.push_back({m, (i & 1) != 0 ? 0x80000000U : ((i & 2) != 0 ? 0U : 0xFFFFFFFFU)});
        } else {
          vars.push_back({m, 0});
        }
      }
      const std::vector<u64> want = model.run(op, *ma, *mb, *mc, vars);
      for (std::size_t k = 0; k < vars.size(); ++k) {
        float_format f = base;
        f.round = vars[k].mode;
        const u64 got = lop_result(op, f, a, b, c, d, vars[k].rnd);
        const u64 got_api = api.empty() ? got : api[static_cast<std::size_t>(vars[k].mode)](op, a, b, c, d, vars[k].rnd);
        chk.expect(want[k] == got && want[k] == got_api, [&] {
          std::string m = std::string(op_names[opi]) + "(";
          if (op == opk::from_double) m += fref::hex(fref::double_bits(d));
          else m += fref::show(f, a) + ", " + fref::show(f, b) + ", " + fref::show(f, c);
          return m + ") " + fref::mode_name(f, vars[k].rnd) + ": mpfr " + fref::show(f, want[k]) + ", lop " +
                 fref::show(f, got) + ", lop::cfloat " + fref::show(f, got_api);
        });
      }
    }
    chk.done();
  }
}

constexpr float_format ieee(int e, int m, int bias, bool sub = true, float_overflow o = float_overflow::infinity) {
  return float_format{e, m, bias, sub, lop::specials::ieee, rounding::half_even, o};
}

}  // namespace

// Every format also goes through the lop::cfloat<F> API in every mode (its native fast
// paths: fp16 and the other <= 16-bit formats inside float's range, bf16).
TEST_CASE("cfloat vs MPFR: fp16", "[cfloat][mpfr]") {
  run_format(formats::fp16, fref::testing::scaled_count(100000), seed, api_table<formats::fp16>());
}
TEST_CASE("cfloat vs MPFR: bf16", "[cfloat][mpfr]") {
  run_format(formats::bf16, fref::testing::scaled_count(100000), seed + 1000, api_table<formats::bf16>());
}
TEST_CASE("cfloat vs MPFR: tf32", "[cfloat][mpfr]") {
  run_format(formats::tf32, fref::testing::scaled_count(30000), seed + 2000, api_table<formats::tf32>());
}
namespace {
constexpr float_format neg_bias = ieee(6, 9, -2);                                    // negative bias
constexpr float_format odd_bias = ieee(8, 16, 100);                                  // odd bias, 25 bits
constexpr float_format fp16_ftz = ieee(5, 10, 15, false);                            // no subnormals
constexpr float_format fp16_sat = ieee(5, 10, 15, true, float_overflow::saturate);   // saturating
constexpr float_format fp32_ftz_sat = ieee(8, 23, 127, false, float_overflow::saturate);
constexpr float_format narrow = ieee(4, 9, 3);                                       // narrow range
constexpr float_format wide16 = ieee(6, 9, 40);                                      // fast path, tiny values
constexpr float_format enc(int e, int m, int bias, bool sub, lop::specials sp, float_overflow o) {
  return float_format{e, m, bias, sub, sp, rounding::half_even, o};
}
namespace sp = lop;
constexpr float_format fn16 = enc(5, 10, 15, true, sp::specials::fn, float_overflow::infinity);       // overflow -> NaN
constexpr float_format fn16_sat = enc(8, 7, 127, false, sp::specials::fn, float_overflow::saturate);  // bf16-like, FTZ
constexpr float_format fnuz16 = enc(5, 10, 16, true, sp::specials::fnuz, float_overflow::saturate);   // no -0
constexpr float_format fnuz15 = enc(6, 8, 32, true, sp::specials::fnuz, float_overflow::infinity);
constexpr float_format none12 = enc(4, 7, 7, true, sp::specials::none, float_overflow::saturate);     // all numbers
}  // namespace
TEST_CASE("cfloat vs MPFR: other widths, biases, no_subnormals, saturate", "[cfloat][mpfr]") {
  const u64 n = fref::testing::scaled_count(15000);
  run_format(neg_bias, n, seed + 3000, api_table<neg_bias>());
  run_format(odd_bias, n, seed + 4000, api_table<odd_bias>());
  run_format(fp16_ftz, n, seed + 5000, api_table<fp16_ftz>());
  run_format(fp16_sat, n, seed + 6000, api_table<fp16_sat>());
  run_format(fp32_ftz_sat, n, seed + 7000, api_table<fp32_ftz_sat>());
  run_format(narrow, n, seed + 8000, api_table<narrow>());
  run_format(wide16, n, seed + 9000, api_table<wide16>());
}
TEST_CASE("cfloat vs MPFR: fn, fnuz and none encodings", "[cfloat][mpfr]") {
  const u64 n = fref::testing::scaled_count(15000);
  run_format(fn16, n, seed + 10000, api_table<fn16>());
  run_format(fn16_sat, n, seed + 11000, api_table<fn16_sat>());
  run_format(fnuz16, n, seed + 12000, api_table<fnuz16>());
  run_format(fnuz15, n, seed + 13000, api_table<fnuz15>());
  run_format(none12, n, seed + 14000, api_table<none12>());
}
