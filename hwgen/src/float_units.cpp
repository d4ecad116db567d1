#include "lop/hw/float_units.hpp"

#include <algorithm>
#include <sstream>
#include <utility>

#include "lop/rounding.hpp"
#include "bundle_common.hpp"
#include "float_core_hw.hpp"

namespace lop::hw {

namespace fcore {

// Smallest two's-complement width holding every value of [lo, hi].
int signed_bits(i64 lo, i64 hi) {
  int w = 1;
  while (lo < -(i64{1} << (w - 1)) || hi > (i64{1} << (w - 1)) - 1) ++w;
  return w;
}
// Smallest unsigned width holding v >= 0.
int unsigned_bits(i64 v) {
  int w = 1;
  while ((i64{1} << w) <= v) ++w;
  return w;
}

}  // namespace fcore

namespace {

using namespace fcore;

void check(const float_format& f, const char* what) {
  if (const char* e = validate(f))
    throw format_error(std::string("lop-hwgen: invalid ") + what + " format " + to_string(f) + ": " + e);
}
void check_pipeline(int pipeline) {
  if (pipeline < 0 || pipeline > max_float_pipeline)
    throw format_error("lop-hwgen: pipeline must be within 0.." + std::to_string(max_float_pipeline) + " (got " +
                       std::to_string(pipeline) + ")");
}

// The encoding-relevant descriptor text (rounding and overflow do not matter for an operand).
std::string operand_text(const float_format& f) {
  return "float<" + std::to_string(f.exp_bits) + "," + std::to_string(f.man_bits) + "," + std::to_string(f.bias) +
         "," + (f.subnormals ? "subnormals" : "no_subnormals") + "," + std::string(to_string(f.enc)) + ">";
}

std::string pipe_suffix(int pipeline) { return pipeline > 0 ? "_p" + std::to_string(pipeline) : ""; }

std::string result_tag(const float_format& f) { return float_format_tag(f) + "_" + float_policy_tag(f); }

}  // namespace

namespace fcore {

// Range of the exponent of a decoded operand's lsb: max(field, 1) - bias - man_bits.
std::pair<i64, i64> lsb_exp_range(const float_format& f) {
  const i64 top = (i64{1} << f.exp_bits) - 1;
  return {1 - f.bias - f.man_bits, top - f.bias - f.man_bits};
}

// ---- shifters built from constant-shift stages -----------------------------------------
// Shift x left until its msb is set (x == 0 stays 0). Returns {normalized, leading zero count}.
std::pair<expr, expr> normalize(module& m, const expr& x, const std::string& p) {
  const int w = x->width;
  if (w == 1) return {x, zeros(1)};
  const int k_bits = unsigned_bits(w - 1);  // 2^k_bits >= w
  expr cur = x;
  std::vector<expr> lz;  // most significant first
  for (int k = k_bits - 1; k >= 0; --k) {
    const int s = 1 << k;
    const expr z = m.net(p + "z" + std::to_string(k), logic_not(reduce_or(slice(cur, w - 1, w - s))));
    const expr shifted = s == w ? zeros(w) : concat({slice(cur, w - s - 1, 0), zeros(s)});
    cur = m.net(p + "n" + std::to_string(k), mux(z, shifted, cur));
    lz.push_back(z);
  }
  return {cur, concat(lz)};
}

// x >> amt (amt <= x's width), with `lost` = OR of every bit shifted out; the vacated top
// bits are `fill` (default 0; the sign bit for an arithmetic shift).
std::pair<expr, expr> shift_right_sticky(module& m, const expr& x, const expr& amt, const std::string& p,
                                         const expr& fill) {
  const int w = x->width;
  const expr f = fill ? fill : zeros(1);
  expr cur = x;
  expr lost = zeros(1);
  for (int k = 0; k < amt->width; ++k) {
    const int s = 1 << k;
    const expr on = bit(amt, k);
    const expr out_bits = s >= w ? reduce_or(cur) : reduce_or(slice(cur, s - 1, 0));
    const expr shifted = s >= w ? repl(w, f) : concat({repl(s, f), slice(cur, w - 1, s)});
    lost = m.net(p + "l" + std::to_string(k), logic_or(lost, logic_and(on, out_bits)));
    cur = m.net(p + "r" + std::to_string(k), mux(on, shifted, cur));
  }
  return {cur, lost};
}

// ---- decoding an operand ----------------------------------------------------------------

decoded decode(module& m, const expr& x, const float_format& f, int ew, const std::string& p) {
  const int eb = f.exp_bits;
  const int mb = f.man_bits;
  decoded d;
  d.sign = bit(x, eb + mb);
  const expr field = slice(x, eb + mb - 1, mb);
  const expr man = mb > 0 ? slice(x, mb - 1, 0) : nullptr;
  const expr fz = m.net(p + "fz", logic_not(reduce_or(field)));
  const expr fo = reduce_and(field);
  const expr mz = mb > 0 ? logic_not(reduce_or(man)) : ones(1);
  const expr mo = mb > 0 ? reduce_and(man) : ones(1);
  switch (f.enc) {
    case specials::ieee:
      d.nan = logic_and(fo, logic_not(mz));
      d.inf = logic_and(fo, mz);
      break;
    case specials::fn:
      d.nan = logic_and(fo, mo);
      d.inf = zeros(1);
      break;
    case specials::fnuz:
      d.nan = logic_and(d.sign, logic_and(fz, mz));
      d.inf = zeros(1);
      break;
    case specials::none:
      d.nan = zeros(1);
      d.inf = zeros(1);
      break;
  }
  d.nan = m.net(p + "nan", d.nan);
  d.inf = m.net(p + "inf", d.inf);
  d.zero = m.net(p + "zero", f.subnormals ? logic_and(fz, mz) : fz);
  const expr hidden = logic_not(fz);
  expr sig;
  if (mb == 0) {
    sig = hidden;
  } else if (f.subnormals) {
    sig = concat({hidden, man});
  } else {
    sig = mux(fz, zeros(mb + 1), concat({ones(1), man}));
  }
  d.sig = m.net(p + "sig", sig);
  const expr field_eff = bit_or(field, resize(fz, eb));  // max(field, 1)
  d.exp = m.net(p + "exp", add(field_eff, constant(std::max(ew, eb + 1), -f.bias - mb, true), std::max(ew, eb + 1)));
  if (d.exp->width != ew) d.exp = m.net(p + "expw", resize(d.exp, ew));
  return d;
}

}  // namespace fcore

namespace {

// ---- unit shell: ports, pipeline registers, round block --------------------------------
struct shell {
  module m;
  design d;
  expr clk, a, b, c, rnd;
  std::vector<stmt> regs;
  int pipeline;
  shell(const std::string& name, std::vector<std::string> header, int pipe) : m(name, std::move(header)), pipeline(pipe) {}
};

expr register_stage(shell& s, const std::string& name, const expr& v) {
  const expr r = s.m.reg(name, v->width, v->is_signed);
  s.regs.push_back(nb_assign(r, as_unsigned(v)));
  return r;
}

// Stage placement: pipeline >= 1: registers between the arithmetic core and the round block;
// >= 2: output register(s); >= 3: input registers (operands and rnd) too.
bool input_stage(int pipeline) { return pipeline >= 3; }
bool middle_stage(int pipeline) { return pipeline >= 1; }
int output_stages(int pipeline) {
  return pipeline - (middle_stage(pipeline) ? 1 : 0) - (input_stage(pipeline) ? 1 : 0);
}

void open_ports(shell& s, int wa, int wb, const float_format& out, int wc = 0) {
  if (s.pipeline > 0) s.clk = s.m.input("clk", 1);
  s.a = s.m.input("a", wa);
  if (wb > 0) s.b = s.m.input("b", wb);
  if (wc > 0) s.c = s.m.input("c", wc);
  if (float_rnd_bits(out) > 0) s.rnd = s.m.input("rnd", 32);
  if (input_stage(s.pipeline)) {
    s.a = register_stage(s, "a_q", s.a);
    if (s.b) s.b = register_stage(s, "b_q", s.b);
    if (s.c) s.c = register_stage(s, "c_q", s.c);
    if (s.rnd) s.rnd = register_stage(s, "rnd_q", s.rnd);
  }
}

design close_unit(shell& s, const core_out& c, const float_format& out) {
  core_out k = c;
  expr rnd = s.rnd;
  if (middle_stage(s.pipeline)) {
    k.sign = register_stage(s, "sign_q", k.sign);
    k.sig = register_stage(s, "sig_q", k.sig);
    k.exp = as_signed(register_stage(s, "exp_q", k.exp));
    k.nan = register_stage(s, "nan_q", k.nan);
    k.inf = register_stage(s, "inf_q", k.inf);
    if (rnd) rnd = register_stage(s, "rnd_q1", rnd);
  }
  const design dr = float_round(out, k.sig->width, k.exp->width);
  s.d.add(dr);
  const int wr = width(out);
  const expr yr = s.m.wire("y_round", wr);
  std::vector<std::pair<std::string, expr>> conns{{"sign", k.sign}, {"sig", k.sig}, {"exp", as_unsigned(k.exp)},
                                                  {"nan", k.nan},   {"inf", k.inf}, {"y", yr}};
  if (rnd) conns.emplace_back("rnd", rnd);
  s.m.instance(dr.top(), "u_round", conns);
  expr y = yr;
  for (int i = 0; i < output_stages(s.pipeline); ++i) y = register_stage(s, "y_q" + std::to_string(i), y);
  s.m.assign(s.m.output("y", wr), y);
  if (!s.regs.empty()) s.m.always_posedge(s.clk, s.regs);
  s.d.add(s.m);
  return s.d;
}

std::string latency_text(int pipeline) {
  return pipeline == 0 ? "combinational"
                       : "latency " + std::to_string(pipeline) + " clock edge(s) (" + std::to_string(pipeline) +
                             " register stage(s), clk)";
}

}  // namespace

// ---------------------------------------------------------------------------------------
std::string float_format_tag(const float_format& f) {
  std::string s = "e" + std::to_string(f.exp_bits) + "m" + std::to_string(f.man_bits);
  if (f.bias != default_bias(f.exp_bits)) s += f.bias < 0 ? "bm" + std::to_string(-f.bias) : "b" + std::to_string(f.bias);
  if (!f.subnormals) s += "_ns";
  if (f.enc != specials::ieee) s += "_" + std::string(to_string(f.enc));
  return s;
}

std::string float_policy_tag(const float_format& f) {
  return std::string(rounding_tag(f.round)) + (f.ovf == float_overflow::saturate ? "_sa" : "_in");
}

int float_rnd_bits(const float_format& out) noexcept { return out.round == rounding::stochastic ? 32 : 0; }

std::string float_round_name(const float_format& out, int sig_width, int exp_width) {
  return "lop_fround_s" + std::to_string(sig_width) + "_e" + std::to_string(exp_width) + "_to_" + result_tag(out);
}
std::string float_converter_name(const float_format& in, const float_format& out, int pipeline) {
  return "lop_fconv_" + float_format_tag(in) + "_to_" + result_tag(out) + pipe_suffix(pipeline);
}
std::string float_multiplier_name(const float_format& a, const float_format& b, const float_format& out,
                                  int pipeline) {
  return "lop_fmul_" + float_format_tag(a) + "_" + float_format_tag(b) + "_to_" + result_tag(out) +
         pipe_suffix(pipeline);
}
std::string float_adder_name(const float_format& a, const float_format& b, const float_format& out, int pipeline) {
  return "lop_fadd_" + float_format_tag(a) + "_" + float_format_tag(b) + "_to_" + result_tag(out) +
         pipe_suffix(pipeline);
}
std::string float_subtractor_name(const float_format& a, const float_format& b, const float_format& out,
                                  int pipeline) {
  return "lop_fsub_" + float_format_tag(a) + "_" + float_format_tag(b) + "_to_" + result_tag(out) +
         pipe_suffix(pipeline);
}

std::string float_fma_name(const float_format& a, const float_format& b, const float_format& c,
                           const float_format& out, int pipeline) {
  return "lop_ffma_" + float_format_tag(a) + "_" + float_format_tag(b) + "_" + float_format_tag(c) + "_to_" +
         result_tag(out) + pipe_suffix(pipeline);
}
std::string float_from_fixed_name(const fixed_format& in, const float_format& out, int pipeline) {
  return "lop_ffromfix_" + format_tag(in) + "_to_" + result_tag(out) + pipe_suffix(pipeline);
}
std::string float_to_fixed_name(const float_format& in, const fixed_format& out, int pipeline) {
  return "lop_ftofix_" + float_format_tag(in) + "_to_" + format_tag_with_policy(out) + pipe_suffix(pipeline);
}

// ---------------------------------------------------------------------------------------
// R_F (docs/cfloat.md section 2) in hardware:
//  1. normalize sig (leading-zero count), e = exponent of its msb;
//  2. keep the top p+1+G bits exact (G = 32 stochastic, else 1 round bit) and OR the rest
//     into a sticky bit; shift right by d = max(0, emin - e) (subnormal grid), clamped so
//     that everything can reach the sticky bit;
//  3. round: the kept p+1 bits plus the mode's increment; with the exponent field in front
//     (0 on the subnormal grid), a mantissa carry moves into the next binade by itself;
//  4. overflow (magnitude above max_finite's encoding), zero, flush to zero, specials.
design float_round(const float_format& out, int sig_width, int exp_width) {
  check(out, "result");
  if (sig_width < 1 || exp_width < 2) throw builder_error("float_round: bad sig/exp width");
  const int p = out.man_bits;
  const int eb = out.exp_bits;
  const int wo = width(out);
  const bool st = out.round == rounding::stochastic;
  const int g = st ? 32 : 1;
  const int k1 = p + 1 + g;  // exact bits kept
  const int t_w = k1 + 1;    // + sticky
  const i64 emin = 1 - out.bias;
  const i64 xlo = -(i64{1} << (exp_width - 1));
  const i64 xhi = (i64{1} << (exp_width - 1)) - 1;
  const i64 elo = xlo;
  const i64 ehi = xhi + sig_width - 1;
  const int wi = signed_bits(std::min({elo, emin - ehi, elo + out.bias, emin, i64{-1}}),
                             std::max({ehi, emin - elo, ehi + out.bias, i64{t_w}, emin, i64{1} << (eb + 1)})) + 1;

  module m(float_round_name(out, sig_width, exp_width),
           {"round and pack into " + to_string(out) + " (R_F of docs/cfloat.md section 2)",
            "y = nan ? NaN : inf ? exact infinity : R((-1)^sign * sig * 2^exp); exp: " + std::to_string(exp_width) +
                "-bit two's complement" + (st ? "; rnd: the 32-bit stochastic draw" : "")});
  const expr sign = m.input("sign", 1);
  const expr sig = m.input("sig", sig_width);
  const expr exp = as_signed(m.input("exp", exp_width, true));
  const expr nan = m.input("nan", 1);
  const expr inf = m.input("inf", 1);
  const expr rnd = st ? m.input("rnd", 32) : nullptr;
  const expr y = m.output("y", wo);

  m.comment("normalize: msb of the significand at the top, e = exponent of that msb");
  const expr zero_in = m.net("sig_zero", logic_not(reduce_or(sig)));
  const auto [nsig, lzc] = normalize(m, sig, "nrm_");
  const expr e = m.net("e", sub(add(exp, constant(wi, sig_width - 1, true), wi), lzc, wi));

  m.comment("the top p+1+G bits exact, the rest in a sticky bit");
  expr top;
  expr rest = zeros(1);
  if (sig_width >= k1) {
    top = slice(nsig, sig_width - 1, sig_width - k1);
    if (sig_width > k1) rest = reduce_or(slice(nsig, sig_width - k1 - 1, 0));
  } else {
    top = concat({nsig, zeros(k1 - sig_width)});
  }
  const expr t = m.net("t", concat({top, rest}));

  m.comment("subnormal grid: shift right by d = emin - e (clamped)");
  const expr tiny = m.net("tiny", lt(e, constant(wi, emin, true)));
  const expr dw = m.net("d_wide", sub(constant(wi, emin, true), e, wi));
  const int kd = unsigned_bits(t_w);
  const expr dc = m.net("d", mux(tiny, mux(gt(dw, constant(wi, t_w, true)), constant(kd, t_w), slice(dw, kd - 1, 0)),
                                 zeros(kd)));
  const auto [u, lost] = shift_right_sticky(m, t, dc, "sh_");

  m.comment("rounding increment");
  const expr lsb = bit(u, t_w - p - 1);
  const expr rb = bit(u, t_w - p - 2);
  const expr sticky = m.net("sticky", logic_or(bit(u, 0), lost));
  const expr below = g > 1 ? logic_or(reduce_or(slice(u, t_w - p - 3, 1)), sticky) : sticky;
  const expr inexact = logic_or(rb, below);
  expr inc = zeros(1);
  switch (out.round) {
    case rounding::half_even: inc = logic_and(rb, logic_or(below, lsb)); break;
    case rounding::half_away: inc = rb; break;
    case rounding::half_up: inc = logic_and(rb, logic_or(logic_not(sign), below)); break;
    case rounding::toward_zero: break;
    case rounding::floor: inc = logic_and(sign, inexact); break;
    case rounding::ceil: inc = logic_and(logic_not(sign), inexact); break;
    case rounding::stochastic: {
      // up iff D + rnd >= 2^32, D = the first 32 dropped bits: rnd > ~D.
      const expr dbits = slice(u, t_w - p - 2, 1);
      inc = gt(rnd, bit_not(dbits));
      break;
    }
  }
  const expr up = m.net("up", inc);

  m.comment("pack: exponent field (0 on the subnormal grid) and mantissa, plus the increment");
  const expr field = m.net("field_pre", as_unsigned(mux(tiny, constant(wi, 0, true), add(e, constant(wi, out.bias, true), wi))));
  const expr mag_pre = p > 0 ? concat({field, slice(u, t_w - 2, t_w - p - 1)}) : field;
  const int wm = wi + p + 1;
  const expr mag = m.net("mag", add(mag_pre, up, wm));
  const std::uint64_t maxfin = max_finite_bits(out, false);
  const expr ovf = m.net("ovf", gt(mag, constant(wm, static_cast<detail::i128>(maxfin))));
  expr is_zero = logic_or(zero_in, logic_not(reduce_or(mag)));
  if (!out.subnormals) is_zero = logic_or(zero_in, logic_not(reduce_or(slice(mag, wm - 1, p))));  // flush
  is_zero = m.net("res_zero", is_zero);

  m.comment("results");
  const expr sbit = out.enc == specials::fnuz ? zeros(1) : sign;  // sign of a zero
  const expr nan_word = constant(wo, static_cast<detail::i128>(nan_bits(out).value_or(0)));
  const expr maxfin_word = concat({sign, constant(wo - 1, static_cast<detail::i128>(maxfin))});
  expr inf_word;
  if (out.enc == specials::ieee) {
    inf_word = concat({sign, constant(wo - 1, static_cast<detail::i128>(*infinity_bits(out, false)))});
  } else if (out.ovf == float_overflow::saturate || out.enc == specials::none) {
    inf_word = maxfin_word;
  } else {
    inf_word = nan_word;
  }
  expr toward_zero = zeros(1);
  if (out.round == rounding::toward_zero) toward_zero = ones(1);
  if (out.round == rounding::floor) toward_zero = logic_not(sign);
  if (out.round == rounding::ceil) toward_zero = sign;
  const expr ovf_word = out.ovf == float_overflow::saturate || out.enc == specials::none
                            ? maxfin_word
                            : mux(toward_zero, maxfin_word, inf_word);
  const expr zero_word = concat({sbit, zeros(wo - 1)});
  const expr num_word = concat({sign, slice(mag, eb + p - 1, 0)});
  m.assign(y, as_unsigned(mux(nan, nan_word,
                              mux(inf, inf_word, mux(is_zero, zero_word, mux(ovf, ovf_word, num_word))))));
  design d;
  d.add(m);
  return d;
}

// ---------------------------------------------------------------------------------------
design float_converter(const float_format& in, const float_format& out, int pipeline) {
  check(in, "input");
  check(out, "result");
  check_pipeline(pipeline);
  shell s(float_converter_name(in, out, pipeline),
          {"convert " + operand_text(in) + " -> " + to_string(out),
           "y = R_out(a) = lop::detail::float_convert(out, in, a, rnd); " + latency_text(pipeline)},
          pipeline);
  open_ports(s, width(in), 0, out);
  const auto [lo, hi] = lsb_exp_range(in);
  const decoded a = decode(s.m, s.a, in, signed_bits(lo, hi) + 1, "a_");
  return close_unit(s, {a.sign, a.sig, a.exp, a.nan, a.inf}, out);
}

design float_multiplier(const float_format& fa, const float_format& fb, const float_format& out, int pipeline) {
  check(fa, "left operand");
  check(fb, "right operand");
  check(out, "result");
  check_pipeline(pipeline);
  shell s(float_multiplier_name(fa, fb, out, pipeline),
          {"multiply " + operand_text(fa) + " * " + operand_text(fb) + " -> " + to_string(out),
           "y = R_out(a * b) = lop::detail::float_mul(out, fa, a, fb, b, rnd); " + latency_text(pipeline)},
          pipeline);
  open_ports(s, width(fa), width(fb), out);
  const int ew = product_exp_width(fa, fb);
  const decoded a = decode(s.m, s.a, fa, ew, "a_");
  const decoded b = decode(s.m, s.b, fb, ew, "b_");
  s.m.comment("exact product");
  const value prod = exact_product(s.m, a, b, fa, fb, "p_", false);  // (no p_zero wire: unused here)
  const core_out c{prod.sign, prod.sig, prod.exp, prod.nan, prod.inf};
  return close_unit(s, c, out);
}

namespace fcore {

// x + y, one rounding into `out`: both significands on a common width P (normalized where
// asked), the smaller magnitude shifted right with its lost bits jammed into the lsb, with
// enough guard bits H that the jam bit lies below everything R_out examines, then
// big +- small >= 0. Requires: every operand with norm == false has, whenever nonzero and the
// bigger one with an exponent difference >= 2, its msb set.
core_out add_core(module& m, const value& x, const value& y, const float_format& out, const std::string& p) {
  const int big_p = std::max(x.sig->width, y.sig->width);  // P
  const int g = out.round == rounding::stochastic ? 32 : 1;
  const int h = std::max(1, out.man_bits + g + 3 - big_p);  // guard bits below the aligned operands
  const int dmax = big_p + h;                               // shifts everything out
  const int kd = unsigned_bits(dmax);
  auto range = [&](const value& v) {
    const int up = big_p - v.sig->width;
    return std::pair<i64, i64>{v.lo - up - (v.norm ? big_p - 1 : 0), v.hi - up};
  };
  const auto [xlo, xhi] = range(x);
  const auto [ylo, yhi] = range(y);
  const i64 lo = std::min(xlo, ylo);
  const i64 hi = std::max({xhi, yhi, x.hi, y.hi});
  const int ew = signed_bits(std::min({lo - h, lo - hi, lo, x.lo, y.lo}) - 2, std::max({hi, hi - lo, i64{dmax}}) + 2) + 1;

  m.comment("significands on a common width, normalized where needed");
  auto align = [&](const value& v, const std::string& q) {
    const int up = big_p - v.sig->width;
    expr sig = shift_left(v.sig, up);
    expr e = m.net(q + "exp_al", sub(resize(v.exp, ew), constant(ew, up, true), ew));
    if (v.norm) {
      const auto [ns, lz] = normalize(m, m.net(q + "sig_al", sig), q + "nrm_");
      sig = ns;
      e = m.net(q + "exp_n", sub(e, lz, ew));
    }
    return std::pair<expr, expr>{m.net(q + "sig_c", sig), e};
  };
  const auto [sigx, expx] = align(x, p + "x_");
  const auto [sigy, expy] = align(y, p + "y_");

  m.comment("order by magnitude: big >= small");
  const expr x_big = m.net(p + "x_big", logic_or(y.zero, logic_and(logic_not(x.zero),
                                                                   logic_or(gt(expx, expy),
                                                                            logic_and(eq(expx, expy), ge(sigx, sigy))))));
  const expr big_sig = m.net(p + "big_sig", mux(x_big, sigx, sigy));
  const expr small_sig = m.net(p + "small_sig", mux(x_big, sigy, sigx));
  const expr big_exp = m.net(p + "big_exp", mux(x_big, expx, expy));
  const expr small_exp = m.net(p + "small_exp", mux(x_big, expy, expx));
  const expr big_sign = m.net(p + "big_sign", mux(x_big, x.sign, y.sign));
  const expr diff = m.net(p + "diff", sub(big_exp, small_exp, ew));
  const expr dc = m.net(p + "shift", mux(logic_or(lt(diff, constant(ew, 0, true)), gt(diff, constant(ew, dmax, true))),
                                         constant(kd, dmax), slice(diff, kd - 1, 0)));
  const auto [sal, lost] = shift_right_sticky(m, m.net(p + "small_ext", concat({small_sig, zeros(h)})), dc, p + "al_");
  const expr small_j = m.net(p + "small_j", bit_or(sal, resize(lost, big_p + h)));
  const expr big_al = concat({big_sig, zeros(h)});
  const expr eff_sub = m.net(p + "eff_sub", bit_xor(x.sign, y.sign));
  const int ws = big_p + h + 1;
  const expr sum = m.net(p + "sum", mux(eff_sub, sub(big_al, small_j, ws), add(big_al, small_j, ws)));

  m.comment("signs and specials");
  const expr sum_zero = logic_not(reduce_or(sum));
  // exact zero: (+-0) + (+-0) keeps an equal sign; otherwise +0, -0 when rounding floor
  const expr zero_sign = mux(eq(x.sign, y.sign), x.sign, constant(1, out.round == rounding::floor ? 1 : 0));
  const expr inf_sign = mux(x.inf, x.sign, y.sign);
  core_out c;
  c.inf = m.net(p + "s_inf", logic_or(x.inf, y.inf));
  c.nan = m.net(p + "s_nan", logic_or(logic_or(x.nan, y.nan), logic_and(logic_and(x.inf, y.inf), eff_sub)));
  c.sign = m.net(p + "s_sign", mux(c.inf, inf_sign, mux(sum_zero, zero_sign, big_sign)));
  c.sig = sum;
  c.exp = m.net(p + "s_exp", sub(big_exp, constant(ew, h, true), ew));
  return c;
}

value operand_value(const decoded& d, const float_format& f, bool norm) {
  const auto [lo, hi] = lsb_exp_range(f);
  return {d.sign, d.nan, d.inf, d.zero, d.sig, d.exp, lo, hi, norm && f.subnormals};
}

value exact_product(module& m, const decoded& a, const decoded& b, const float_format& fa,
                    const float_format& fb, const std::string& p, bool zero_wire) {
  const auto [alo, ahi] = lsb_exp_range(fa);
  const auto [blo, bhi] = lsb_exp_range(fb);
  value prod;
  prod.sign = m.net(p + "sign", bit_xor(a.sign, b.sign));
  prod.sig = m.net(p + "sig", mul(a.sig, b.sig, a.sig->width + b.sig->width));
  prod.exp = m.net(p + "exp", add(a.exp, b.exp, a.exp->width));
  prod.zero = logic_or(a.zero, b.zero);
  if (zero_wire) prod.zero = m.net(p + "zero", prod.zero);
  prod.nan = m.net(p + "nan", logic_or(logic_or(a.nan, b.nan),
                                       logic_or(logic_and(a.inf, b.zero), logic_and(a.zero, b.inf))));
  prod.inf = m.net(p + "inf", logic_or(a.inf, b.inf));
  prod.lo = alo + blo;
  prod.hi = ahi + bhi;
  prod.norm = true;
  return prod;
}

int product_exp_width(const float_format& fa, const float_format& fb) {
  const auto [alo, ahi] = lsb_exp_range(fa);
  const auto [blo, bhi] = lsb_exp_range(fb);
  return signed_bits(std::min({alo, blo, alo + blo}), std::max({ahi, bhi, ahi + bhi})) + 1;
}

}  // namespace fcore

namespace {

design add_or_sub(const float_format& fa, const float_format& fb, const float_format& out, int pipeline,
                  bool subtract) {
  check(fa, "left operand");
  check(fb, "right operand");
  check(out, "result");
  check_pipeline(pipeline);
  const std::string op = subtract ? "subtract" : "add";
  shell s(subtract ? float_subtractor_name(fa, fb, out, pipeline) : float_adder_name(fa, fb, out, pipeline),
          {op + " " + operand_text(fa) + (subtract ? " - " : " + ") + operand_text(fb) + " -> " + to_string(out),
           std::string("y = R_out(a ") + (subtract ? "-" : "+") + " b) = lop::detail::float_" +
               (subtract ? "sub" : "add") + "(out, fa, a, fb, b, rnd); " + latency_text(pipeline)},
          pipeline);
  module& m = s.m;
  open_ports(s, width(fa), width(fb), out);
  const auto [alo, ahi] = lsb_exp_range(fa);
  const auto [blo, bhi] = lsb_exp_range(fb);
  const int ew = signed_bits(std::min(alo, blo), std::max(ahi, bhi)) + 1;
  const decoded a = decode(m, s.a, fa, ew, "a_");
  decoded b = decode(m, s.b, fb, ew, "b_");
  if (subtract) b.sign = m.net("b_sign_eff", logic_not(b.sign));
  // With equal biases a subnormal operand has the smallest exponent of both formats, so it is
  // never the bigger one of a pair at distance >= 2: no normalization needed.
  const bool norm = fa.bias != fb.bias;
  return close_unit(s, add_core(m, operand_value(a, fa, norm), operand_value(b, fb, norm), out, ""), out);
}

}  // namespace

design float_adder(const float_format& a, const float_format& b, const float_format& out, int pipeline) {
  return add_or_sub(a, b, out, pipeline, false);
}
design float_subtractor(const float_format& a, const float_format& b, const float_format& out, int pipeline) {
  return add_or_sub(a, b, out, pipeline, true);
}

design float_fma(const float_format& fa, const float_format& fb, const float_format& fc, const float_format& out,
                 int pipeline) {
  check(fa, "left factor");
  check(fb, "right factor");
  check(fc, "addend");
  check(out, "result");
  check_pipeline(pipeline);
  shell s(float_fma_name(fa, fb, fc, out, pipeline),
          {"fused multiply-add " + operand_text(fa) + " * " + operand_text(fb) + " + " + operand_text(fc) + " -> " +
               to_string(out),
           "y = R_out(a * b + c), one rounding = lop::detail::float_fma(out, fa, a, fb, b, fc, c, rnd); " +
               latency_text(pipeline)},
          pipeline);
  module& m = s.m;
  open_ports(s, width(fa), width(fb), out, width(fc));
  const auto [alo, ahi] = lsb_exp_range(fa);
  const auto [blo, bhi] = lsb_exp_range(fb);
  const auto [clo, chi] = lsb_exp_range(fc);
  const i64 plo = alo + blo;
  const i64 phi = ahi + bhi;
  const int ew = signed_bits(std::min({alo, blo, clo, plo}), std::max({ahi, bhi, chi, phi})) + 1;
  const decoded a = decode(m, s.a, fa, ew, "a_");
  const decoded b = decode(m, s.b, fb, ew, "b_");
  const decoded c = decode(m, s.c, fc, ew, "c_");
  m.comment("exact product (normalized by the add core)");
  const value prod = exact_product(m, a, b, fa, fb, "p_");
  return close_unit(s, add_core(m, prod, operand_value(c, fc, true), out, ""), out);
}

design float_from_fixed(const fixed_format& in, const float_format& out, int pipeline) {
  if (const char* e = validate(in))
    throw format_error("lop-hwgen: invalid input format " + to_string(in) + ": " + e);
  check(out, "result");
  check_pipeline(pipeline);
  shell s(float_from_fixed_name(in, out, pipeline),
          {"convert fixed<" + std::to_string(in.width) + "," + std::to_string(in.frac) + "," +
               (in.is_signed ? "signed" : "unsigned") + "> -> " + to_string(out),
           "y = R_out(a * 2^-frac) = lop::detail::float_from_fixed(out, in, a, rnd) (0 -> +0); " +
               latency_text(pipeline)},
          pipeline);
  module& m = s.m;
  open_ports(s, in.width, 0, out);
  core_out c;
  c.sign = in.is_signed ? bit(s.a, in.width - 1) : zeros(1);
  // |a|: two's complement negation of a negative value (the most negative one gives 2^(W-1),
  // still W bits unsigned).
  c.sig = in.is_signed ? m.net("mag", mux(c.sign, sub(zeros(in.width), s.a, in.width), s.a)) : s.a;
  c.exp = constant(signed_bits(-in.frac, -in.frac) + 1, -in.frac, true);
  c.nan = zeros(1);
  c.inf = zeros(1);
  return close_unit(s, c, out);
}

// ---------------------------------------------------------------------------------------
// float -> fixed: lop::detail::float_to_fixed = quantize_raw(+-sig, -exp, out, rnd) with a
// run-time shift s = exp + out.frac: s >= 0 shifts left exactly (clamped at out.width, past
// which only the overflow decision and zero low bits matter); s < 0 drops d = -s bits of the
// two's complement value with out's rounding (stochastic: the top min(d, 32) dropped bits
// plus the low min(d, 32) bits of rnd, i.e. D32 + (rnd << (32 - min(d, 32))) >= 2^32), then
// out's overflow policy. NaN and zeros give 0, +-Inf the saturated extreme (0 for
// saturate_zero).
design float_to_fixed(const float_format& in, const fixed_format& out, int pipeline) {
  check(in, "input");
  if (const char* e = validate(out))
    throw format_error("lop-hwgen: invalid output format " + to_string(out) + ": " + e);
  check_pipeline(pipeline);
  const bool st = out.round == rounding::stochastic;
  shell s(float_to_fixed_name(in, out, pipeline),
          {"convert " + operand_text(in) + " -> " + to_string(out),
           "y = lop::detail::float_to_fixed(out, in, a, rnd) (quantize_raw of the exact value; NaN -> 0, +-Inf -> "
           "saturated extreme); " +
               latency_text(pipeline)},
          pipeline);
  module& m = s.m;
  if (pipeline > 0) s.clk = m.input("clk", 1);
  s.a = m.input("a", width(in));
  if (st) s.rnd = m.input("rnd", 32);
  if (input_stage(pipeline)) {
    s.a = register_stage(s, "a_q", s.a);
    if (s.rnd) s.rnd = register_stage(s, "rnd_q", s.rnd);
  }
  const int mb = in.man_bits;
  const int wo = out.width;
  const auto [elo, ehi] = lsb_exp_range(in);
  const i64 slo = elo + out.frac;
  const i64 shi = ehi + out.frac;
  const int wx = mb + 2;        // two's complement significand
  const int wr = wx + 32;       // with the 32-bit window of dropped bits
  const int ew = signed_bits(std::min({slo, -shi, i64{-1}}) - 1, std::max({shi, -slo, i64{wr}, i64{wo}}) + 1) + 1;
  const decoded a = decode(m, s.a, in, ew, "a_");

  m.comment("two's complement value and the shift onto the output grid");
  const expr x = m.net("x", as_signed(mux(a.sign, sub(zeros(wx), a.sig, wx), resize(a.sig, wx))));
  const expr sh = m.net("s", add(a.exp, constant(ew, out.frac, true), ew));
  const expr right = m.net("right", lt(sh, constant(ew, 0, true)));

  m.comment("s < 0: drop d = -s bits (clamped: past the window every bit is a sign bit)");
  const expr dw = m.net("d_wide", sub(constant(ew, 0, true), sh, ew));
  const int kd = unsigned_bits(wr);
  const expr dc = m.net("d", mux(right, mux(gt(dw, constant(ew, wr, true)), constant(kd, wr), slice(dw, kd - 1, 0)),
                                 zeros(kd)));
  const auto [xr, lost] = shift_right_sticky(m, m.net("x_ext", concat({x, zeros(32)})), dc, "rs_", msb(x));
  const expr q = slice(xr, wr - 1, 32, true);
  const expr dropped = slice(xr, 31, 0);  // the top 32 dropped bits (zero-padded when d < 32)
  const expr neg = msb(x);
  const expr half = bit(xr, 31);
  const expr below = m.net("below", logic_or(reduce_or(slice(xr, 30, 0)), lost));
  expr inc = zeros(1);
  switch (out.round) {
    case rounding::floor: break;
    case rounding::toward_zero: inc = logic_and(neg, logic_or(half, below)); break;
    case rounding::half_up: inc = half; break;
    case rounding::half_away: inc = logic_and(half, logic_or(logic_not(neg), below)); break;
    case rounding::half_even: inc = logic_and(half, logic_or(below, bit(xr, 32))); break;
    case rounding::ceil: inc = logic_or(half, below); break;
    case rounding::stochastic: {
      // rnd's low k = min(d, 32) bits moved to the top: shift left by 32 - k (0 when d >= 32).
      const expr big = m.net("d_ge32", ge(dw, constant(ew, 32, true)));
      const expr amt_full = m.net("rnd_shift_full", sub(constant(6, 32), resize(dc, 6), 6));
      const expr amt = m.net("rnd_shift", mux(big, zeros(5), slice(amt_full, 4, 0)));
      expr r = s.rnd;
      for (int k = 0; k < 5; ++k) {
        const int sft = 1 << k;
        r = m.net("rnd_s" + std::to_string(k), mux(bit(amt, k), concat({slice(r, 31 - sft, 0), zeros(sft)}), r));
      }
      inc = gt(r, bit_not(dropped));
      break;
    }
  }
  const int wv = wx + wo + 1;
  const expr vr = m.net("v_right", as_unsigned(add(q, inc, wv)));

  m.comment("s >= 0: exact left shift, clamped at the output width");
  const int ks = unsigned_bits(wo);
  const expr sc = m.net("s_left", mux(right, zeros(ks), mux(gt(sh, constant(ew, wo, true)), constant(ks, wo),
                                                             slice(sh, ks - 1, 0))));
  expr vl = m.net("vl0", as_unsigned(resize(x, wv)));
  for (int k = 0; k < ks; ++k) {
    const int sft = 1 << k;
    const expr shifted = sft >= wv ? zeros(wv) : concat({slice(vl, wv - 1 - sft, 0), zeros(sft)});
    vl = m.net("vl" + std::to_string(k + 1), mux(bit(sc, k), shifted, vl));
  }
  const expr v = m.net("v", as_signed(mux(right, vr, vl)));

  m.comment("overflow policy, specials");
  const detail::i128 hi = detail::raw_max<detail::i128>(out);
  const detail::i128 lo = out.ovf == overflow::saturate_symmetric && out.is_signed ? -hi : detail::raw_min<detail::i128>(out);
  const expr over = m.net("over", gt(v, constant(wv, hi, true)));
  const expr under = m.net("under", lt(v, constant(wv, lo, true)));
  const expr low = as_unsigned(slice(v, wo - 1, 0));
  expr num;
  switch (out.ovf) {
    case overflow::wrap: num = low; break;
    case overflow::saturate:
    case overflow::saturate_symmetric: num = mux(over, constant(wo, hi), mux(under, constant(wo, lo), low)); break;
    case overflow::saturate_zero: num = mux(logic_or(over, under), zeros(wo), low); break;
  }
  const detail::i128 inf_pos = detail::infinity_raw(out, false);
  const detail::i128 inf_neg = detail::infinity_raw(out, true);
  const expr inf_word = mux(a.sign, constant(wo, inf_neg), constant(wo, inf_pos));
  expr y = m.net("y_value", as_unsigned(mux(logic_or(a.nan, a.zero), zeros(wo), mux(a.inf, inf_word, num))));
  for (int i = 0; i < pipeline - (input_stage(pipeline) ? 1 : 0); ++i) y = register_stage(s, "y_q" + std::to_string(i), y);
  m.assign(m.output("y", wo), y);
  if (!s.regs.empty()) m.always_posedge(s.clk, s.regs);
  s.d.add(m);
  return s.d;
}

// ---------------------------------------------------------------------------------------
namespace {
std::string_view kind_word(float_unit::kind k) {
  switch (k) {
    case float_unit::kind::convert: return "fconvert";
    case float_unit::kind::mul: return "fmul";
    case float_unit::kind::add: return "fadd";
    case float_unit::kind::sub: return "fsub";
    case float_unit::kind::fma: return "ffma";
    case float_unit::kind::from_fixed: return "ffromfixed";
    case float_unit::kind::to_fixed: return "ftofixed";
  }
  return "?";
}

bool is_float_word(std::string_view w) {
  return w == "fconvert" || w == "fmul" || w == "fadd" || w == "fsub" || w == "ffma" || w == "ffromfixed" ||
         w == "ftofixed";
}
}  // namespace

std::string to_string(const float_unit& u) {
  std::string s(kind_word(u.k));
  s += " " + (u.k == float_unit::kind::from_fixed ? to_string(u.fx) : to_string(u.a));
  if (u.k != float_unit::kind::convert && u.k != float_unit::kind::from_fixed && u.k != float_unit::kind::to_fixed)
    s += " " + to_string(u.b);
  if (u.k == float_unit::kind::fma) s += " " + to_string(u.c);
  s += " " + (u.k == float_unit::kind::to_fixed ? to_string(u.fx) : to_string(u.out));
  if (u.pipeline > 0) s += " pipeline=" + std::to_string(u.pipeline);
  return s;
}

int output_width(const float_unit& u) { return u.k == float_unit::kind::to_fixed ? u.fx.width : width(u.out); }

design float_unit_design(const float_unit& u) {
  switch (u.k) {
    case float_unit::kind::convert: return float_converter(u.a, u.out, u.pipeline);
    case float_unit::kind::mul: return float_multiplier(u.a, u.b, u.out, u.pipeline);
    case float_unit::kind::add: return float_adder(u.a, u.b, u.out, u.pipeline);
    case float_unit::kind::sub: return float_subtractor(u.a, u.b, u.out, u.pipeline);
    case float_unit::kind::fma: return float_fma(u.a, u.b, u.c, u.out, u.pipeline);
    case float_unit::kind::from_fixed: return float_from_fixed(u.fx, u.out, u.pipeline);
    case float_unit::kind::to_fixed: return float_to_fixed(u.a, u.fx, u.pipeline);
  }
  throw builder_error("float_unit_design: unknown kind");
}

bool is_float_bundle_list(std::string_view text) {
  bool is_float = false;
  bundle_util::for_each_list_line(text, "bundle list", [&is_float](const std::vector<std::string>& f) {
    is_float = is_float_word(f[0]);
    return false;  // the first unit line decides
  });
  return is_float;
}

std::vector<float_unit> parse_float_bundle_list(std::string_view text) {
  std::vector<float_unit> units;
  bundle_util::for_each_list_line(text, "float bundle list", [&units](std::vector<std::string> f) {
    float_unit u;
    if (f.size() > 1 && f.back().rfind("pipeline=", 0) == 0) {
      const std::string v = f.back().substr(9);
      if (v.empty() || v.size() > 2 || !std::all_of(v.begin(), v.end(), [](char c) { return c >= '0' && c <= '9'; }))
        throw format_error("pipeline=N needs a number 0.." + std::to_string(max_float_pipeline));
      u.pipeline = std::stoi(v);
      check_pipeline(u.pipeline);
      f.pop_back();
    }
    const std::string& k = f[0];
    if (k == "fconvert") {
      if (f.size() != 3) throw format_error("expected 'fconvert <in format> <out format> [pipeline=N]'");
      u.k = float_unit::kind::convert;
      u.a = parse_float_format(f[1]);
      u.b = u.a;
      u.out = parse_float_format(f[2]);
    } else if (k == "ffromfixed") {
      if (f.size() != 3) throw format_error("expected 'ffromfixed <fixed format> <out format> [pipeline=N]'");
      u.k = float_unit::kind::from_fixed;
      u.fx = parse_fixed_format(f[1]);
      u.out = parse_float_format(f[2]);
    } else if (k == "ftofixed") {
      if (f.size() != 3) throw format_error("expected 'ftofixed <float format> <fixed format> [pipeline=N]'");
      u.k = float_unit::kind::to_fixed;
      u.a = parse_float_format(f[1]);
      u.fx = parse_fixed_format(f[2]);
    } else if (k == "ffma") {
      if (f.size() != 5) throw format_error("expected 'ffma <a format> <b format> <c format> <out format> [pipeline=N]'");
      u.k = float_unit::kind::fma;
      u.a = parse_float_format(f[1]);
      u.b = parse_float_format(f[2]);
      u.c = parse_float_format(f[3]);
      u.out = parse_float_format(f[4]);
    } else if (is_float_word(k)) {
      if (f.size() != 4) throw format_error("expected '" + k + " <a format> <b format> <out format> [pipeline=N]'");
      u.k = k == "fmul" ? float_unit::kind::mul : k == "fadd" ? float_unit::kind::add : float_unit::kind::sub;
      u.a = parse_float_format(f[1]);
      u.b = parse_float_format(f[2]);
      u.out = parse_float_format(f[3]);
    } else {
      throw format_error("unknown float unit kind '" + k + "'; expected fconvert, fmul, fadd, fsub, ffma, ffromfixed or ftofixed "
                         "(a bundle list holds either fixed-point or float units)");
    }
    units.push_back(u);
    return true;
  });
  return units;
}

design float_bundle(const std::string& top, const std::vector<float_unit>& units) {
  bundle_util::check_bundle_top(top, !units.empty());
  for (const float_unit& u : units)
    if (u.k == float_unit::kind::from_fixed && u.fx.width > bundle_bus_width)
      throw format_error("lop-hwgen: bundle unit " + to_string(u) + ": a fixed input wider than the 64-bit x bus");
  design d;
  std::vector<design> subs;
  int total = 0;
  for (std::size_t i = 0; i < units.size(); ++i) {
    try {
      subs.push_back(float_unit_design(units[i]));
    } catch (const format_error& e) {
      throw format_error("lop-hwgen: bundle unit " + std::to_string(i) + " (" + to_string(units[i]) + "): " + e.what());
    }
    d.add(subs.back());
    total += output_width(units[i]);
  }
  bundle_util::check_top_unique(d, top);
  module m(top, bundle_util::bundle_header("float bundle " + top + ": " + std::to_string(units.size()) +
                                          " unit(s); a = x[wa-1:0], b = y[wb-1:0], c = z[wc-1:0], rnd = rnd; "
                                          "unit i's result at out[off_i +: w_i]",
                                      units, [](const float_unit& u) { return output_width(u); },
                                      [](const float_unit& u) { return to_string(u); }));
  const expr clk = m.input("clk", 1);
  const expr x = m.input("x", bundle_bus_width);
  const expr y = m.input("y", bundle_bus_width);
  const expr z = m.input("z", bundle_bus_width);
  const expr rnd = m.input("rnd", 32);
  const expr out = m.output("out", total);
  std::vector<expr> pieces;
  for (std::size_t i = 0; i < units.size(); ++i) {
    const float_unit& u = units[i];
    const module& sub = subs[i].top();
    const std::string inst = "u" + std::to_string(i);
    const expr r = m.wire(inst + "_y", output_width(u));
    const int wa = u.k == float_unit::kind::from_fixed ? u.fx.width : width(u.a);
    std::vector<std::pair<std::string, expr>> conns{{"a", slice(x, wa - 1, 0)}, {"y", r}};
    if (sub.find_port("b") != nullptr) conns.emplace_back("b", slice(y, width(u.b) - 1, 0));
    if (sub.find_port("c") != nullptr) conns.emplace_back("c", slice(z, width(u.c) - 1, 0));
    if (sub.find_port("rnd") != nullptr) conns.emplace_back("rnd", rnd);
    if (sub.find_port("clk") != nullptr) conns.emplace_back("clk", clk);
    m.instance(sub, inst, conns);
    pieces.push_back(r);
  }
  std::reverse(pieces.begin(), pieces.end());
  m.assign(out, concat(pieces));
  d.add(m);
  return d;
}

}  // namespace lop::hw
