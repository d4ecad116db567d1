#include "lop/hw/generators.hpp"

#include <algorithm>
#include <sstream>

#include "lop/approximate.hpp"
#include "lop/hw/float_units.hpp"
#include "lop/rounding.hpp"
#include "bundle_common.hpp"
#include "pe_shell.hpp"

namespace lop::hw {

namespace {

using detail::i128;
using detail::u128;

void check(const fixed_format& f, const char* what) {
  if (const char* e = validate(f))
    throw format_error(std::string("lop-hwgen: invalid ") + what + " format " + to_string(f) + ": " + e);
}

// Descriptor text without the (hardware-irrelevant) rounding/overflow policy.
std::string plain_text(const fixed_format& f) {
  return "fixed<" + std::to_string(f.width) + "," + std::to_string(f.frac) +
         (f.is_signed ? ",signed>" : ",unsigned>");
}

}  // namespace

// ---------------------------------------------------------------------------------------
void design::add(const module& m) {
  for (const auto& have : modules) {
    if (have.name() == m.name()) {
      if (have.emit() != m.emit())
        throw builder_error("lop::hw: two different modules named " + m.name());
      return;
    }
  }
  modules.push_back(m);
}

void design::add(const design& other) {
  for (const auto& m : other.modules) add(m);
}

std::string design::emit() const {
  std::string s;
  for (std::size_t i = 0; i < modules.size(); ++i) {
    if (i > 0) s += "\n";
    s += modules[i].emit();
  }
  return s;
}

// ---------------------------------------------------------------------------------------
std::string_view rounding_tag(rounding r) noexcept {
  switch (r) {
    case rounding::floor: return "fl";
    case rounding::toward_zero: return "tz";
    case rounding::half_up: return "hu";
    case rounding::half_away: return "ha";
    case rounding::half_even: return "he";
    case rounding::stochastic: return "st";
    case rounding::ceil: return "ce";
  }
  return "xx";
}

std::string_view overflow_tag(overflow o) noexcept {
  switch (o) {
    case overflow::wrap: return "wr";
    case overflow::saturate: return "sa";
    case overflow::saturate_symmetric: return "ss";
    case overflow::saturate_zero: return "sz";
  }
  return "xx";
}

std::string format_tag(const fixed_format& f) {
  std::string s = f.is_signed ? "s" : "u";
  s += std::to_string(f.width);
  s += 'f';
  s += f.frac < 0 ? "m" + std::to_string(-f.frac) : std::to_string(f.frac);
  return s;
}

std::string format_tag_with_policy(const fixed_format& f) {
  return format_tag(f) + "_" + std::string(rounding_tag(f.round)) + "_" + std::string(overflow_tag(f.ovf));
}

std::string quantizer_name(const fixed_format& in, const fixed_format& out) {
  return "lop_quant_" + format_tag(in) + "_to_" + format_tag_with_policy(out);
}
std::string multiplier_name(const fixed_format& a, const fixed_format& b) {
  return "lop_mul_" + format_tag(a) + "_" + format_tag(b);
}
std::string adder_name(const fixed_format& a, const fixed_format& b) {
  return "lop_add_" + format_tag(a) + "_" + format_tag(b);
}
std::string subtractor_name(const fixed_format& a, const fixed_format& b) {
  return "lop_sub_" + format_tag(a) + "_" + format_tag(b);
}
std::string pe_name(const pe_spec& s) {
  if (s.float_operands()) return float_pe_name(s);
  return "lop_pe_" + format_tag(s.a.fixed) + "_" + format_tag(s.b.fixed) + "_acc_" + format_tag_with_policy(s.acc.fixed) +
         "_out_" + format_tag_with_policy(s.out.fixed) + "_p" + std::to_string(s.pipeline) +
         (s.mul.is_exact() ? "" : "_" + multiplier_tag(s.mul));
}

int quantizer_rnd_bits(const fixed_format& in, const fixed_format& out) noexcept {
  const int d = in.frac - out.frac;
  if (out.round != rounding::stochastic || d <= 0) return 0;
  return detail::stochastic_bits(d);
}

// ---------------------------------------------------------------------------------------
// The quantizer, mirroring lop::detail::quantize_raw on the infinite two's-complement
// expansion of x (bits above the input width are sign bits, or zeros when unsigned):
//   d > 0:  q = x >> d (floor), plus an increment decided by the rounding mode;
//   d <= 0: the value is x * 2^-d exactly;
// then the overflow policy against [lo, hi] of the output format. Comparisons against the
// range are done on the pre-shift value (thresholds scaled at generation time), so a large
// negative d never builds a wide shifter. wrap keeps the low bits of the exact value.
expr quantize_logic(module& m, const expr& x, int src_frac, const fixed_format& dst, const expr& rnd,
                    const std::string& prefix) {
  const int win = x->width;
  const bool sin = x->is_signed;
  const int d = src_frac - dst.frac;

  const expr sign = sin ? msb(x) : zeros(1);
  auto sbit = [&](int i) -> expr { return i < win ? bit(x, i) : sign; };
  auto low_nonzero = [&](int n) -> expr {
    if (n <= 0) return zeros(1);
    return reduce_or(slice(x, std::min(n, win) - 1, 0));
  };
  auto field = [&](int lo, int k) -> expr {  // bits [lo, lo+k) of the expansion
    std::vector<expr> parts;
    const int top = lo + k;
    if (top > win) parts.push_back(repl(top - std::max(lo, win), sign));
    if (lo < win) parts.push_back(slice(x, std::min(top, win) - 1, lo));
    return concat(parts);
  };

  expr v = x;  // value on the grid of dst (times 2^s)
  int s = 0;
  if (d > 0) {
    const expr q = d < win ? slice(x, win - 1, d, sin) : (sin ? as_signed(sign) : zeros(1));
    expr inc = zeros(1);
    switch (dst.round) {
      case rounding::floor: break;
      case rounding::toward_zero: inc = logic_and(sign, low_nonzero(d)); break;
      case rounding::half_up: inc = sbit(d - 1); break;
      case rounding::half_away:
        inc = logic_and(sbit(d - 1), logic_or(logic_not(sign), low_nonzero(d - 1)));
        break;
      case rounding::half_even:
        inc = logic_and(sbit(d - 1), logic_or(low_nonzero(d - 1), sbit(d)));
        break;
      case rounding::ceil: inc = low_nonzero(d); break;  // any dropped bit set (sign bits included)
      case rounding::stochastic: {
        // Round up iff field + rnd >= 2^k, i.e. rnd > ~field (k-bit unsigned).
        const int k = detail::stochastic_bits(d);
        if (!rnd || rnd->width != k) throw builder_error("quantize_logic: rnd must have min(d,32) bits");
        const expr f = field(d - k, k);
        const bool never = is_constant(f) && std::none_of(f->bits.begin(), f->bits.end(), [](bool b) { return b; });
        inc = never ? zeros(1) : gt(rnd, bit_not(f));  // never: the dropped bits are all zero
        break;
      }
    }
    if (is_constant(inc) && !inc->bits[0]) {
      v = q;
    } else {
      v = m.net(prefix + "rounded", add(q, inc, q->width + 1));
      v = sin ? as_signed(v) : as_unsigned(v);
    }
  } else if (d < 0) {
    s = -d;
  }

  // Range check of v * 2^s against [lo, hi].
  const int wy = v->width;
  const bool sy = v->is_signed;
  const i128 ymax = sy ? (wy >= 128 ? detail::i128_max : detail::pow2<i128>(wy - 1) - 1)
                       : static_cast<i128>((u128{1} << wy) - 1);
  const i128 ymin = sy ? (wy >= 128 ? detail::i128_min : -detail::pow2<i128>(wy - 1)) : 0;
  const i128 hi = detail::raw_max<i128>(dst);
  const i128 lo = dst.ovf == overflow::saturate_symmetric && dst.is_signed ? -hi : detail::raw_min<i128>(dst);
  const i128 th = s >= 127 ? 0 : (hi >> s);  // v*2^s > hi  <=>  v > floor(hi / 2^s)
  i128 tl = lo;                              // v*2^s < lo  <=>  v < ceil(lo / 2^s)
  if (s > 0) {
    const u128 mag = u128{0} - static_cast<u128>(lo);
    tl = -static_cast<i128>(s >= 128 ? u128{0} : (mag >> s));
  }
  const expr over = ymax > th ? gt(v, constant(wy, th, sy)) : zeros(1);
  const expr under = ymin < tl ? lt(v, constant(wy, tl, sy)) : zeros(1);

  const int wo = dst.width;
  expr in_range;  // the low wo bits of v * 2^s
  if (s == 0) {
    in_range = resize(v, wo);
  } else if (s >= wo) {
    in_range = zeros(wo);
  } else {
    in_range = concat({resize(v, wo - s), zeros(s)});
  }
  in_range = as_unsigned(in_range);

  switch (dst.ovf) {
    case overflow::wrap: return in_range;
    case overflow::saturate:
    case overflow::saturate_symmetric:
      return as_unsigned(mux(over, constant(wo, hi), mux(under, constant(wo, lo), in_range)));
    case overflow::saturate_zero: return as_unsigned(mux(logic_or(over, under), zeros(wo), in_range));
  }
  return in_range;
}

design quantizer(const fixed_format& in, const fixed_format& out) {
  check(in, "input");
  check(out, "output");
  module m(quantizer_name(in, out),
           {"quantize " + plain_text(in) + " -> " + to_string(out),
            "x: input raw bits; y: output raw bits = lop::detail::quantize_raw(x, " +
                std::to_string(in.frac) + ", out, rnd)" +
                (quantizer_rnd_bits(in, out) > 0 ? "; rnd: random bits (stochastic rounding)" : "")});
  const expr x = m.input("x", in.width, in.is_signed);
  const int k = quantizer_rnd_bits(in, out);
  const expr rnd = k > 0 ? m.input("rnd", k) : nullptr;
  const expr y = m.output("y", out.width, out.is_signed);
  m.assign(y, quantize_logic(m, x, in.frac, out, rnd, ""));
  design d;
  d.add(m);
  return d;
}

// ---------------------------------------------------------------------------------------
design multiplier(const fixed_format& a, const fixed_format& b) {
  check(a, "left operand");
  check(b, "right operand");
  const fixed_format p = product_format(a, b);
  if (const char* e = validate(p)) throw format_error("lop-hwgen: product of " + to_string(a) + " and " + to_string(b) + ": " + e);
  module m(multiplier_name(a, b), {"multiply " + plain_text(a) + " * " + plain_text(b) + " -> " +
                                       plain_text(p) + " (exact)"});
  const expr xa = m.input("a", a.width, a.is_signed);
  const expr xb = m.input("b", b.width, b.is_signed);
  const expr y = m.output("y", p.width, p.is_signed);
  m.assign(y, as_unsigned(mul(xa, xb, p.width)));
  design d;
  d.add(m);
  return d;
}

namespace {
design add_or_sub(const fixed_format& a, const fixed_format& b, bool subtract) {
  check(a, "left operand");
  check(b, "right operand");
  const fixed_format r = subtract ? difference_format(a, b) : sum_format(a, b);
  if (const char* e = validate(r))
    throw format_error("lop-hwgen: " + std::string(subtract ? "difference" : "sum") + " of " + to_string(a) +
                       " and " + to_string(b) + ": " + e);
  module m(subtract ? subtractor_name(a, b) : adder_name(a, b),
           {std::string(subtract ? "subtract " : "add ") + plain_text(a) + (subtract ? " - " : " + ") +
            plain_text(b) + " -> " + plain_text(r) + " (exact)"});
  const expr xa = m.input("a", a.width, a.is_signed);
  const expr xb = m.input("b", b.width, b.is_signed);
  const expr y = m.output("y", r.width, r.is_signed);
  const expr ea = shift_left(xa, r.frac - a.frac);
  const expr eb = shift_left(xb, r.frac - b.frac);
  m.assign(y, as_unsigned(subtract ? sub(ea, eb, r.width) : add(ea, eb, r.width)));
  design d;
  d.add(m);
  return d;
}
}  // namespace

design adder(const fixed_format& a, const fixed_format& b) { return add_or_sub(a, b, false); }
design subtractor(const fixed_format& a, const fixed_format& b) { return add_or_sub(a, b, true); }

// ---------------------------------------------------------------------------------------
namespace {
expr lfsr_next(const expr& s) {
  return bit_xor(concat({zeros(1), slice(s, 31, 1)}),
                 bit_and(repl(32, bit(s, 0)), constant(32, lfsr32::polynomial_mask)));
}
}  // namespace

design lfsr(int draws) {
  if (draws < 1 || draws > 3) throw builder_error("lop::hw::lfsr: draws must be 1, 2 or 3");
  module m(draws == 1 ? "lop_lfsr32" : "lop_lfsr32x" + std::to_string(draws),
           {"32-bit Galois LFSR = lop::lfsr32 (mask 0x80200003, right shift); seed 0 loads 1",
            draws == 1   ? "r0: current draw; step advances once"
            : draws == 2 ? "r0: current draw, r1: the following draw; step advances twice"
                         : "r0: current draw, r1 and r2: the following draws; step advances three times"});
  const expr clk = m.input("clk", 1);
  const expr rst = m.input("rst", 1);
  const expr step = m.input("step", 1);
  const expr seed = m.input("seed", 32);
  const expr r0 = m.output_reg("r0", 32);
  expr adv = lfsr_next(r0);
  for (int i = 1; i < draws; ++i) {
    const expr ri = m.output("r" + std::to_string(i), 32);
    m.assign(ri, adv);
    adv = lfsr_next(ri);
  }
  m.always_posedge(clk, {if_else(rst, {nb_assign(r0, mux(eq(seed, zeros(32)), constant(32, 1), seed))},
                                 {if_else(step, {nb_assign(r0, adv)})})});
  design d;
  d.add(m);
  return d;
}

// ---------------------------------------------------------------------------------------
design processing_element(const pe_spec& s) {
  if (const char* e = validate(s)) throw format_error("lop-hwgen: invalid PE " + to_string(s) + ": " + e);
  if (s.float_operands()) return float_processing_element(s);
  // An approximate product has one more bit than the exact one (docs/multipliers.md).
  const fixed_format prod = product_format(s.a.fixed, s.b.fixed, s.mul);
  const fixed_format sum = sum_format(s.acc.fixed, prod);
  const bool acc_st = s.acc.fixed.round == rounding::stochastic;
  const bool out_st = s.out.fixed.round == rounding::stochastic;
  const int draws = (acc_st ? 1 : 0) + (out_st ? 1 : 0);

  design d;
  const design dmul = !s.mul.is_exact() ? approximate_multiplier(s.mul, s.a.fixed, s.b.fixed) : multiplier(s.a.fixed, s.b.fixed);
  const design dqa = quantizer(sum, s.acc.fixed);
  const design dqo = quantizer(s.acc.fixed, s.out.fixed);
  d.add(dmul);
  d.add(dqa);
  d.add(dqo);
  if (draws > 0) d.add(lfsr(draws));

  module m(pe_name(s),
           {to_string(s),
            "acc <= Q_acc((clear ? 0 : acc) + a*b), out <= Q_out(Q_acc(...)) on en; latency " +
                std::to_string(s.pipeline + 1) + " cycle(s); = lop::pe_model"});
  pe_util::pe_shell sh(m, s, draws);
  const expr p = m.wire("prod", prod.width, prod.is_signed);
  m.instance(dmul.top(), "u_mul", {{"a", sh.sa}, {"b", sh.sb}, {"y", p}});
  expr sp = p;
  if (s.pipeline >= 1) {
    sp = sh.reg(m, "prod_q", sp);
    sh.register_controls(m);
  }
  sh.close_pipeline(m);
  const expr &clk = sh.clk, &rst = sh.rst, &seed = sh.seed, &out = sh.out, &acc = sh.acc, &sen = sh.sen,
             &sclr = sh.sclr;

  // Random draws: the accumulator's first, then the output's.
  expr draw_acc;
  expr draw_out;
  if (draws > 0) {
    m.comment("random source (lop::lfsr32): advances by the number of draws on each en cycle");
    const expr r0 = m.wire("rnd0", 32);
    std::vector<std::pair<std::string, expr>> conns{
        {"clk", clk}, {"rst", rst}, {"step", sen}, {"seed", seed}, {"r0", r0}};
    expr r1;
    if (draws == 2) {
      r1 = m.wire("rnd1", 32);
      conns.emplace_back("r1", r1);
    }
    m.instance(lfsr(draws).top(), "u_lfsr", conns);
    if (acc_st) draw_acc = r0;
    if (out_st) draw_out = acc_st ? r1 : r0;
  }

  m.comment("accumulator stage");
  const expr base = m.net("base", mux(sclr, zeros(s.acc.fixed.width), as_unsigned(acc)));
  const expr ebase = shift_left(s.acc.fixed.is_signed ? as_signed(base) : base, sum.frac - s.acc.fixed.frac);
  const expr eprod = shift_left(sp, sum.frac - prod.frac);
  const expr total = m.net("sum", as_unsigned(add(ebase, eprod, sum.width)));

  auto quant = [&](const design& q, const std::string& inst, const expr& x, const expr& draw,
                   const std::string& yname, const fixed_format& f) {
    const expr y = m.wire(yname, f.width, f.is_signed);
    std::vector<std::pair<std::string, expr>> conns{{"x", x}, {"y", y}};
    if (const port* rp = q.top().find_port("rnd")) conns.emplace_back("rnd", slice(draw, rp->width - 1, 0));
    m.instance(q.top(), inst, conns);
    return y;
  };
  const expr acc_next = quant(dqa, "u_qacc", total, draw_acc, "acc_next", s.acc.fixed);
  const expr out_next = quant(dqo, "u_qout", acc_next, draw_out, "out_next", s.out.fixed);

  m.always_posedge(clk, {if_else(rst, {nb_assign(acc, zeros(s.acc.fixed.width)), nb_assign(out, zeros(s.out.fixed.width))},
                                 {if_else(sen, {nb_assign(acc, acc_next), nb_assign(out, out_next)},
                                          {if_else(sclr, {nb_assign(acc, zeros(s.acc.fixed.width)),
                                                          nb_assign(out, zeros(s.out.fixed.width))})})})});
  d.add(m);
  return d;
}

// ---------------------------------------------------------------------------------------
std::string to_string(const bundle_unit& u) {
  switch (u.k) {
    case bundle_unit::kind::quantize: return "quantize " + to_string(u.a) + " " + to_string(u.b);
    case bundle_unit::kind::mul: return "mul " + to_string(u.a) + " " + to_string(u.b);
    case bundle_unit::kind::add: return "add " + to_string(u.a) + " " + to_string(u.b);
    case bundle_unit::kind::sub: return "sub " + to_string(u.a) + " " + to_string(u.b);
    case bundle_unit::kind::pe: return "pe " + to_string(u.pe);
  }
  return {};
}

int output_width(const bundle_unit& u) {
  switch (u.k) {
    case bundle_unit::kind::quantize: return u.b.width;
    case bundle_unit::kind::mul: return product_format(u.a, u.b).width;
    case bundle_unit::kind::add: return sum_format(u.a, u.b).width;
    case bundle_unit::kind::sub: return difference_format(u.a, u.b).width;
    case bundle_unit::kind::pe: return width(u.pe.out) + width(u.pe.acc);
  }
  return 0;
}


std::vector<bundle_unit> parse_bundle_list(std::string_view text, const std::filesystem::path& base_dir) {
  std::vector<bundle_unit> units;
  bundle_util::for_each_list_line(text, "bundle list", [&units, &base_dir](const std::vector<std::string>& f) {
    bundle_unit u;
    const std::string& k = f[0];
    if (k == "table") {
      if (f.size() != 2) throw format_error("expected 'table NAME<verilog=FILE,...>' (no blanks inside)");
      (void)register_table_spec(f[1], base_dir);
      return true;
    }
    if (k == "pe") {
      if (f.size() != 2) throw format_error("expected 'pe <pe descriptor>'");
      u.k = bundle_unit::kind::pe;
      u.pe = parse_pe_spec(f[1]);
    } else if (k == "quantize" || k == "mul" || k == "add" || k == "sub") {
      if (f.size() != 3) throw format_error("expected '" + k + " <fixed descriptor> <fixed descriptor>'");
      u.k = k == "quantize" ? bundle_unit::kind::quantize
            : k == "mul"    ? bundle_unit::kind::mul
            : k == "add"    ? bundle_unit::kind::add
                            : bundle_unit::kind::sub;
      u.a = parse_fixed_format(f[1]);
      u.b = parse_fixed_format(f[2]);
    } else {
      throw format_error("unknown unit kind '" + k + "'; expected quantize, mul, add, sub or pe");
    }
    units.push_back(u);
    return true;
  });
  return units;
}

design bundle(const std::string& top, const std::vector<bundle_unit>& units) {
  bundle_util::check_bundle_top(top, !units.empty());
  design d;
  std::vector<design> subs;
  int total = 0;
  for (std::size_t i = 0; i < units.size(); ++i) {
    const bundle_unit& u = units[i];
    const std::string where = "lop-hwgen: bundle unit " + std::to_string(i) + " (" + to_string(u) + "): ";
    const int wa = u.k == bundle_unit::kind::pe ? width(u.pe.a) : u.a.width;
    const int wb = u.k == bundle_unit::kind::pe ? width(u.pe.b) : u.b.width;
    if (wa > bundle_bus_width || (u.k != bundle_unit::kind::quantize && wb > bundle_bus_width))
      throw format_error(where + "operands wider than the 64-bit x/y buses; use at most 64 bits");
    try {
      switch (u.k) {
        case bundle_unit::kind::quantize: subs.push_back(quantizer(u.a, u.b)); break;
        case bundle_unit::kind::mul: subs.push_back(multiplier(u.a, u.b)); break;
        case bundle_unit::kind::add: subs.push_back(adder(u.a, u.b)); break;
        case bundle_unit::kind::sub: subs.push_back(subtractor(u.a, u.b)); break;
        case bundle_unit::kind::pe: subs.push_back(processing_element(u.pe)); break;
      }
    } catch (const format_error& e) {
      throw format_error(where + e.what());
    }
    d.add(subs.back());
    total += output_width(u);
  }
  bundle_util::check_top_unique(d, top);
  module m(top, bundle_util::bundle_header("bundle " + top + ": " + std::to_string(units.size()) +
                                          " unit(s) side by side; unit i's result at out[off_i +: w_i]",
                                      units, [](const bundle_unit& u) { return output_width(u); },
                                      [](const bundle_unit& u) { return to_string(u); }));
  const expr clk = m.input("clk", 1);
  const expr rst = m.input("rst", 1);
  const expr en = m.input("en", 1);
  const expr clear = m.input("clear", 1);
  const expr seed = m.input("seed", 32);
  const expr x = m.input("x", bundle_bus_width);
  const expr y = m.input("y", bundle_bus_width);
  const expr out = m.output("out", total);
  std::vector<expr> pieces;  // least significant first
  for (std::size_t i = 0; i < units.size(); ++i) {
    const bundle_unit& u = units[i];
    const module& sub = subs[i].top();
    const std::string inst = "u" + std::to_string(i);
    std::vector<std::pair<std::string, expr>> conns;
    auto low = [](const expr& bus, int w) { return slice(bus, w - 1, 0); };
    if (u.k == bundle_unit::kind::quantize) {
      const expr r = m.wire(inst + "_y", u.b.width);
      conns = {{"x", low(x, u.a.width)}, {"y", r}};
      if (const port* rp = sub.find_port("rnd")) conns.emplace_back("rnd", low(y, rp->width));
      pieces.push_back(r);
    } else if (u.k == bundle_unit::kind::pe) {
      const expr ro = m.wire(inst + "_out", width(u.pe.out));
      const expr ra = m.wire(inst + "_acc", width(u.pe.acc));
      conns = {{"clk", clk}, {"rst", rst}, {"en", en}, {"clear", clear}, {"a", low(x, width(u.pe.a))},
               {"b", low(y, width(u.pe.b))}, {"out", ro}, {"acc", ra}};
      if (sub.find_port("seed") != nullptr) conns.emplace_back("seed", seed);
      pieces.push_back(ro);
      pieces.push_back(ra);
    } else {
      const expr r = m.wire(inst + "_y", output_width(u));
      conns = {{"a", low(x, u.a.width)}, {"b", low(y, u.b.width)}, {"y", r}};
      pieces.push_back(r);
    }
    m.instance(sub, inst, conns);
  }
  std::reverse(pieces.begin(), pieces.end());
  m.assign(out, concat(pieces));
  d.add(m);
  return d;
}

}  // namespace lop::hw
