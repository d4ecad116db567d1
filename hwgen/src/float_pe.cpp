// The processing element for float operands (docs/cfloat.md section 5, = lop::pe_model):
// the exact product of the decoded operands (the float multiplier's and FMA's product half),
// optionally registered, enters
//  - a float accumulator through the add core and the round-and-pack block (fused: one
//    rounding; unfused: the product is rounded into acc's format first, then added), or
//  - a fixed accumulator through lop::detail::fixed_accumulate's datapath (34 guard bits, a
//    sticky bit, huge products reduced to 2^(I+2) + (|p| mod 2^(I+1))) and the fixed quantizer;
// and out is acc's next value converted by the float/fixed converter units. Ports, cycle
// behaviour and the random draws are those of the fixed PE (generators.cpp).
#include <algorithm>
#include <string>
#include <utility>
#include <vector>

#include "lop/hw/float_units.hpp"
#include "lop/hw/generators.hpp"
#include "lop/rounding.hpp"
#include "float_core_hw.hpp"
#include "pe_shell.hpp"

namespace lop::hw {

namespace {

using namespace fcore;

// Guard bits below a fixed accumulator's grid (docs/cfloat.md section 5).
constexpr int fixed_guard_bits = 34;

std::string number_tag(const number_format& f) {
  return f.is_float() ? float_format_tag(f.floating) + "_" + float_policy_tag(f.floating)
                      : format_tag_with_policy(f.fixed);
}

// lop::detail::fixed_accumulate(g, base, p, rnd): base (g's raw bits) plus the exact product p
// on g's grid refined by 34 guard bits (bits below folded into a sticky bit), a product of
// magnitude >= 2^(I+2) replaced by the same-signed 2^(I+2) + (|p| mod 2^(I+1)); quantized into
// g; NaN -> 0, +-Inf -> the saturated extreme. base == nullptr means 0.
expr fixed_accumulate_logic(module& m, const value& p, const expr& base, const fixed_format& g, const expr& rnd,
                            const std::string& q) {
  const int ib = g.width - g.frac;  // I
  const int grid = g.frac + fixed_guard_bits;
  const int wm = g.width + fixed_guard_bits + 2;  // positions 0 .. I+1+grid; I+2+grid is the huge marker
  const int wp = p.sig->width;
  const int wx = wm + wp;
  // r = (I + 2) - exp: the right shift that puts the product's lsb at grid position exp + grid
  // when the significand starts at position wm.
  const i64 rlo = ib + 2 - p.hi;
  const i64 rhi = ib + 2 - p.lo;
  const int ew = signed_bits(std::min({rlo, p.lo, i64{-1}}) - 1, std::max({rhi, p.hi, i64{wx}}) + 1) + 1;
  m.comment("fixed accumulator: the product on acc's grid refined by 34 guard bits, sticky below");
  const expr r = m.net(q + "r", sub(constant(ew, ib + 2, true), resize(p.exp, ew), ew));
  const expr beyond = m.net(q + "beyond", logic_and(lt(r, constant(ew, 0, true)), logic_not(p.zero)));
  const int kd = unsigned_bits(wx);
  const expr rc = m.net(q + "rc", mux(lt(r, constant(ew, 0, true)), zeros(kd),
                                      mux(gt(r, constant(ew, wx, true)), constant(kd, wx), slice(r, kd - 1, 0))));
  const auto [res, lost] = shift_right_sticky(m, m.net(q + "placed", concat({p.sig, zeros(wm)})), rc, q + "sh_");
  const expr huge = m.net(q + "huge", logic_or(beyond, reduce_or(slice(res, wx - 1, wm))));
  m.comment("|p| >= 2^(I+2): 2^(I+2) + (|p| mod 2^(I+1)), same sign");
  const expr small_mag = concat({zeros(1), slice(res, wm - 1, 0)});
  const expr huge_mag = concat({ones(1), zeros(1), slice(res, wm - 2, 0)});
  const expr mag = m.net(q + "mag", bit_or(mux(huge, huge_mag, small_mag), resize(lost, wm + 1)));
  const int ws = g.width + fixed_guard_bits + 4;
  const expr prod = m.net(q + "prod", as_signed(mux(p.sign, sub(zeros(ws), mag, ws), resize(mag, ws))));
  expr sum = prod;
  if (base) {
    const expr eb = shift_left(g.is_signed ? as_signed(base) : as_unsigned(base), fixed_guard_bits);
    sum = m.net(q + "sum", as_signed(add(eb, prod, ws)));
  }
  const expr qv = m.net(q + "quant", quantize_logic(m, sum, grid, g, rnd, q + "q_"));
  const detail::i128 inf_pos = detail::infinity_raw(g, false);
  const detail::i128 inf_neg = detail::infinity_raw(g, true);
  const expr inf_word = mux(p.sign, constant(g.width, inf_neg), constant(g.width, inf_pos));
  return m.net(q + "result", as_unsigned(mux(p.nan, zeros(g.width), mux(p.inf, inf_word, qv))));
}

// Instantiate the round-and-pack block for core c into f; returns y.
expr round_into(module& m, design& d, const core_out& c, const float_format& f, const expr& rnd,
                const std::string& inst, const std::string& yname) {
  const design dr = float_round(f, c.sig->width, c.exp->width);
  d.add(dr);
  const expr y = m.wire(yname, width(f));
  std::vector<std::pair<std::string, expr>> conns{{"sign", c.sign}, {"sig", c.sig}, {"exp", as_unsigned(c.exp)},
                                                  {"nan", c.nan},   {"inf", c.inf}, {"y", y}};
  if (rnd) conns.emplace_back("rnd", rnd);
  m.instance(dr.top(), inst, conns);
  return y;
}

}  // namespace

std::string float_pe_name(const pe_spec& s) {
  return "lop_pe_" + float_format_tag(s.a.floating) + "_" + float_format_tag(s.b.floating) + "_acc_" +
         number_tag(s.acc) + "_out_" + number_tag(s.out) + "_" + std::string(to_string(s.mac)) + "_p" +
         std::to_string(s.pipeline);
}

design float_processing_element(const pe_spec& s) {
  if (const char* e = validate(s)) throw format_error("lop-hwgen: invalid PE " + to_string(s) + ": " + e);
  if (!s.float_operands()) throw builder_error("float_processing_element: fixed operands");
  const float_format& fa = s.a.floating;
  const float_format& fb = s.b.floating;
  const bool unfused = s.mac == mac_kind::unfused;
  const bool acc_st = rounding_of(s.acc) == rounding::stochastic;
  const bool out_st = rounding_of(s.out) == rounding::stochastic;
  const int acc_draws = acc_st ? (unfused ? 2 : 1) : 0;
  const int draws = acc_draws + (out_st ? 1 : 0);
  const int wacc = width(s.acc);
  const int wout = width(s.out);

  design d;
  module m(float_pe_name(s),
           {to_string(s),
            std::string(unfused ? "acc <= R_acc((clear ? 0 : acc) + R_acc(a*b))" : "acc <= R_acc((clear ? 0 : acc) + a*b)") +
                ", out <= R_out(acc's new value) on en; latency " + std::to_string(s.pipeline + 1) +
                " cycle(s); = lop::pe_model (docs/cfloat.md section 5)"});
  pe_util::pe_shell sh(m, s, draws);
  const expr &clk = sh.clk, &rst = sh.rst, &seed = sh.seed, &out = sh.out, &acc = sh.acc;
  m.comment("exact product");
  const int ew = product_exp_width(fa, fb);
  const decoded da = decode(m, sh.sa, fa, ew, "a_");
  const decoded db = decode(m, sh.sb, fb, ew, "b_");
  value p = exact_product(m, da, db, fa, fb, "p_");
  if (s.pipeline >= 1) {
    p.sign = sh.reg(m, "p_sign_q", p.sign);
    p.sig = sh.reg(m, "p_sig_q", p.sig);
    p.exp = as_signed(sh.reg(m, "p_exp_q", p.exp));
    p.zero = sh.reg(m, "p_zero_q", p.zero);
    p.nan = sh.reg(m, "p_nan_q", p.nan);
    p.inf = sh.reg(m, "p_inf_q", p.inf);
    sh.register_controls(m);
  }
  sh.close_pipeline(m);
  const expr &sen = sh.sen, &sclr = sh.sclr;

  // Random draws in order: the product's rounding (unfused), the accumulator's, the output's.
  std::vector<expr> draw;
  if (draws > 0) {
    m.comment("random source (lop::lfsr32): advances by the number of draws on each en cycle");
    const design dl = lfsr(draws);
    d.add(dl);
    std::vector<std::pair<std::string, expr>> conns{{"clk", clk}, {"rst", rst}, {"step", sen}, {"seed", seed}};
    for (int i = 0; i < draws; ++i) {
      draw.push_back(m.wire("rnd" + std::to_string(i), 32));
      conns.emplace_back("r" + std::to_string(i), draw.back());
    }
    m.instance(dl.top(), "u_lfsr", conns);
  }
  const expr no_draw;
  const expr draw_prod = acc_st && unfused ? draw[0] : no_draw;
  const expr draw_acc = acc_st ? draw[static_cast<std::size_t>(acc_draws - 1)] : no_draw;
  const expr draw_out = out_st ? draw.back() : no_draw;

  m.comment("accumulator stage");
  const expr base = m.net("base", mux(sclr, zeros(wacc), as_unsigned(acc)));
  expr acc_next;
  if (s.acc.is_float()) {
    const float_format& fc = s.acc.floating;
    const auto [clo, chi] = lsb_exp_range(fc);
    const int cew = signed_bits(clo, chi) + 1;
    const decoded dc = decode(m, base, fc, cew, "c_");
    core_out sum;
    if (!unfused) {
      sum = add_core(m, p, operand_value(dc, fc, true), fc, "s_");
    } else {
      m.comment("unfused: the product rounded into acc's format first");
      const expr t = round_into(m, d, {p.sign, p.sig, p.exp, p.nan, p.inf}, fc, draw_prod, "u_rprod", "prod_rounded");
      const decoded dt = decode(m, t, fc, cew, "t_");
      sum = add_core(m, operand_value(dt, fc, false), operand_value(dc, fc, false), fc, "s_");
    }
    acc_next = round_into(m, d, sum, fc, draw_acc, "u_racc", "acc_next");
  } else {
    const fixed_format& g = s.acc.fixed;
    if (!unfused) {
      acc_next = fixed_accumulate_logic(m, p, base, g, draw_acc, "f_");
    } else {
      m.comment("unfused: the product quantized into acc's format first, then added");
      const expr t = fixed_accumulate_logic(m, p, nullptr, g, draw_prod, "f_");
      const int w2 = g.width + 2;
      const auto ext = [&](const expr& v) { return g.is_signed ? as_signed(v) : as_unsigned(v); };
      const expr s2 = m.net("sum2", as_signed(add(resize(ext(base), w2), resize(ext(t), w2), w2)));
      acc_next = m.net("acc_q", as_unsigned(quantize_logic(m, s2, g.frac, g, nullptr, "q2_")));
    }
    acc_next = m.net("acc_next", acc_next);
  }

  m.comment("output conversion of the accumulator's new value");
  design dout;
  std::string in_port = "a";
  if (s.acc.is_float() && s.out.is_float()) {
    dout = float_converter(s.acc.floating, s.out.floating, 0);
  } else if (s.acc.is_float()) {
    dout = float_to_fixed(s.acc.floating, s.out.fixed, 0);
  } else if (s.out.is_float()) {
    dout = float_from_fixed(s.acc.fixed, s.out.floating, 0);
  } else {
    dout = quantizer(s.acc.fixed, s.out.fixed);
    in_port = "x";
  }
  d.add(dout);
  const expr out_next = m.wire("out_next", wout, s.out.is_fixed() && s.out.fixed.is_signed);
  std::vector<std::pair<std::string, expr>> oc{{in_port, acc_next}, {"y", out_next}};
  if (const port* rp = dout.top().find_port("rnd")) oc.emplace_back("rnd", slice(draw_out, rp->width - 1, 0));
  m.instance(dout.top(), "u_out", oc);

  m.always_posedge(clk, {if_else(rst, {nb_assign(acc, zeros(wacc)), nb_assign(out, zeros(wout))},
                                 {if_else(sen, {nb_assign(acc, acc_next), nb_assign(out, out_next)},
                                          {if_else(sclr, {nb_assign(acc, zeros(wacc)), nb_assign(out, zeros(wout))})})})});
  d.add(m);
  return d;
}

}  // namespace lop::hw
