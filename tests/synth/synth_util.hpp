// Helpers shared by the synthesis tests of generated designs (fixed-point and float units).
#pragma once
#include <catch2/catch.hpp>

#include <filesystem>
#include <fstream>
#include <string>
#include <vector>

#include "lop/hw/generators.hpp"
#include "lop/hw/synth.hpp"
#include "lop/hw/temp_dir.hpp"

namespace lop_synth_test {

// Writes one file per module (the project's convention) and synthesizes the design's top.
inline lop::hw::synth_report synth_design(const lop::hw::design& d, bool ice40 = false) {
  lop::hw::temp_dir s("lop-synth-gen-");
  std::vector<std::filesystem::path> files;
  for (const auto& m : d.modules) {
    const std::filesystem::path p = s.path() / (m.name() + ".v");
    std::ofstream(p) << m.emit();
    files.push_back(p);
  }
  lop::hw::synth_options o;
  o.ice40 = ice40;
  return lop::hw::synthesize(files, d.top().name(), o);
}

// No latch, no warning, every cell costed; after legalization the only sequential cells are
// plain flops, and flip_flops counts them.
inline void check_clean(const lop::hw::synth_report& r) {
  INFO(lop::hw::to_json(r));
  CHECK(r.warnings.empty());
  CHECK(r.transistors > 0);
  for (const auto& [type, n] : r.cell_types) {
    INFO(type);
    CHECK(type.find("LATCH") == std::string::npos);
    // After legalization the only sequential cells are plain flops.
    if (type.rfind("$_DFF", 0) == 0 || type.rfind("$_SDFF", 0) == 0) CHECK((type == "$_DFF_P_" || type == "$_DFF_N_"));
  }
  const auto it = r.cell_types.find("$_DFF_P_");
  CHECK(r.flip_flops == (it == r.cell_types.end() ? 0 : it->second));
}

}  // namespace lop_synth_test
