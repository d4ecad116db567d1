// Generators: one function per operator family, each returning the Verilog modules that
// compute exactly what the C++ side computes for the same descriptor (see
// docs/verilog-interface.md for ports, timing and names).
#pragma once
#include <cstdint>
#include <filesystem>
#include <string>
#include <string_view>
#include <vector>

#include "lop/pe_spec.hpp"
#include "lop/hw/verilog.hpp"

namespace lop::hw {

// A top module together with every module it instantiates, each exactly once.
struct design {
  std::vector<module> modules;  // submodules first, the top last

  [[nodiscard]] const module& top() const { return modules.back(); }
  // Merge another design's modules (a module already present by name must be identical).
  void add(const design& other);
  void add(const module& m);
  // All modules' text, in order (one module after another).
  [[nodiscard]] std::string emit() const;
};

// Readable tags derived from descriptors: s16f8 (signed, 16 bits, 8 fraction bits),
// u8fm2 (unsigned, frac -2); with the policy: s16f8_he_sa (half_even, saturate).
[[nodiscard]] std::string format_tag(const fixed_format& f);
[[nodiscard]] std::string format_tag_with_policy(const fixed_format& f);
[[nodiscard]] std::string_view rounding_tag(rounding r) noexcept;  // fl tz hu ha he st ce
[[nodiscard]] std::string_view overflow_tag(overflow o) noexcept;  // wr sa ss sz

// Module names (deterministic, unique per hardware-relevant part of the descriptor).
[[nodiscard]] std::string quantizer_name(const fixed_format& in, const fixed_format& out);
[[nodiscard]] std::string multiplier_name(const fixed_format& a, const fixed_format& b);
[[nodiscard]] std::string adder_name(const fixed_format& a, const fixed_format& b);
[[nodiscard]] std::string subtractor_name(const fixed_format& a, const fixed_format& b);
[[nodiscard]] std::string pe_name(const pe_spec& s);

// Number of random bits the quantizer in -> out takes on its `rnd` port (0: no port):
// min(d, 32) for stochastic rounding with d = in.frac - out.frac > 0 dropped bits.
[[nodiscard]] int quantizer_rnd_bits(const fixed_format& in, const fixed_format& out) noexcept;

// Combinational quantizer: x (in.width bits, read per in.is_signed with in.frac fraction
// bits) -> y (out.width bits), exactly lop::detail::quantize_raw(x, in.frac, out, rnd).
// Only in's width/frac/signedness matter. Throws lop::format_error for invalid formats.
[[nodiscard]] design quantizer(const fixed_format& in, const fixed_format& out);

// Exact combinational arithmetic: y = a * b in product_format(a, b); y = a + b in
// sum_format(a, b); y = a - b in difference_format(a, b).
[[nodiscard]] design multiplier(const fixed_format& a, const fixed_format& b);
// A multiplier of docs/multipliers.md as structural logic: y = lop::multiply_raw on the raws,
// in wa + wb + 1 bits (signed when either operand is); `exact` gives the full partial-product
// array (multiplier() above is the behavioural a*b). Throws lop::format_error when invalid.
[[nodiscard]] design approximate_multiplier(const lop::multiplier& mul, const fixed_format& a, const fixed_format& b);
// A short name-safe tag of a multiplier (drum_k6, trunc_t8_constant, bam_h2_v6, mitchell, ...).
[[nodiscard]] std::string multiplier_tag(const lop::multiplier& m);
[[nodiscard]] std::string approximate_multiplier_name(const lop::multiplier& mul, const fixed_format& a,
                                                      const fixed_format& b);
// A table multiplier's circuit (registered with its Verilog, lop/table_multiplier.hpp): the
// user's module, unchanged, and a wrapper with the ports above that extends its product. Throws
// lop::format_error when the circuit is missing or its module breaks the port convention.
[[nodiscard]] design table_multiplier_design(const lop::multiplier& mul, const fixed_format& a, const fixed_format& b);

// Register a table multiplier from its text NAME<key=FILE,...> (lop-hwgen's --table, a bundle
// list's `table` line): products=FILE (a product table, docs/multipliers.md), verilog=FILE (the
// user's module), module=NAME (default: the multiplier's name), a=, b=, y= (port names, default
// a, b, y). Relative paths are taken from base_dir. At least one of products and verilog.
// Returns the name. Throws lop::format_error naming the problem.
std::string register_table_spec(std::string_view spec, const std::filesystem::path& base_dir = {});

// The ports of module `module_name` in a Verilog file, read from its header and declarations
// (ANSI or not; ranges must be plain numbers). Throws lop::format_error naming the file and
// the problem (missing file or module, unreadable header).
struct verilog_port {
  std::string name;
  std::string direction;  // input, output or inout
  int width = 1;
};
struct verilog_module_ports {
  std::string name;
  std::vector<verilog_port> ports;
  std::vector<std::string> modules_in_file;
  std::string text;  // the whole file
};
[[nodiscard]] verilog_module_ports read_verilog_ports(const std::filesystem::path& file, const std::string& module_name);

[[nodiscard]] design adder(const fixed_format& a, const fixed_format& b);
[[nodiscard]] design subtractor(const fixed_format& a, const fixed_format& b);

// lop_lfsr32 (draws = 1: r0 = state, advances once per step), lop_lfsr32x2 (draws = 2:
// r0 = state, r1 = next(state), advances twice per step) or lop_lfsr32x3 (draws = 3, for float
// PEs: r2 = next(r1) as well, advances three times), matching lop::lfsr32.
[[nodiscard]] design lfsr(int draws = 1);

// The MAC processing element of a pe_spec, bit-exact with lop::pe_model (float operands:
// float_processing_element, lop/hw/float_units.hpp).
[[nodiscard]] design processing_element(const pe_spec& s);

// Add the quantizer logic for x (value with src_frac fraction bits, extension per
// x->is_signed) -> dst into module m; rnd: min(d,32) random bits when stochastic with d > 0
// dropped bits, else null. Wires are named with `prefix`. Returns dst.width raw bits.
[[nodiscard]] expr quantize_logic(module& m, const expr& x, int src_frac, const fixed_format& dst,
                                  const expr& rnd, const std::string& prefix);

// ---------------------------------------------------------------------------------------
// Bundles: many units side by side behind one fixed interface, for co-simulation.
// Ports: clk, rst, en, clear, seed[31:0], x[63:0], y[63:0], out[TOTAL-1:0].
// ---------------------------------------------------------------------------------------
inline constexpr int bundle_bus_width = 64;

struct bundle_unit {
  enum class kind : std::uint8_t { quantize, mul, add, sub, pe };
  kind k = kind::quantize;
  fixed_format a{};  // quantize: input format; mul/add/sub: left operand
  fixed_format b{};  // quantize: output format; mul/add/sub: right operand
  pe_spec pe{};      // pe
};

// The unit as a bundle-list line, e.g. "quantize fixed<16,8,...> fixed<8,4,...>".
[[nodiscard]] std::string to_string(const bundle_unit& u);
// Width of the unit's slice of `out` (pe: out width + acc width).
[[nodiscard]] int output_width(const bundle_unit& u);

// Parse a bundle list: one unit a line ("quantize IN OUT", "mul A B", "add A B", "sub A B",
// "pe PE"); blank lines and lines starting with '#' are ignored. A line "table NAME<...>"
// registers a table multiplier for the PEs (register_table_spec, paths relative to base_dir).
// Throws lop::format_error naming the line.
[[nodiscard]] std::vector<bundle_unit> parse_bundle_list(std::string_view text,
                                                         const std::filesystem::path& base_dir = {});

// The bundle top `top` instantiating the units in order. Throws lop::format_error when an
// operand does not fit the 64-bit x/y buses or the list is empty or `top` is not usable.
[[nodiscard]] design bundle(const std::string& top, const std::vector<bundle_unit>& units);

}  // namespace lop::hw
