// What lop's command-line tools (lop-hwgen, lop-explore) share: exit codes, the failure they
// throw to main, and file I/O that never leaves a half-written output behind.
#pragma once
#include <filesystem>
#include <fstream>
#include <sstream>
#include <stdexcept>
#include <string>
#include <system_error>
#include <utility>
#include <vector>

#include "lop/hw/generators.hpp"

namespace lop::tools {

namespace fs = std::filesystem;

// Exit status: 0 success; 1 a tool failed (Yosys, Verilator, I/O); 2 bad input.
inline constexpr int exit_tool_failure = 1;
inline constexpr int exit_bad_input = 2;

// Thrown to main, which prints the message and exits with the code.
struct failure : std::runtime_error {
  int code;
  std::string message;
  failure(int c, const std::string& m) : std::runtime_error(m), code(c), message(m) {}
};

// The whole file; `what` names it in the error ("lop-hwgen: cannot read <what> '<path>'").
inline std::string read_file(const fs::path& p, const std::string& tool, const std::string& what) {
  std::ifstream in(p, std::ios::binary);
  if (!in) throw failure{exit_bad_input, tool + ": cannot read " + what + " '" + p.string() + "'"};
  std::ostringstream s;
  s << in.rdbuf();
  return s.str();
}

inline void write_file(const fs::path& p, const std::string& text, const std::string& tool) {
  std::ofstream out(p, std::ios::binary | std::ios::trunc);
  out << text;
  out.close();
  if (!out) throw failure{exit_tool_failure, tool + ": cannot write " + p.string()};
}

// Write all files under temporary names next to their targets, then rename them in place:
// either every file is written or none is.
inline void write_atomically(const std::vector<std::pair<fs::path, std::string>>& files, const std::string& tool) {
  std::vector<std::pair<fs::path, fs::path>> staged;
  try {
    for (const auto& [path, text] : files) {
      fs::path tmp = path;
      tmp += "." + tool + "-tmp";
      write_file(tmp, text, tool);
      staged.emplace_back(tmp, path);
    }
    for (const auto& [tmp, path] : staged) fs::rename(tmp, path);
  } catch (...) {
    std::error_code ec;
    for (const auto& [tmp, path] : staged) fs::remove(tmp, ec);
    throw;
  }
}

// A design's modules as (NAME.v, text), in the design's order (the top last).
using module_files = std::vector<std::pair<std::string, std::string>>;
inline module_files files_of(const lop::hw::design& d) {
  module_files r;
  for (const auto& m : d.modules) r.emplace_back(m.name() + ".v", m.emit());
  return r;
}

// The files written into dir; their paths, in order.
inline std::vector<fs::path> write_into(const fs::path& dir, const module_files& files, const std::string& tool) {
  std::vector<fs::path> paths;
  for (const auto& [name, text] : files) {
    paths.push_back(dir / name);
    write_file(paths.back(), text, tool);
  }
  return paths;
}

}  // namespace lop::tools
