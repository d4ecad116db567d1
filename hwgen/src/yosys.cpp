// Yosys driver (see lop/hw/synth.hpp and docs/synthesis.md).
#include "lop/hw/synth.hpp"
#include "lop/hw/temp_dir.hpp"

#include <fcntl.h>
#include <spawn.h>
#include <sys/stat.h>
#include <sys/types.h>
#include <sys/wait.h>
#include <unistd.h>

#include <algorithm>
#include <cerrno>
#include <cstdlib>
#include <cstring>
#include <fstream>
#include <nlohmann/json.hpp>
#include <optional>
#include <set>
#include <sstream>
#include <system_error>

extern char** environ;

namespace lop::hw {
namespace {

namespace fs = std::filesystem;

constexpr std::size_t log_tail_lines = 25;

std::string read_file(const fs::path& p) {
  std::ifstream in(p, std::ios::binary);
  std::ostringstream s;
  s << in.rdbuf();
  return s.str();
}

void write_file(const fs::path& p, const std::string& text) {
  std::ofstream out(p, std::ios::binary | std::ios::trunc);
  out << text;
  out.close();
  if (!out) throw synth_error("lop::hw::synthesize: cannot write " + p.string());
}

std::vector<std::string> split_lines(const std::string& text) {
  std::vector<std::string> lines;
  std::istringstream in(text);
  for (std::string line; std::getline(in, line);) {
    if (!line.empty() && line.back() == '\r') line.pop_back();
    lines.push_back(line);
  }
  return lines;
}

// The last non-empty lines of a log, indented, for error messages.
std::string log_tail(const fs::path& log) {
  std::vector<std::string> lines = split_lines(read_file(log));
  std::erase_if(lines, [](const std::string& l) { return l.find_first_not_of(" \t") == std::string::npos; });
  const std::size_t first = lines.size() > log_tail_lines ? lines.size() - log_tail_lines : 0;
  std::string out;
  for (std::size_t i = first; i < lines.size(); ++i) out += "  | " + lines[i] + "\n";
  return out.empty() ? "  | (empty log)\n" : out;
}

std::string quote_arg(const std::string& a) {
  if (!a.empty() && a.find_first_of(" \t\n'\"\\$;&|<>()*?#~`") == std::string::npos) return a;
  std::string q = "'";
  for (char c : a) q += c == '\'' ? std::string("'\\''") : std::string(1, c);
  return q + "'";
}

std::string command_line(const std::vector<std::string>& argv) {
  std::string s;
  for (const auto& a : argv) s += (s.empty() ? "" : " ") + quote_arg(a);
  return s;
}

// Runs argv (argv[0] looked up in PATH when it has no '/') without a shell, in `cwd`, with
// stdin from /dev/null and stdout+stderr into `output`. Returns the exit status.
int run_process(const std::vector<std::string>& argv, const fs::path& cwd, const fs::path& output) {
  std::vector<char*> args;
  for (const auto& a : argv) args.push_back(const_cast<char*>(a.c_str()));
  args.push_back(nullptr);

  posix_spawn_file_actions_t actions;
  if (posix_spawn_file_actions_init(&actions) != 0) throw synth_error("lop::hw::synthesize: posix_spawn_file_actions_init failed");
  struct guard {
    posix_spawn_file_actions_t* a;
    ~guard() { posix_spawn_file_actions_destroy(a); }
  } g{&actions};
  const std::string out = fs::absolute(output).string();
  int rc = posix_spawn_file_actions_addopen(&actions, 0, "/dev/null", O_RDONLY, 0);
  if (rc == 0) rc = posix_spawn_file_actions_addopen(&actions, 1, out.c_str(), O_WRONLY | O_CREAT | O_TRUNC, 0644);
  if (rc == 0) rc = posix_spawn_file_actions_adddup2(&actions, 1, 2);
  const std::string dir = cwd.string();
  if (rc == 0 && !dir.empty()) rc = posix_spawn_file_actions_addchdir_np(&actions, dir.c_str());
  if (rc != 0) throw synth_error("lop::hw::synthesize: cannot prepare to run " + command_line(argv) + ": " + std::strerror(rc));

  pid_t pid = 0;
  rc = posix_spawnp(&pid, args[0], &actions, nullptr, args.data(), environ);
  if (rc == ENOENT)
    throw synth_error("lop::hw::synthesize: the Yosys executable '" + argv[0] +
                      "' was not found (command: " + command_line(argv) +
                      "); install the Debian package yosys (apt-get install yosys) or set "
                      "synth_options::yosys to its path");
  if (rc != 0) throw synth_error("lop::hw::synthesize: cannot run " + command_line(argv) + ": " + std::strerror(rc));

  int status = 0;
  while (waitpid(pid, &status, 0) < 0) {
    if (errno != EINTR) throw synth_error("lop::hw::synthesize: waitpid failed for " + command_line(argv) + ": " + std::strerror(errno));
  }
  if (WIFEXITED(status)) return WEXITSTATUS(status);
  if (WIFSIGNALED(status)) return 128 + WTERMSIG(status);
  return -1;
}

// Creates a temporary directory in `slot` (removed when the slot is destroyed); a failure is
// a synth_error like every other failure of the driver.
const fs::path& make_temp_dir(std::optional<temp_dir>& slot) {
  try {
    slot.emplace("lop-synth-");
  } catch (const std::system_error& e) {
    throw synth_error(std::string("lop::hw::synthesize: ") + e.what());
  }
  return slot->path();
}

bool is_identifier(const std::string& s) {
  if (s.empty()) return false;
  const auto alpha = [](char c) { return (c >= 'a' && c <= 'z') || (c >= 'A' && c <= 'Z') || c == '_'; };
  if (!alpha(s[0])) return false;
  return std::all_of(s.begin(), s.end(), [&](char c) { return alpha(c) || (c >= '0' && c <= '9') || c == '$'; });
}

// Markers written into the log so that a failure can be attributed to a rule.
constexpr const char* mark_check = "lop-synth: step check";
constexpr const char* mark_latch = "lop-synth: step latch-check";
constexpr const char* mark_legalize = "lop-synth: step dff-legalize";
constexpr const char* mark_ice40 = "lop-synth: step ice40";

std::string make_script(const std::string& top, bool ice40, bool area) {
  std::string s;
  s += "# Generated by lop::hw::synthesize (docs/synthesis.md). Sources are read from the command line.\n";
  s += "hierarchy -check -top " + top + "\n";
  if (ice40) s += "design -save lop_rtl\n";
  s += "synth -flatten " + std::string(area ? "" : "-noabc ") + "-top " + top + "\n";
  s += std::string("log ") + mark_check + "\n";
  s += "check -assert\n";
  s += std::string("log ") + mark_latch + "\n";
  s += "select -assert-none t:$_DLATCH_* t:$_DLATCHSR_* t:$_SR_* t:$dlatch t:$adlatch t:$dlatchsr t:$sr\n";
  if (!area) {  // the rules only: synthesizable, `check` clean, no latches
    s += "tee -q -o stat_cmos.json stat -json\n";
    return s;
  }
  s += std::string("log ") + mark_legalize + "\n";
  // Yosys 0.23 has CMOS costs only for plain $_DFF_P_/$_DFF_N_: turn enables and synchronous
  // resets into gates, then re-optimize the logic around them.
  s += "dfflegalize -cell $_DFF_P_ 01 -cell $_DFF_N_ 01\n";
  s += "abc\n";
  s += "opt_clean\n";
  s += "tee -q -o stat_cmos.json stat -json -tech cmos\n";
  if (ice40) {
    s += std::string("log ") + mark_ice40 + "\n";
    s += "design -load lop_rtl\n";
    s += "synth_ice40 -top " + top + "\n";
    s += "tee -q -o stat_ice40.json stat -json\n";
  }
  return s;
}

const nlohmann::json& design_stats(const nlohmann::json& stat, const std::string& what) {
  if (stat.contains("design")) return stat.at("design");
  if (stat.contains("modules") && stat.at("modules").size() == 1) return stat.at("modules").begin().value();
  throw synth_error("lop::hw::synthesize: unexpected Yosys stat JSON for the " + what + " flow (no 'design' section)");
}

bool is_flip_flop(const std::string& type) {
  for (const char* p : {"$_DFF", "$_SDFF", "$_ALDFF", "$_DFFSR", "$dff", "$sdff", "$adff", "$aldff", "$dffsr", "$dffe", "$sdffe", "$sdffce", "$adffe", "$aldffe", "$dffsre"})
    if (type.rfind(p, 0) == 0) return true;
  return false;
}

}  // namespace

std::string yosys_version(const std::string& yosys) {
  std::optional<temp_dir> dir;
  const std::vector<std::string> argv{yosys, "-V"};
  const fs::path out = make_temp_dir(dir) / "version.txt";
  const int rc = run_process(argv, {}, out);
  std::vector<std::string> lines = split_lines(read_file(out));
  std::erase_if(lines, [](const std::string& l) { return l.empty(); });
  if (rc != 0 || lines.empty())
    throw synth_error("lop::hw::synthesize: '" + command_line(argv) + "' failed (exit code " +
                      std::to_string(rc) + "); output:\n" + log_tail(out));
  return lines.front();
}

synth_report synthesize(const std::vector<fs::path>& verilog_files, const std::string& top,
                        const synth_options& options) {
  if (verilog_files.empty()) throw synth_error("lop::hw::synthesize: no Verilog files given");
  if (!is_identifier(top))
    throw synth_error("lop::hw::synthesize: top module name '" + top +
                      "' is not a plain Verilog identifier ([A-Za-z_][A-Za-z0-9_$]*)");
  std::vector<std::string> files;
  for (const auto& f : verilog_files) {
    std::error_code ec;
    if (!fs::is_regular_file(f, ec))
      throw synth_error("lop::hw::synthesize: Verilog file '" + f.string() + "' does not exist or is not a regular file");
    files.push_back(fs::absolute(f).lexically_normal().string());
  }
  if (options.yosys.empty()) throw synth_error("lop::hw::synthesize: synth_options::yosys is empty");
  std::string yosys = options.yosys;
  if (yosys.find('/') != std::string::npos) yosys = fs::absolute(yosys).string();  // we chdir

  synth_report report;
  report.top = top;
  report.yosys_version = yosys_version(yosys);

  std::optional<temp_dir> tmp;
  fs::path dir = options.work_dir;
  if (dir.empty()) {
    dir = make_temp_dir(tmp);
  } else {
    std::error_code ec;
    fs::create_directories(dir, ec);
    if (ec) throw synth_error("lop::hw::synthesize: cannot create work directory '" + dir.string() + "': " + ec.message());
    dir = fs::absolute(dir);
    for (const char* f : {"stat_cmos.json", "stat_ice40.json"}) fs::remove(dir / f, ec);
  }

  const std::string where = options.work_dir.empty() ? std::string() : "\n  work directory: " + dir.string();
  write_file(dir / "synth.ys", make_script(top, options.ice40 && options.area, options.area));
  // -q -l: Yosys writes (and flushes) its full log itself; console output, which Yosys may lose
  // on a fatal error, only goes to yosys.out.
  std::vector<std::string> argv{yosys, "-q", "-l", "yosys.log", "-f", "verilog", "-s", "synth.ys"};
  argv.insert(argv.end(), files.begin(), files.end());
  fs::path log = dir / "yosys.log";
  {
    std::error_code ec;
    fs::remove(log, ec);
  }
  const int rc = run_process(argv, dir, dir / "yosys.out");
  std::string log_text = read_file(log);
  if (log_text.empty()) {
    log = dir / "yosys.out";
    log_text = read_file(log);
  }

  if (rc != 0) {
    std::string why = "Yosys failed";
    const auto after = [&](const char* mark) { return log_text.find(mark) != std::string::npos; };
    if (after(mark_ice40)) why = "the iCE40 flow (synth_ice40) failed";
    else if (after(mark_legalize)) why = "flip-flop legalization failed (asynchronous set/reset flip-flops are not supported; use a synchronous reset)";
    else if (after(mark_latch)) why = "the design contains latches (an always @* block does not assign every output on every path)";
    else if (after(mark_check)) why = "`check -assert` found problems (undriven or multiply driven signals, logic loops)";
    throw synth_error("lop::hw::synthesize: " + why + " for top '" + top + "' (yosys exit code " +
                      std::to_string(rc) + ")\n  command: " + command_line(argv) + where +
                      "\n  last lines of " + log.filename().string() + ":\n" + log_tail(log));
  }

  std::set<std::string> seen;
  for (const auto& line : split_lines(log_text)) {
    // Yosys' own warnings: "Warning: ..." or "file.v:12: Warning: ..." (not ABC's chatter).
    const bool warning = line.rfind("Warning:", 0) == 0 ||
                         (line.find(": Warning: ") != std::string::npos && line.rfind("ABC:", 0) != 0);
    if (warning && seen.insert(line).second) report.warnings.push_back(line);
  }

  try {
    const auto cmos_json = nlohmann::json::parse(read_file(dir / "stat_cmos.json"));
    const auto& cmos = design_stats(cmos_json, "generic");
    report.cells = cmos.at("num_cells").get<long>();
    for (const auto& [type, n] : cmos.at("num_cells_by_type").items()) {
      report.cell_types[type] = n.get<long>();
      if (is_flip_flop(type)) report.flip_flops += n.get<long>();
    }
    if (!options.area) return report;
    const auto& tr = cmos.at("estimated_num_transistors");
    const std::string tstr = tr.is_string() ? tr.get<std::string>() : std::to_string(tr.get<long>());
    if (tstr.empty() || tstr.find_first_not_of("0123456789") != std::string::npos) {
      std::string types;
      for (const auto& [type, n] : report.cell_types) types += " " + type + "=" + std::to_string(n);
      throw synth_error("lop::hw::synthesize: Yosys' `stat -tech cmos` has no transistor cost for some cells of '" +
                        top + "' (estimate '" + tstr + "'); cell types:" + types + where);
    }
    report.transistors = std::stol(tstr);
    if (options.ice40) {
      const auto ice_json = nlohmann::json::parse(read_file(dir / "stat_ice40.json"));
      const auto& ice = design_stats(ice_json, "iCE40");
      report.ice40_cells = ice.at("num_cells").get<long>();
      const auto& by_type = ice.at("num_cells_by_type");
      report.ice40_lut4 = by_type.contains("SB_LUT4") ? by_type.at("SB_LUT4").get<long>() : 0;
    }
  } catch (const nlohmann::json::exception& e) {
    throw synth_error("lop::hw::synthesize: cannot read Yosys' statistics for '" + top + "': " + e.what() +
                      "\n  command: " + command_line(argv) + where +
                      "\n  last lines of " + log.filename().string() + ":\n" + log_tail(log));
  }
  return report;
}

std::string to_json(const synth_report& r) {
  nlohmann::ordered_json j;
  j["top"] = r.top;
  j["yosys_version"] = r.yosys_version;
  j["transistors"] = r.transistors;
  j["cells"] = r.cells;
  j["flip_flops"] = r.flip_flops;
  j["ice40_lut4"] = r.ice40_lut4;
  j["ice40_cells"] = r.ice40_cells;
  j["cell_types"] = nlohmann::ordered_json::object();
  for (const auto& [type, n] : r.cell_types) j["cell_types"][type] = n;  // std::map: sorted
  j["warnings"] = r.warnings;
  return j.dump(2) + "\n";
}

synth_report report_from_json(const std::string& text) {
  try {
    const auto j = nlohmann::json::parse(text);
    synth_report r;
    r.top = j.at("top").get<std::string>();
    r.yosys_version = j.at("yosys_version").get<std::string>();
    r.transistors = j.at("transistors").get<long>();
    r.cells = j.at("cells").get<long>();
    r.flip_flops = j.at("flip_flops").get<long>();
    r.ice40_lut4 = j.at("ice40_lut4").get<long>();
    r.ice40_cells = j.at("ice40_cells").get<long>();
    for (const auto& [type, n] : j.at("cell_types").items()) r.cell_types[type] = n.get<long>();
    if (j.contains("warnings")) r.warnings = j.at("warnings").get<std::vector<std::string>>();
    return r;
  } catch (const nlohmann::json::exception& e) {
    throw synth_error(std::string("lop::hw::report_from_json: malformed synthesis report: ") + e.what());
  }
}

}  // namespace lop::hw
