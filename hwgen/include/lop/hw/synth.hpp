// Yosys driver: synthesizes generated (or any Verilog-2005) designs and reports their size.
//
// Two flows run in one Yosys process (see docs/synthesis.md for the exact script):
//  - generic: `synth -flatten -top TOP`, `check -assert`, a latch check, flip-flops legalized
//    to plain $_DFF_P_ (enable / synchronous reset become gates), one more `abc` pass, then
//    `stat -tech cmos` -> cells, cell types, flip-flops and the estimated transistor count;
//  - iCE40 (optional): `synth_ice40 -top TOP` -> SB_LUT4 count and total iCE40 cells.
// Yosys is spawned directly (no shell), from a script file, with its log in the work directory.
#pragma once

#include <filesystem>
#include <map>
#include <stdexcept>
#include <string>
#include <vector>

namespace lop::hw {

struct synth_options {
  std::string yosys = "yosys";          // executable name (looked up in PATH) or path
  bool ice40 = true;                    // also run the iCE40 flow
  bool area = true;                     // false: only `synth -noabc`, `check -assert` and the
                                        // latch check (fast; cells counted, no transistors/iCE40)
  std::filesystem::path work_dir = {};  // kept (script, log, stat JSON); a removed temp dir if empty
  std::filesystem::path netlist_json = {};  // if set (and area): the generic flow's gate netlist,
                                            // Yosys JSON (read_gate_netlist, lop/hw/gate_sim.hpp)
};

struct synth_report {
  std::string top;
  long cells = 0;        // generic gate-level cells after FF legalization (flops included)
  long transistors = 0;  // Yosys `stat -tech cmos` estimate (flops at 16 transistors each)
  long ice40_lut4 = 0;   // SB_LUT4 cells of the iCE40 flow (0 when the flow is off)
  long ice40_cells = 0;  // all iCE40 cells (LUTs, carries, flops, ...; 0 when the flow is off)
  long flip_flops = 0;   // flip-flop bits of the generic netlist
  std::string yosys_version;                // e.g. "Yosys 0.23 (git sha1 7ce5011c24b)"
  std::map<std::string, long> cell_types;  // generic cell type -> count
  std::vector<std::string> warnings;       // Yosys "Warning:" lines, in order, deduplicated
};

// Thrown when Yosys is missing, fails, or the design violates the synthesis rules (latches,
// `check` problems, cells without a transistor cost). The message names the tool, the command
// and ends with the tail of Yosys' log.
class synth_error : public std::runtime_error {
 public:
  using std::runtime_error::runtime_error;
};

// Synthesizes the given Verilog-2005 files with `top` as top module. `top` must be a plain
// Verilog identifier. Deterministic: the same inputs and Yosys version give the same report.
[[nodiscard]] synth_report synthesize(const std::vector<std::filesystem::path>& verilog_files,
                                      const std::string& top, const synth_options& options = {});

// The Yosys version line (`yosys -V`), e.g. "Yosys 0.23 (git sha1 7ce5011c24b)".
[[nodiscard]] std::string yosys_version(const std::string& yosys = "yosys");

// JSON with a stable key order: top, yosys_version, transistors, cells, flip_flops,
// ice40_lut4, ice40_cells, cell_types (sorted), warnings.
[[nodiscard]] std::string to_json(const synth_report& report);
// Inverse of to_json; throws synth_error on malformed input.
[[nodiscard]] synth_report report_from_json(const std::string& json);

// Runs argv without a shell (argv[0] looked up in PATH when it has no '/'), in `cwd` (current
// directory if empty), stdin from /dev/null, stdout and stderr into `output`; returns the exit
// status (128 + signal if killed). A missing executable throws synth_error ending in `missing`
// (what to install). The Yosys driver and lop-explore's plots use it.
int run_process(const std::vector<std::string>& argv, const std::filesystem::path& cwd,
                const std::filesystem::path& output, const std::string& missing);

}  // namespace lop::hw
