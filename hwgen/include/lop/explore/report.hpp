// lop::explore: the reports of a run — results.json (meta + results), results.csv, report.md
// and the Pareto plots (accuracy vs. the largest PE's area and vs. energy per MAC), written
// all at once so that no half-written output is left behind.
#pragma once
#include <filesystem>
#include <string>
#include <vector>

#include "lop/explore/configuration.hpp"

namespace lop::explore {

// v with `digits` digits after the point (the reports' number format).
[[nodiscard]] std::string fixed_digits(double v, int digits);

// Energy per MAC relative to the 8-bit fixed-point baseline (meta's baseline_toggles_per_mac);
// -1 when either was not measured.
[[nodiscard]] double energy_rel(const json& meta, const json& result);

// Writes results (in sweep order) into `out`; `gnuplot` empty: no plots. Returns the paths.
std::vector<std::filesystem::path> write_outputs(const std::filesystem::path& out, const json& meta,
                                                 const std::vector<json>& results, const std::string& gnuplot);

}  // namespace lop::explore
