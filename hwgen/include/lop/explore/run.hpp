// lop::explore: a network's accuracy under a sweep of arithmetic configurations next to the
// hardware cost of their PEs, written as results.csv, results.json, report.md and Pareto
// plots (docs/explore.md). The lop-explore CLI is a thin shell over run() and merge().
#pragma once
#include <filesystem>
#include <string>
#include <vector>

#include "lop/explore/configuration.hpp"

namespace lop::explore {

struct options {
  std::string sweep_file;    // empty: the built-in sweep
  std::string network_file;  // lop-network text or .npy files (lop::nn::read_network)
  std::string data_dir;      // Fashion-MNIST's IDX files
  std::string out_dir = "lop-explore-out";
  long test_samples = 0;  // 0: all test images
  long calibration_images = 1000;
  lop::nn::calibration_method calibration = lop::nn::calibration_method::max_abs;
  double percentile = 99.99;
  long shard_index = 0;  // run configurations i, i+n, ... (i = shard_index, n = shard_count)
  long shard_count = 1;
  bool synthesize = true;  // false: no synthesis, co-simulation or energy (columns -1)
  std::string gnuplot = "gnuplot";  // empty: no plots
  long cosim_images = 8;
  long cosim_dots = 256;
  int jobs = 1;  // parallel syntheses
};

// "I/N" into shard_index/shard_count; throws error{exit_bad_input, ...}.
void parse_shard(const std::string& text, options& o);

// What a run wrote.
struct run_result {
  std::vector<std::filesystem::path> files;  // results.csv, results.json, report.md[, plots]
  std::string mismatched;  // configurations whose netlists differed from lop::pe_model (empty: none)
};

// Runs the sweep (its configurations of this shard) and writes every output at once. Progress
// goes to std::cerr. Throws error (bad input: exit_bad_input; a tool: exit_tool_failure).
run_result run(const options& o);

// Combines shard runs' results.json files into out_dir's outputs; returns how many results.
std::size_t merge(const std::vector<std::string>& shard_dirs, const std::string& out_dir, const std::string& gnuplot);

}  // namespace lop::explore
