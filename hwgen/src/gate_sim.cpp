// Gate-level simulation of Yosys netlists (see lop/hw/gate_sim.hpp).
#include "lop/hw/gate_sim.hpp"

#include <algorithm>
#include <bit>
#include <nlohmann/json.hpp>
#include <unordered_map>

namespace lop::hw {
namespace {

using net = gate_netlist::net;

struct cell_kind {
  const char* type;
  gate kind;
  std::array<const char*, 4> pins;  // inputs in gate_netlist::cell::in order
  int inputs;
};
// Yosys' simple cells (simcells.v): MUX is S ? B : A; AOI3 ~((A&B)|C); OAI3 ~((A|B)&C);
// AOI4 ~((A&B)|(C&D)); OAI4 ~((A|B)&(C|D)); ANDNOT A&~B; ORNOT A|~B.
constexpr std::array<cell_kind, 16> kinds{{
    {"$_BUF_", gate::buf, {"A"}, 1},
    {"$_NOT_", gate::inv, {"A"}, 1},
    {"$_AND_", gate::and2, {"A", "B"}, 2},
    {"$_NAND_", gate::nand2, {"A", "B"}, 2},
    {"$_OR_", gate::or2, {"A", "B"}, 2},
    {"$_NOR_", gate::nor2, {"A", "B"}, 2},
    {"$_XOR_", gate::xor2, {"A", "B"}, 2},
    {"$_XNOR_", gate::xnor2, {"A", "B"}, 2},
    {"$_ANDNOT_", gate::andnot, {"A", "B"}, 2},
    {"$_ORNOT_", gate::ornot, {"A", "B"}, 2},
    {"$_MUX_", gate::mux, {"A", "B", "S"}, 3},
    {"$_NMUX_", gate::nmux, {"A", "B", "S"}, 3},
    {"$_AOI3_", gate::aoi3, {"A", "B", "C"}, 3},
    {"$_OAI3_", gate::oai3, {"A", "B", "C"}, 3},
    {"$_AOI4_", gate::aoi4, {"A", "B", "C", "D"}, 4},
    {"$_OAI4_", gate::oai4, {"A", "B", "C", "D"}, 4},
}};

[[nodiscard]] std::string hex(lop::detail::u128 v) {
  std::string s;
  do {
    s.insert(s.begin(), "0123456789abcdef"[static_cast<unsigned>(v & 15U)]);
    v >>= 4;
  } while (v != 0);
  return s;
}

[[nodiscard]] int arity(gate g) noexcept {
  return std::find_if(kinds.begin(), kinds.end(), [&](const cell_kind& x) { return x.kind == g; })->inputs;
}

[[nodiscard]] std::uint64_t eval(gate g, std::uint64_t a, std::uint64_t b, std::uint64_t c, std::uint64_t d) noexcept {
  switch (g) {
    case gate::buf: return a;
    case gate::inv: return ~a;
    case gate::and2: return a & b;
    case gate::nand2: return ~(a & b);
    case gate::or2: return a | b;
    case gate::nor2: return ~(a | b);
    case gate::xor2: return a ^ b;
    case gate::xnor2: return ~(a ^ b);
    case gate::andnot: return a & ~b;
    case gate::ornot: return a | ~b;
    case gate::mux: return (c & b) | (~c & a);
    case gate::nmux: return ~((c & b) | (~c & a));
    case gate::aoi3: return ~((a & b) | c);
    case gate::oai3: return ~((a | b) & c);
    case gate::aoi4: return ~((a & b) | (c & d));
    case gate::oai4: return ~((a | b) & (c | d));
  }
  return 0;
}

}  // namespace

const gate_netlist::port* gate_netlist::find(std::string_view name) const noexcept {
  for (const port& p : ports)
    if (p.name == name) return &p;
  return nullptr;
}

const gate_netlist::port& gate_netlist::at(std::string_view name) const {
  if (const port* p = find(name)) return *p;
  throw netlist_error("lop::hw: netlist of '" + top + "' has no port '" + std::string(name) + "'");
}

gate_netlist read_gate_netlist(const std::string& json_text, const std::string& top, const std::string& where) {
  const auto fail = [&](const std::string& what) -> netlist_error {
    return netlist_error("lop::hw::read_gate_netlist: " + where + ": " + what);
  };
  nlohmann::json j;
  try {
    j = nlohmann::json::parse(json_text);
  } catch (const nlohmann::json::exception& e) {
    throw fail(std::string("not Yosys JSON (") + e.what() + ")");
  }
  if (!j.contains("modules") || !j["modules"].contains(top))
    throw fail("no module '" + top + "' (write the netlist with Yosys' write_json after synthesizing " + top + ")");
  const nlohmann::json& m = j["modules"][top];

  gate_netlist n;
  n.top = top;
  std::unordered_map<long, net> ids;
  const auto bit = [&](const nlohmann::json& b) -> net {
    if (b.is_string()) return b.get<std::string>() == "1" ? 1 : 0;  // "0", "x", "z": 0
    const long id = b.get<long>();
    const auto [it, fresh] = ids.try_emplace(id, static_cast<net>(n.nets));
    if (fresh) ++n.nets;
    return it->second;
  };
  try {
    for (const auto& [name, p] : m.at("ports").items()) {
      gate_netlist::port port{name, p.at("direction").get<std::string>() == "input", {}};
      if (p.at("direction").get<std::string>() == "inout") throw fail("port '" + name + "' is inout");
      for (const auto& b : p.at("bits")) port.bits.push_back(bit(b));
      n.ports.push_back(std::move(port));
    }
    std::vector<gate_netlist::cell> cells;
    for (const auto& [name, c] : m.at("cells").items()) {
      const std::string type = c.at("type").get<std::string>();
      const auto& conn = c.at("connections");
      if (type == "$_DFF_P_") {
        const auto& clk = conn.at("C");
        const gate_netlist::port* clock_port = nullptr;
        for (const auto& p : n.ports)
          if (p.input && p.bits.size() == 1 && p.bits[0] == bit(clk.at(0))) clock_port = &p;
        if (clock_port == nullptr) throw fail("flip-flop " + name + " is not clocked by an input port");
        if (!n.clock.empty() && n.clock != clock_port->name)
          throw fail("flip-flops on two clocks (" + n.clock + ", " + clock_port->name + "); one clock is supported");
        n.clock = clock_port->name;
        n.flops.push_back({bit(conn.at("D").at(0)), bit(conn.at("Q").at(0))});
        continue;
      }
      const auto k = std::find_if(kinds.begin(), kinds.end(), [&](const cell_kind& x) { return type == x.type; });
      if (k == kinds.end())
        throw fail("cell " + name + " has type " + type +
                   ", not one of Yosys' simple gates or $_DFF_P_ (map the design with `synth; dfflegalize -cell "
                   "$_DFF_P_ 01; abc` first)");
      gate_netlist::cell cl{k->kind, {}, bit(conn.at("Y").at(0))};
      for (int i = 0; i < k->inputs; ++i) cl.in[static_cast<std::size_t>(i)] = bit(conn.at(k->pins[static_cast<std::size_t>(i)]).at(0));
      cells.push_back(cl);
    }
    // Topological order (Kahn): a cell is ready when every input is a port, a flop output, a
    // constant or the output of a cell already placed.
    std::vector<long> driver(n.nets, -1);
    for (std::size_t i = 0; i < cells.size(); ++i) {
      if (cells[i].out < 2 || driver[cells[i].out] >= 0) throw fail("a net is driven by several cells or is a constant");
      driver[cells[i].out] = static_cast<long>(i);
    }
    std::vector<int> waiting(cells.size(), 0);
    std::vector<std::vector<std::size_t>> users(n.nets);
    for (std::size_t i = 0; i < cells.size(); ++i) {
      for (int p = 0; p < arity(cells[i].kind); ++p) {
        const net in = cells[i].in[static_cast<std::size_t>(p)];
        if (driver[in] >= 0) {
          ++waiting[i];
          users[in].push_back(i);
        }
      }
    }
    std::vector<std::size_t> ready;
    for (std::size_t i = 0; i < cells.size(); ++i)
      if (waiting[i] == 0) ready.push_back(i);
    for (std::size_t r = 0; r < ready.size(); ++r) {
      n.cells.push_back(cells[ready[r]]);
      for (std::size_t u : users[cells[ready[r]].out])
        if (--waiting[u] == 0) ready.push_back(u);
    }
    if (n.cells.size() != cells.size())
      throw fail("a combinational loop (" + std::to_string(cells.size() - n.cells.size()) + " cells on or behind it)");
    n.load.assign(n.nets, 0);
    for (const auto& c : n.cells)
      for (int p = 0; p < arity(c.kind); ++p)
        ++n.load[c.in[static_cast<std::size_t>(p)]];
    for (const auto& f : n.flops) ++n.load[f.d];
    for (const auto& p : n.ports)
      if (!p.input)
        for (net b : p.bits) ++n.load[b];
  } catch (const nlohmann::json::exception& e) {
    throw fail(std::string("malformed module ") + top + ": " + e.what());
  }
  return n;
}

gate_sim::gate_sim(const gate_netlist& n) : n_(n), v_(n.nets, 0), d_(n.flops.size(), 0) { v_[1] = ~0ULL; }

void gate_sim::drive(net n, std::uint64_t word) {
  if (n < 2) return;  // a port bit tied to a constant
  const std::uint64_t diff = v_[n] ^ word;
  if (diff == 0) return;
  const auto t = static_cast<std::uint64_t>(std::popcount(diff));
  activity_.toggles += t;
  activity_.weighted += t * n_.load[n];
  v_[n] = word;
}

void gate_sim::set(const gate_netlist::port& p, std::span<const std::uint64_t, lanes> values) {
  for (std::size_t i = 0; i < p.bits.size(); ++i) {
    std::uint64_t word = 0;
    if (i < 64)
      for (int l = 0; l < lanes; ++l) word |= ((values[static_cast<std::size_t>(l)] >> i) & 1U) << l;
    drive(p.bits[i], word);
  }
}

void gate_sim::set(const gate_netlist::port& p, std::uint64_t value) {
  for (std::size_t i = 0; i < p.bits.size(); ++i) drive(p.bits[i], i < 64 && ((value >> i) & 1U) != 0 ? ~0ULL : 0ULL);
}

void gate_sim::cycle() {
  // Every flop samples before any output changes (flops may feed each other).
  for (std::size_t i = 0; i < d_.size(); ++i) d_[i] = v_[n_.flops[i].d];
  for (std::size_t i = 0; i < d_.size(); ++i) drive(n_.flops[i].q, d_[i]);
  activity_.clock += 2ULL * n_.flops.size() * lanes;
  ++activity_.cycles;
  for (const auto& c : n_.cells) drive(c.out, eval(c.kind, v_[c.in[0]], v_[c.in[1]], v_[c.in[2]], v_[c.in[3]]));
}

lop::detail::u128 gate_sim::get(const gate_netlist::port& p, int lane) const {
  lop::detail::u128 r = 0;
  for (std::size_t i = 0; i < p.bits.size() && i < 128; ++i) r |= static_cast<lop::detail::u128>((v_[p.bits[i]] >> lane) & 1U) << i;
  return r;
}

pe_netlist_run simulate_pe(const gate_netlist& nl, const pe_spec& spec, std::span<const std::int64_t> a,
                           std::span<const std::int64_t> b, long depth) {
  if (depth < 1 || a.size() != b.size() || a.size() % static_cast<std::size_t>(depth) != 0)
    throw netlist_error("lop::hw::simulate_pe: " + std::to_string(a.size()) + " a and " + std::to_string(b.size()) +
                        " b operands are not whole dot products of depth " + std::to_string(depth));
  const auto& in_a = nl.at("a");
  const auto& in_b = nl.at("b");
  const auto& rst = nl.at("rst");
  const auto& en = nl.at("en");
  const auto& clear = nl.at("clear");
  const auto& out = nl.at("out");
  const auto& acc = nl.at("acc");
  const gate_netlist::port* seed = nl.find("seed");
  constexpr int L = gate_sim::lanes;
  const std::size_t dots = a.size() / static_cast<std::size_t>(depth);
  const std::size_t rounds = (dots + L - 1) / L;  // dots per lane (the last round may be partial)
  const std::size_t steps = rounds * static_cast<std::size_t>(depth);
  const int latency = spec.pipeline + 1;
  using u128 = lop::detail::u128;
  const auto mask = [](std::size_t w) { return w >= 128 ? ~u128{0} : (u128{1} << w) - 1; };
  if (out.bits.size() > 128 || acc.bits.size() > 128)
    throw netlist_error("lop::hw::simulate_pe: out or acc is wider than 128 bits");

  // Each lane's expected registers after k MACs (k = 0: reset).
  std::vector<std::array<u128, 2>> expect((steps + 1) * L);
  std::vector<std::array<std::uint64_t, L>> in_av(steps), in_bv(steps);
  std::vector<std::uint64_t> en_w(steps), clear_w(steps);
  for (int l = 0; l < L; ++l) {
    pe_model m(spec);
    expect[static_cast<std::size_t>(l)] = {0, 0};
    for (std::size_t s = 0; s < steps; ++s) {
      const std::size_t dot = (s / static_cast<std::size_t>(depth)) * L + static_cast<std::size_t>(l);
      const std::size_t k = s % static_cast<std::size_t>(depth);
      if (dot < dots) {
        const std::size_t i = dot * static_cast<std::size_t>(depth) + k;
        in_av[s][static_cast<std::size_t>(l)] = static_cast<std::uint64_t>(a[i]);
        in_bv[s][static_cast<std::size_t>(l)] = static_cast<std::uint64_t>(b[i]);
        en_w[s] |= 1ULL << l;
        if (k == 0) clear_w[s] |= 1ULL << l;
        (void)m.mac(a[i], b[i], k == 0);
      }
      expect[(s + 1) * L + static_cast<std::size_t>(l)] = {static_cast<u128>(m.out()) & mask(out.bits.size()),
                                                           static_cast<u128>(m.acc()) & mask(acc.bits.size())};
    }
  }

  gate_sim sim(nl);
  pe_netlist_run r;
  if (seed != nullptr) sim.set(*seed, lfsr32::default_seed);
  sim.set(rst, 1);
  sim.cycle();  // settles with rst high
  sim.set(rst, 0);
  sim.clear_activity();
  const auto lanes_of = [](std::uint64_t w) {
    std::array<std::uint64_t, L> v{};
    for (int l = 0; l < L; ++l) v[static_cast<std::size_t>(l)] = (w >> l) & 1U;
    return v;
  };
  for (std::size_t s = 0; s < steps + static_cast<std::size_t>(latency); ++s) {
    if (s == steps) r.activity = sim.counted();  // the MAC cycles only, not the pipeline's drain
    if (s < steps) {
      sim.set(in_a, in_av[s]);
      sim.set(in_b, in_bv[s]);
      sim.set(en, lanes_of(en_w[s]));
      sim.set(clear, lanes_of(clear_w[s]));
    } else {
      sim.set(en, 0);
      sim.set(clear, 0);
    }
    sim.cycle();  // edge: the reset (s = 0), or the MAC applied `latency` cycles before reaches acc
    const std::size_t done = s + 1 >= static_cast<std::size_t>(latency) ? s + 1 - static_cast<std::size_t>(latency) : 0;
    for (int l = 0; l < L; ++l) {
      const auto& e = expect[done * L + static_cast<std::size_t>(l)];
      const u128 got_out = sim.get(out, l);
      const u128 got_acc = sim.get(acc, l);
      r.checks += 2;
      if (got_out != e[0] || got_acc != e[1]) {
        if (r.mismatches == 0) {
          r.first_mismatch = "lane " + std::to_string(l) + " after " + std::to_string(done) + " MACs: out 0x" +
                             hex(got_out) + " (model 0x" + hex(e[0]) + "), acc 0x" + hex(got_acc) + " (model 0x" +
                             hex(e[1]) + ")";
        }
        r.mismatches += (got_out != e[0]) + (got_acc != e[1]);
      }
    }
  }
  r.macs = static_cast<std::uint64_t>(dots) * static_cast<std::uint64_t>(depth);
  return r;
}

}  // namespace lop::hw
