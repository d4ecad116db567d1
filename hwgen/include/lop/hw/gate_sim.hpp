// Gate-level simulation of a synthesized netlist, for co-simulation and switching activity.
//
// The netlist is Yosys' JSON (`write_json`) of a flattened design mapped to Yosys' simple
// cells ($_AND_, $_XOR_, $_MUX_, $_AOI3_, ..., one clock's $_DFF_P_): what lop::hw::synthesize
// writes with synth_options::netlist_json. gate_sim runs 64 independent stimulus lanes at once
// (bit l of a net's word is lane l), zero-delay, and counts every net's toggles weighted by its
// load. docs/explore.md states the energy model built on it.
#pragma once

#include <array>
#include <cstdint>
#include <span>
#include <stdexcept>
#include <string>
#include <string_view>
#include <vector>

#include "lop/pe.hpp"

namespace lop::hw {

// A netlist that cannot be read or simulated (not Yosys JSON, no such module, a cell type
// other than the simple gates, a combinational loop, several clocks).
class netlist_error : public std::runtime_error {
 public:
  using std::runtime_error::runtime_error;
};

enum class gate : std::uint8_t { buf, inv, and2, nand2, or2, nor2, xor2, xnor2, andnot, ornot, mux, nmux, aoi3, oai3, aoi4, oai4 };

struct gate_netlist {
  using net = std::uint32_t;  // net 0 is constant 0, net 1 constant 1
  struct cell {
    gate kind;
    std::array<net, 4> in{};  // A, B, C|S, D as Yosys names them (unused: 0)
    net out = 0;
  };
  struct flop {
    net d = 0, q = 0;
  };
  struct port {
    std::string name;
    bool input = true;
    std::vector<net> bits;  // lsb first
  };
  std::string top;
  std::size_t nets = 2;
  std::vector<port> ports;
  std::vector<cell> cells;  // in evaluation (topological) order
  std::vector<flop> flops;  // all on `clock`'s rising edge
  std::string clock;        // empty: no flops
  // Per net: the gate inputs, flop D pins and output-port bits it drives (its fan-out).
  std::vector<std::uint32_t> load;

  [[nodiscard]] const port* find(std::string_view name) const noexcept;
  [[nodiscard]] const port& at(std::string_view name) const;  // throws netlist_error
};

// Module `top` of Yosys JSON text (`where` names the source in errors).
[[nodiscard]] gate_netlist read_gate_netlist(const std::string& json_text, const std::string& top,
                                             const std::string& where = "netlist");

class gate_sim {
 public:
  static constexpr int lanes = 64;
  explicit gate_sim(const gate_netlist& n);

  // Drive an input port: lane l gets values[l] (its low bits; bits above 64 get 0), or every
  // lane the same value.
  void set(const gate_netlist::port& p, std::span<const std::uint64_t, lanes> values);
  void set(const gate_netlist::port& p, std::uint64_t value);
  // One clock cycle: the rising edge (every flop takes its D), then the logic settles on the
  // inputs set since the last cycle. Toggles of that transition are counted.
  void cycle();
  // The port's value in `lane` (its bits, zero-extended; ports of up to 128 bits), as settled
  // by the last cycle().
  [[nodiscard]] lop::detail::u128 get(const gate_netlist::port& p, int lane) const;

  // Switching activity since the last clear_activity(), summed over the lanes: toggles of
  // every net, the same weighted by each net's load, and the clock pins' (2 per flop and cycle).
  struct activity {
    std::uint64_t toggles = 0;
    std::uint64_t weighted = 0;
    std::uint64_t clock = 0;
    std::uint64_t cycles = 0;
  };
  [[nodiscard]] const activity& counted() const noexcept { return activity_; }
  void clear_activity() noexcept { activity_ = {}; }

 private:
  void drive(lop::hw::gate_netlist::net n, std::uint64_t word);
  const gate_netlist& n_;
  std::vector<std::uint64_t> v_;
  std::vector<std::uint64_t> d_;  // the flops' D values at the edge (reused every cycle)
  activity activity_;
};

// A PE's netlist (lop::hw::processing_element(spec), synthesized) run on dot products: `a` and
// `b` hold raw operands, `depth` MACs per dot product (`clear` on the first), dot after dot.
// Dots go to the 64 lanes round robin (a multiple of 64 dots keeps every lane busy); each lane
// starts from `rst`. After every cycle `out` and `acc` of every lane are compared bit for bit
// with lop::pe_model; activity counts the MAC cycles only.
struct pe_netlist_run {
  std::uint64_t macs = 0;        // MACs simulated (all lanes)
  std::uint64_t checks = 0;      // register values compared (out and acc, every lane and cycle)
  std::uint64_t mismatches = 0;  // of those, different in some bit
  std::string first_mismatch;    // the first one, readable (empty if none)
  gate_sim::activity activity;
  // Load-weighted toggles (clock pins included) per MAC: the energy model's quantity.
  [[nodiscard]] double weighted_toggles_per_mac() const noexcept {
    return macs == 0 ? 0.0 : static_cast<double>(activity.weighted + activity.clock) / static_cast<double>(macs);
  }
};
[[nodiscard]] pe_netlist_run simulate_pe(const gate_netlist& netlist, const pe_spec& spec,
                                         std::span<const std::int64_t> a, std::span<const std::int64_t> b, long depth);

}  // namespace lop::hw
