// Pieces shared by the fixed-point and the float co-simulation bundles (generators.cpp,
// float_units.cpp): reading a unit list and checking and labelling the bundle's top module.
#pragma once
#include <cstddef>
#include <sstream>
#include <string>
#include <string_view>
#include <vector>

#include "lop/format.hpp"
#include "lop/hw/generators.hpp"

namespace lop::hw::bundle_util {

// Split at blanks outside <...>.
inline std::vector<std::string> split_fields(std::string_view line) {
  std::vector<std::string> out;
  std::string cur;
  int depth = 0;
  for (char c : line) {
    if (c == '<') ++depth;
    if (c == '>') --depth;
    if ((c == ' ' || c == '\t') && depth <= 0) {
      if (!cur.empty()) out.push_back(std::move(cur));
      cur.clear();
      continue;
    }
    cur += c;
  }
  if (!cur.empty()) out.push_back(std::move(cur));
  return out;
}

// Calls parse(fields) for every line of a unit list that is not blank or a # comment; a
// format_error it throws is re-thrown prefixed with "<what> line N: ". parse returns false to
// stop early.
template <class Parse>
void for_each_list_line(std::string_view text, std::string_view what, Parse&& parse) {
  std::istringstream in{std::string(text)};
  int lineno = 0;
  for (std::string line; std::getline(in, line);) {
    ++lineno;
    if (!line.empty() && line.back() == '\r') line.pop_back();
    const auto first = line.find_first_not_of(" \t");
    if (first == std::string::npos || line[first] == '#') continue;
    try {
      if (!parse(split_fields(line))) return;
    } catch (const format_error& e) {
      throw format_error(std::string(what) + " line " + std::to_string(lineno) + ": " + e.what());
    }
  }
}

// The bundle's top name must be a plain identifier that no unit module uses.
inline void check_bundle_top(const std::string& top, bool have_units) {
  if (!is_identifier(top) || top.find("unused") != std::string::npos)
    throw format_error("lop-hwgen: bundle top name '" + top +
                       "' is not a plain Verilog identifier ([A-Za-z_][A-Za-z0-9_]*, without 'unused')");
  if (!have_units) throw format_error("lop-hwgen: the bundle list has no units");
}
inline void check_top_unique(const design& d, const std::string& top) {
  for (const auto& m : d.modules)
    if (m.name() == top) throw format_error("lop-hwgen: bundle top name '" + top + "' collides with a unit module");
}

// Header lines "u<i> out[hi:lo]: <unit text>" after `first`, units packed from bit 0 up.
template <class Unit, class Width, class Text>
std::vector<std::string> bundle_header(std::string first, const std::vector<Unit>& units, Width width, Text text) {
  std::vector<std::string> header{std::move(first)};
  int off = 0;
  for (std::size_t i = 0; i < units.size(); ++i) {
    const int w = width(units[i]);
    header.push_back("u" + std::to_string(i) + " out[" + std::to_string(off + w - 1) + ":" + std::to_string(off) +
                     "]: " + text(units[i]));
    off += w;
  }
  return header;
}

}  // namespace lop::hw::bundle_util
