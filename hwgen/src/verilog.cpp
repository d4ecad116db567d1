#include "lop/hw/verilog.hpp"

#include <algorithm>
#include <map>
#include <sstream>
#include <utility>

#ifndef LOP_HWGEN_VERSION
#define LOP_HWGEN_VERSION "0.1.0"
#endif

namespace lop::hw {

std::string_view generator_version() noexcept { return LOP_HWGEN_VERSION; }

namespace {

using detail::i128;
using detail::u128;

[[noreturn]] void fail(const std::string& what) { throw builder_error("lop::hw builder: " + what); }

expr make(node n) { return std::make_shared<const node>(std::move(n)); }

expr with_sign(const expr& e, bool s) {
  if (e->is_signed == s) return e;
  node n = *e;
  n.is_signed = s;
  return make(std::move(n));
}

bool is_sliceable(const expr& e) { return e->kind == op::ref || e->kind == op::slice; }

expr binary(op k, const expr& a, const expr& b, int width, bool s) {
  node n;
  n.kind = k;
  n.width = width;
  n.is_signed = s;
  n.args = {a, b};
  return make(std::move(n));
}

expr unary(op k, const expr& a, int width, bool s) {
  node n;
  n.kind = k;
  n.width = width;
  n.is_signed = s;
  n.args = {a};
  return make(std::move(n));
}

void check_width(int w) {
  if (w < 1) fail("width must be at least 1 (got " + std::to_string(w) + ")");
}

expr truncate(const expr& e, int w);

expr truncate_args(const expr& e, int w) {
  node n = *e;
  n.width = w;
  for (auto& a : n.args) a = truncate(a, w);
  return make(std::move(n));
}

// Keep the low w bits of e (w < width), structurally: part selects of signals, pushed
// through arithmetic and bitwise operators (their low bits depend only on low bits).
expr truncate(const expr& e, int w) {
  if (w == e->width) return e;
  if (w > e->width) fail("truncate to a wider width");
  switch (e->kind) {
    case op::ref: return slice(e, w - 1, 0, e->is_signed);
    case op::slice: return slice(e->args[0], e->lo + w - 1, e->lo, e->is_signed);
    case op::constant: {
      node n = *e;
      n.width = w;
      n.bits.resize(static_cast<std::size_t>(w));
      return make(std::move(n));
    }
    case op::concat: {
      std::vector<expr> parts;  // least significant first
      int have = 0;
      for (auto it = e->args.rbegin(); it != e->args.rend() && have < w; ++it) {
        const int take = std::min((*it)->width, w - have);
        parts.push_back(truncate(*it, take));
        have += take;
      }
      std::reverse(parts.begin(), parts.end());
      return concat(parts, e->is_signed);
    }
    case op::repl: {
      const expr& in = e->args[0];
      const int full = w / in->width;
      const int rem = w % in->width;
      std::vector<expr> parts;
      if (rem > 0) parts.push_back(truncate(in, rem));
      if (full > 0) parts.push_back(repl(full, in));
      return concat(parts, e->is_signed);
    }
    case op::add:
    case op::sub:
    case op::mul:
    case op::band:
    case op::bor:
    case op::bxor:
    case op::bnot: return truncate_args(e, w);
    case op::mux: {
      node n = *e;
      n.width = w;
      n.args[1] = truncate(n.args[1], w);
      n.args[2] = truncate(n.args[2], w);
      return make(std::move(n));
    }
    default: break;
  }
  fail("cannot truncate this expression");
}

std::string hex_literal(const std::vector<bool>& bits) {
  const int w = static_cast<int>(bits.size());
  if (w == 1) return bits[0] ? "1'b1" : "1'b0";
  std::string s;
  const int digits = (w + 3) / 4;
  for (int d = digits - 1; d >= 0; --d) {
    int v = 0;
    for (int b = 3; b >= 0; --b) {
      const int i = d * 4 + b;
      v = v * 2 + (i < w && bits[static_cast<std::size_t>(i)] ? 1 : 0);
    }
    s += "0123456789abcdef"[v];
  }
  return std::to_string(w) + "'h" + s;
}

const char* binop_text(op k) {
  switch (k) {
    case op::add: return " + ";
    case op::sub: return " - ";
    case op::mul: return " * ";
    case op::band: return " & ";
    case op::bor: return " | ";
    case op::bxor: return " ^ ";
    case op::eq: return " == ";
    case op::ne: return " != ";
    case op::lt: return " < ";
    case op::le: return " <= ";
    case op::gt: return " > ";
    case op::ge: return " >= ";
    default: return " ? ";
  }
}

expr compare(op k, const expr& a, const expr& b) {
  expr x = a;
  expr y = b;
  bool s = a->is_signed;
  if (a->is_signed == b->is_signed) {
    const int w = std::max(a->width, b->width);
    x = resize(a, w);
    y = resize(b, w);
  } else {
    const int w = std::max(a->width + (a->is_signed ? 0 : 1), b->width + (b->is_signed ? 0 : 1));
    x = as_signed(resize(a, w));
    y = as_signed(resize(b, w));
    s = true;
  }
  node n;
  n.kind = k;
  n.width = 1;
  n.signed_op = s;
  n.args = {x, y};
  return make(std::move(n));
}

expr bitwise(op k, const expr& a, const expr& b) {
  const int w = std::max(a->width, b->width);
  return binary(k, resize(a, w), resize(b, w), w, a->is_signed && b->is_signed);
}

std::string range(int width) {
  return width == 1 ? std::string() : "[" + std::to_string(width - 1) + ":0] ";
}

}  // namespace

// ---------------------------------------------------------------------------------------
expr constant(int width, i128 value, bool is_signed) {
  check_width(width);
  node n;
  n.kind = op::constant;
  n.width = width;
  n.is_signed = is_signed;
  n.bits.resize(static_cast<std::size_t>(width));
  for (int i = 0; i < width; ++i) n.bits[static_cast<std::size_t>(i)] = detail::bit(value, i);
  return make(std::move(n));
}
expr zeros(int width) { return constant(width, 0); }
expr ones(int width) { return constant(width, -1); }
bool is_constant(const expr& e) noexcept { return e->kind == op::constant; }

i128 constant_value(const expr& e) {
  if (!is_constant(e)) fail("constant_value of a non-constant");
  if (e->width > 128) fail("constant_value of a constant wider than 128 bits");
  u128 v = 0;
  for (int i = e->width - 1; i >= 0; --i) v = (v << 1) | (e->bits[static_cast<std::size_t>(i)] ? 1U : 0U);
  return detail::extend<i128>(v, e->width, e->is_signed);
}

expr slice(const expr& e, int hi, int lo, bool is_signed) {
  if (!is_sliceable(e)) fail("part select of a compound expression; use module::net() first");
  if (lo < 0 || hi < lo || hi >= e->width)
    fail("part select [" + std::to_string(hi) + ":" + std::to_string(lo) + "] out of range of a " +
         std::to_string(e->width) + "-bit value");
  if (e->kind == op::slice) return slice(e->args[0], e->lo + hi, e->lo + lo, is_signed);
  if (lo == 0 && hi == e->width - 1) return with_sign(e, is_signed);
  node n;
  n.kind = op::slice;
  n.width = hi - lo + 1;
  n.is_signed = is_signed;
  n.hi = hi;
  n.lo = lo;
  n.args = {e};
  return make(std::move(n));
}

expr bit(const expr& e, int i) {
  if (is_constant(e)) {
    if (i < 0 || i >= e->width) fail("bit index out of range");
    return constant(1, e->bits[static_cast<std::size_t>(i)] ? 1 : 0);
  }
  return slice(e, i, i, false);
}

expr msb(const expr& e) {
  if (e->width == 1) return with_sign(e, false);
  switch (e->kind) {
    case op::ref:
    case op::slice:
    case op::constant: return bit(e, e->width - 1);
    case op::concat: return msb(e->args[0]);
    case op::repl: return msb(e->args[0]);
    case op::band: return logic_and(msb(e->args[0]), msb(e->args[1]));
    case op::bor: return logic_or(msb(e->args[0]), msb(e->args[1]));
    case op::bxor: return binary(op::bxor, msb(e->args[0]), msb(e->args[1]), 1, false);
    case op::bnot: return logic_not(msb(e->args[0]));
    case op::mux: return mux(e->args[0], msb(e->args[1]), msb(e->args[2]));
    default: break;
  }
  fail("the top bit of an arithmetic result is needed; hold it in a wire with module::net()");
}

expr concat(const std::vector<expr>& parts, bool is_signed) {
  std::vector<expr> flat;
  for (const auto& p : parts) {
    if (!p) fail("null expression in concatenation");
    if (p->kind == op::concat) {
      flat.insert(flat.end(), p->args.begin(), p->args.end());
    } else {
      flat.push_back(p);
    }
  }
  if (flat.empty()) fail("empty concatenation");
  // Merge adjacent constants and adjacent slices of the same signal.
  std::vector<expr> merged;
  for (const auto& p : flat) {
    if (!merged.empty()) {
      const expr& q = merged.back();
      if (is_constant(q) && is_constant(p)) {
        node n;
        n.kind = op::constant;
        n.width = q->width + p->width;
        n.bits = p->bits;
        n.bits.insert(n.bits.end(), q->bits.begin(), q->bits.end());
        merged.back() = make(std::move(n));
        continue;
      }
      if (is_sliceable(q) && is_sliceable(p)) {
        const expr qb = q->kind == op::slice ? q->args[0] : q;
        const expr pb = p->kind == op::slice ? p->args[0] : p;
        const int qlo = q->kind == op::slice ? q->lo : 0;
        const int phi = p->kind == op::slice ? p->hi : p->width - 1;
        if (qb->name == pb->name && qlo == phi + 1) {
          const int qhi = q->kind == op::slice ? q->hi : q->width - 1;
          const int plo = p->kind == op::slice ? p->lo : 0;
          merged.back() = slice(qb, qhi, plo, false);
          continue;
        }
      }
    }
    merged.push_back(p);
  }
  if (merged.size() == 1) return with_sign(merged[0], is_signed);
  node n;
  n.kind = op::concat;
  n.is_signed = is_signed;
  n.width = 0;
  for (const auto& p : merged) n.width += p->width;
  n.args = std::move(merged);
  return make(std::move(n));
}

expr repl(int count, const expr& e) {
  if (count < 1) fail("replication count must be at least 1");
  if (count == 1) return with_sign(e, false);
  if (is_constant(e)) {
    node n;
    n.kind = op::constant;
    n.width = e->width * count;
    for (int i = 0; i < count; ++i) n.bits.insert(n.bits.end(), e->bits.begin(), e->bits.end());
    return make(std::move(n));
  }
  node n;
  n.kind = op::repl;
  n.width = e->width * count;
  n.hi = count;
  n.args = {with_sign(e, false)};
  return make(std::move(n));
}

expr as_signed(const expr& e) { return with_sign(e, true); }
expr as_unsigned(const expr& e) { return with_sign(e, false); }

expr resize(const expr& e, int width) {
  check_width(width);
  if (width == e->width) return e;
  if (width < e->width) return truncate(e, width);
  const int extra = width - e->width;
  if (is_constant(e)) {
    node n = *e;
    n.width = width;
    const bool fill = e->is_signed && e->bits.back();
    n.bits.resize(static_cast<std::size_t>(width), fill);
    return make(std::move(n));
  }
  if (e->is_signed) return concat({repl(extra, msb(e)), e}, true);
  return concat({zeros(extra), e}, false);
}

expr shift_left(const expr& e, int n) {
  if (n < 0) fail("negative shift");
  if (n == 0) return e;
  return concat({e, zeros(n)}, e->is_signed);
}

expr add(const expr& a, const expr& b, int width) {
  const bool s = a->is_signed || b->is_signed;
  const expr x = resize(a, width);
  const expr y = resize(b, width);
  if (is_constant(y) && std::none_of(y->bits.begin(), y->bits.end(), [](bool v) { return v; }))
    return with_sign(x, s);
  if (is_constant(x) && std::none_of(x->bits.begin(), x->bits.end(), [](bool v) { return v; }))
    return with_sign(y, s);
  return binary(op::add, x, y, width, s);
}
expr sub(const expr& a, const expr& b, int width) {
  return binary(op::sub, resize(a, width), resize(b, width), width, a->is_signed || b->is_signed);
}
expr mul(const expr& a, const expr& b, int width) {
  return binary(op::mul, resize(a, width), resize(b, width), width, a->is_signed || b->is_signed);
}

expr bit_and(const expr& a, const expr& b) { return bitwise(op::band, a, b); }
expr bit_or(const expr& a, const expr& b) { return bitwise(op::bor, a, b); }
expr bit_xor(const expr& a, const expr& b) { return bitwise(op::bxor, a, b); }
expr bit_not(const expr& a) { return unary(op::bnot, a, a->width, a->is_signed); }
expr reduce_or(const expr& a) {
  if (a->width == 1) return with_sign(a, false);
  return unary(op::red_or, a, 1, false);
}
expr reduce_and(const expr& a) {
  if (a->width == 1) return with_sign(a, false);
  return unary(op::red_and, a, 1, false);
}

expr eq(const expr& a, const expr& b) { return compare(op::eq, a, b); }
expr ne(const expr& a, const expr& b) { return compare(op::ne, a, b); }
expr lt(const expr& a, const expr& b) { return compare(op::lt, a, b); }
expr le(const expr& a, const expr& b) { return compare(op::le, a, b); }
expr gt(const expr& a, const expr& b) { return compare(op::gt, a, b); }
expr ge(const expr& a, const expr& b) { return compare(op::ge, a, b); }

expr mux(const expr& cond, const expr& a, const expr& b) {
  if (cond->width != 1) fail("mux condition must be 1 bit");
  int w = std::max(a->width, b->width);
  bool s = a->is_signed && b->is_signed;
  if (a->is_signed != b->is_signed) {
    w = std::max(a->width + (a->is_signed ? 0 : 1), b->width + (b->is_signed ? 0 : 1));
    s = true;
  }
  const expr x = with_sign(resize(a, w), s);
  const expr y = with_sign(resize(b, w), s);
  if (is_constant(cond)) return cond->bits[0] ? x : y;
  if (x->kind == y->kind && to_verilog(x) == to_verilog(y)) return x;
  node n;
  n.kind = op::mux;
  n.width = w;
  n.is_signed = s;
  n.args = {cond, x, y};
  return make(std::move(n));
}

expr logic_and(const expr& a, const expr& b) {
  if (a->width != 1 || b->width != 1) fail("logic_and needs 1-bit operands");
  if (is_constant(a)) return a->bits[0] ? with_sign(b, false) : zeros(1);
  if (is_constant(b)) return b->bits[0] ? with_sign(a, false) : zeros(1);
  return binary(op::band, with_sign(a, false), with_sign(b, false), 1, false);
}
expr logic_or(const expr& a, const expr& b) {
  if (a->width != 1 || b->width != 1) fail("logic_or needs 1-bit operands");
  if (is_constant(a)) return a->bits[0] ? ones(1) : with_sign(b, false);
  if (is_constant(b)) return b->bits[0] ? ones(1) : with_sign(a, false);
  return binary(op::bor, with_sign(a, false), with_sign(b, false), 1, false);
}
expr logic_not(const expr& a) {
  if (a->width != 1) fail("logic_not needs a 1-bit operand");
  if (is_constant(a)) return constant(1, a->bits[0] ? 0 : 1);
  if (a->kind == op::bnot) return with_sign(a->args[0], false);
  return unary(op::bnot, with_sign(a, false), 1, false);
}

std::string to_verilog(const expr& e) {
  switch (e->kind) {
    case op::ref: return e->name;
    case op::constant: return hex_literal(e->bits);
    case op::slice: {
      const std::string& n = e->args[0]->name;
      if (e->hi == e->lo) return n + "[" + std::to_string(e->hi) + "]";
      return n + "[" + std::to_string(e->hi) + ":" + std::to_string(e->lo) + "]";
    }
    case op::concat: {
      std::string s = "{";
      for (std::size_t i = 0; i < e->args.size(); ++i) {
        if (i > 0) s += ", ";
        s += to_verilog(e->args[i]);
      }
      return s + "}";
    }
    case op::repl: return "{" + std::to_string(e->hi) + "{" + to_verilog(e->args[0]) + "}}";
    case op::mul:
      if (e->is_signed)
        return "($signed(" + to_verilog(e->args[0]) + ") * $signed(" + to_verilog(e->args[1]) + "))";
      return "(" + to_verilog(e->args[0]) + " * " + to_verilog(e->args[1]) + ")";
    case op::add:
    case op::sub:
    case op::band:
    case op::bor:
    case op::bxor:
      return "(" + to_verilog(e->args[0]) + binop_text(e->kind) + to_verilog(e->args[1]) + ")";
    case op::eq:
    case op::ne:
    case op::lt:
    case op::le:
    case op::gt:
    case op::ge:
      if (e->signed_op)
        return "($signed(" + to_verilog(e->args[0]) + ")" + binop_text(e->kind) + "$signed(" +
               to_verilog(e->args[1]) + "))";
      return "(" + to_verilog(e->args[0]) + binop_text(e->kind) + to_verilog(e->args[1]) + ")";
    case op::bnot: return "(~" + to_verilog(e->args[0]) + ")";
    case op::red_or: return "(|" + to_verilog(e->args[0]) + ")";
    case op::red_and: return "(&" + to_verilog(e->args[0]) + ")";
    case op::mux:
      return "(" + to_verilog(e->args[0]) + " ? " + to_verilog(e->args[1]) + " : " +
             to_verilog(e->args[2]) + ")";
  }
  fail("unknown expression kind");
}

// ---------------------------------------------------------------------------------------
stmt nb_assign(const expr& lhs, const expr& rhs) {
  if (!is_sliceable(lhs)) fail("assignment target must be a signal or a part of one");
  if (lhs->width != rhs->width)
    fail("assignment width mismatch: " + to_verilog(lhs) + " is " + std::to_string(lhs->width) +
         " bits, value is " + std::to_string(rhs->width));
  stmt s;
  s.lhs = lhs;
  s.rhs = rhs;
  return s;
}

stmt if_else(const expr& cond, std::vector<stmt> then_, std::vector<stmt> else_) {
  if (cond->width != 1) fail("if condition must be 1 bit");
  stmt s;
  s.cond = cond;
  s.then_ = std::move(then_);
  s.else_ = std::move(else_);
  return s;
}

// ---------------------------------------------------------------------------------------
bool is_identifier(std::string_view s) noexcept {
  if (s.empty() || (s[0] >= '0' && s[0] <= '9')) return false;
  return std::all_of(s.begin(), s.end(), [](char c) {
    return (c >= 'a' && c <= 'z') || (c >= 'A' && c <= 'Z') || (c >= '0' && c <= '9') || c == '_';
  });
}

module::module(std::string name, std::vector<std::string> header)
    : name_(std::move(name)), header_(std::move(header)) {
  if (!is_identifier(name_)) fail("invalid module name '" + name_ + "'");
}

module module::verbatim(std::string name, std::vector<port> ports, std::string text) {
  module m(std::move(name), {});
  m.ports_ = std::move(ports);
  m.verbatim_ = std::move(text);
  return m;
}

const port* module::find_port(std::string_view n) const noexcept {
  for (const auto& p : ports_)
    if (p.name == n) return &p;
  return nullptr;
}

void module::check_new_name(const std::string& n) const {
  if (!is_identifier(n)) fail("invalid signal name '" + n + "'");
  if (n.find("unused") != std::string::npos) fail("signal names containing 'unused' are reserved");
  if (find_port(n) != nullptr) fail("duplicate name '" + n + "' in module " + name_);
  for (const auto& s : signals_)
    if (s.name == n) fail("duplicate name '" + n + "' in module " + name_);
}

expr module::declare(const std::string& n, int width, bool is_signed, bool is_reg, int kind) {
  check_new_name(n);
  check_width(width);
  if (kind == 0 || kind == 1) {
    ports_.push_back(port{n, kind == 0 ? port_dir::in : port_dir::out, width, is_signed, is_reg});
  } else {
    signals_.push_back(signal{n, width, is_signed, is_reg});
  }
  node r;
  r.kind = op::ref;
  r.width = width;
  r.is_signed = is_signed;
  r.name = n;
  return make(std::move(r));
}

expr module::input(const std::string& n, int width, bool s) { return declare(n, width, s, false, 0); }
expr module::output(const std::string& n, int width, bool s) { return declare(n, width, s, false, 1); }
expr module::output_reg(const std::string& n, int width, bool s) { return declare(n, width, s, true, 1); }
expr module::wire(const std::string& n, int width, bool s) { return declare(n, width, s, false, 2); }
expr module::reg(const std::string& n, int width, bool s) { return declare(n, width, s, true, 2); }

expr module::net(const std::string& n, const expr& value) {
  expr r = wire(n, value->width, value->is_signed);
  assign(r, value);
  return r;
}

void module::assign(const expr& lhs, const expr& rhs) {
  (void)nb_assign(lhs, rhs);  // same checks
  item it{item::kind::assign, lhs, rhs, {}, {}, {}, {}, {}};
  items_.push_back(std::move(it));
}

void module::always_posedge(const expr& clk, std::vector<stmt> body) {
  if (clk->kind != op::ref || clk->width != 1) fail("clock must be a 1-bit signal");
  item it{item::kind::always, nullptr, clk, std::move(body), {}, {}, {}, {}};
  items_.push_back(std::move(it));
}

void module::instance(const module& sub, const std::string& inst_name,
                      const std::vector<std::pair<std::string, expr>>& connections) {
  check_new_name(inst_name);
  item it{item::kind::instance, nullptr, nullptr, {}, sub.name(), inst_name, {}, {}};
  for (const auto& p : sub.ports()) {
    auto c = std::find_if(connections.begin(), connections.end(),
                          [&](const auto& kv) { return kv.first == p.name; });
    if (c == connections.end()) fail("instance " + inst_name + ": port " + p.name + " not connected");
    if (c->second->width != p.width)
      fail("instance " + inst_name + ": port " + p.name + " is " + std::to_string(p.width) +
           " bits, connection is " + std::to_string(c->second->width));
    if (p.dir == port_dir::out && !is_sliceable(c->second))
      fail("instance " + inst_name + ": output " + p.name + " must connect to a signal");
    it.conns.emplace_back(p.name, c->second);
    it.conn_is_output.push_back(p.dir == port_dir::out);
  }
  if (connections.size() != sub.ports().size())
    fail("instance " + inst_name + ": connection to a port " + sub.name() + " does not have");
  items_.push_back(std::move(it));
}

void module::comment(const std::string& text) {
  item it{item::kind::comment, nullptr, nullptr, {}, text, {}, {}, {}};
  items_.push_back(std::move(it));
}

namespace {

using usage_map = std::map<std::string, std::vector<bool>>;

void mark(usage_map& used, const expr& e) {
  if (!e) return;
  if (e->kind == op::ref) {
    auto& u = used[e->name];
    u.resize(std::max(u.size(), static_cast<std::size_t>(e->width)), false);
    std::fill(u.begin(), u.begin() + e->width, true);
    return;
  }
  if (e->kind == op::slice) {
    const expr& b = e->args[0];
    auto& u = used[b->name];
    u.resize(std::max(u.size(), static_cast<std::size_t>(b->width)), false);
    for (int i = e->lo; i <= e->hi; ++i) u[static_cast<std::size_t>(i)] = true;
    return;
  }
  for (const auto& a : e->args) mark(used, a);
}

void mark_stmts(usage_map& used, const std::vector<stmt>& body) {
  for (const auto& s : body) {
    if (s.cond) {
      mark(used, s.cond);
      mark_stmts(used, s.then_);
      mark_stmts(used, s.else_);
    } else {
      mark(used, s.rhs);
    }
  }
}

void emit_stmts(std::ostringstream& o, const std::vector<stmt>& body, const std::string& ind) {
  for (const auto& s : body) {
    if (!s.cond) {
      o << ind << to_verilog(s.lhs) << " <= " << to_verilog(s.rhs) << ";\n";
      continue;
    }
    o << ind << "if (" << to_verilog(s.cond) << ") begin\n";
    emit_stmts(o, s.then_, ind + "  ");
    const stmt* cur = &s;
    // else-if chains
    while (cur->else_.size() == 1 && cur->else_[0].cond) {
      cur = &cur->else_[0];
      o << ind << "end else if (" << to_verilog(cur->cond) << ") begin\n";
      emit_stmts(o, cur->then_, ind + "  ");
    }
    if (!cur->else_.empty()) {
      o << ind << "end else begin\n";
      emit_stmts(o, cur->else_, ind + "  ");
    }
    o << ind << "end\n";
  }
}

// Unused bit ranges of a signal as part-select expressions.
void unused_parts(const std::string& name, int width, const std::vector<bool>* u,
                  std::vector<std::string>& out) {
  int i = width - 1;
  while (i >= 0) {
    if (u != nullptr && static_cast<std::size_t>(i) < u->size() && (*u)[static_cast<std::size_t>(i)]) {
      --i;
      continue;
    }
    int j = i;
    while (j - 1 >= 0 && !(u != nullptr && static_cast<std::size_t>(j - 1) < u->size() &&
                           (*u)[static_cast<std::size_t>(j - 1)]))
      --j;
    if (j == 0 && i == width - 1) {
      out.push_back(name);
    } else if (i == j) {
      out.push_back(name + "[" + std::to_string(i) + "]");
    } else {
      out.push_back(name + "[" + std::to_string(i) + ":" + std::to_string(j) + "]");
    }
    i = j - 1;
  }
}

}  // namespace

std::string module::emit() const {
  if (!verbatim_.empty()) return verbatim_;
  std::ostringstream o;
  o << "// Generated by lop-hwgen " << generator_version() << " (lop " << generator_version()
    << "). Do not edit.\n";
  for (const auto& h : header_) o << "// " << h << "\n";
  o << "module " << name_ << " (\n";
  for (std::size_t i = 0; i < ports_.size(); ++i) {
    const port& p = ports_[i];
    o << "  " << (p.dir == port_dir::in ? "input  " : "output ") << (p.is_reg ? "reg  " : "wire ")
      << range(p.width) << p.name << (i + 1 < ports_.size() ? "," : "") << "\n";
  }
  o << ");\n";
  if (!signals_.empty()) o << "\n";
  for (const auto& s : signals_)
    o << "  " << (s.is_reg ? "reg  " : "wire ") << range(s.width) << s.name << ";\n";

  usage_map used;
  for (const auto& it : items_) {
    switch (it.k) {
      case item::kind::assign: mark(used, it.rhs); break;
      case item::kind::always:
        mark(used, it.rhs);
        mark_stmts(used, it.body);
        break;
      case item::kind::instance:
        for (std::size_t i = 0; i < it.conns.size(); ++i)
          if (!it.conn_is_output[i]) mark(used, it.conns[i].second);
        break;
      case item::kind::comment: break;
    }
  }

  for (const auto& it : items_) {
    switch (it.k) {
      case item::kind::comment: o << "\n  // " << it.text << "\n"; break;
      case item::kind::assign:
        o << "  assign " << to_verilog(it.lhs) << " = " << to_verilog(it.rhs) << ";\n";
        break;
      case item::kind::always:
        o << "  always @(posedge " << to_verilog(it.rhs) << ") begin\n";
        emit_stmts(o, it.body, "    ");
        o << "  end\n";
        break;
      case item::kind::instance:
        o << "  " << it.text << " " << it.inst << " (\n";
        for (std::size_t i = 0; i < it.conns.size(); ++i)
          o << "    ." << it.conns[i].first << "(" << to_verilog(it.conns[i].second) << ")"
            << (i + 1 < it.conns.size() ? "," : "") << "\n";
        o << "  );\n";
        break;
    }
  }

  // Bits this configuration does not read are collected in one sink whose name Verilator's
  // default -unused-regexp (*unused*) recognizes, so `-Wall` stays quiet without lint_off.
  std::vector<std::string> parts;
  for (const auto& p : ports_) {
    if (p.dir != port_dir::in) continue;
    auto u = used.find(p.name);
    unused_parts(p.name, p.width, u == used.end() ? nullptr : &u->second, parts);
  }
  for (const auto& s : signals_) {
    auto u = used.find(s.name);
    unused_parts(s.name, s.width, u == used.end() ? nullptr : &u->second, parts);
  }
  if (!parts.empty()) {
    o << "\n  // Input bits this configuration does not need.\n  wire unused_ok = &{1'b0";
    for (const auto& p : parts) o << ", " << p;
    o << "};\n";
  }
  o << "endmodule\n";
  return o.str();
}

}  // namespace lop::hw
