// lop-explore: the main job. A network, a data set and a sweep of arithmetic configurations;
// for each configuration its test accuracy (every MAC through the configuration's PEs) next to
// the hardware cost of those PEs: Yosys area (CMOS transistor estimate, iCE40 LUT4), the
// synthesized netlist co-simulated on operands recorded from the network against
// lop::pe_model, and energy per MAC from that simulation's switching activity. docs/explore.md.
// The work is lop::explore's (hwgen/include/lop/explore/); this is its command line.
//
//   lop-explore [--sweep FILE] [--network FILE] [--data DIR] [--out DIR] [--test-samples N]
//               [--calibration N] [--calibration-method max_abs|percentile] [--percentile P]
//               [--cosim-images N] [--cosim-dots N] [--jobs N] [--shard I/N] [--no-synth] [--no-plot]
//   lop-explore merge --out DIR SHARD_DIR...
//
// Exit status: 0 success; 1 a tool failed (Yosys, gnuplot, I/O) or a co-simulation mismatched;
// 2 bad input (sweep, network, data).
#include <CLI/CLI.hpp>

#include <iostream>
#include <string>
#include <thread>
#include <vector>

#include "lop/explore/run.hpp"
#include "lop/nn/dataset.hpp"

int main(int argc, char** argv) {
  CLI::App app{"lop-explore: a network's accuracy under many arithmetic configurations, next to the hardware "
               "cost of their PEs (docs/explore.md). Exit status: 0 ok, 1 tool or I/O failure, 2 bad input."};
  std::string sweep_file;
  std::string network_file = LOP_EXPLORE_DEFAULT_NETWORK;
  std::string data_dir = lop::nn::fashion_mnist_dir.string();
  std::string out_dir = "lop-explore-out";
  long test_samples = 0;
  long calibration_images = 1000;
  std::string method = "max_abs";
  double percentile = 99.99;
  std::string shard;
  bool no_synth = false;
  bool no_plot = false;
  long cosim_images = 8;
  long cosim_dots = 256;
  int jobs = static_cast<int>(std::max(1U, std::thread::hardware_concurrency()));
  std::string gnuplot = "gnuplot";
  app.add_option("--sweep", sweep_file, "sweep file (JSON; default: the built-in sweep)")->type_name("FILE");
  app.add_option("--network", network_file, "network file (lop-network text; default: the built-in Fashion-MNIST CNN)")
      ->type_name("FILE");
  app.add_option("--data", data_dir, "directory of Fashion-MNIST's IDX files")->type_name("DIR");
  app.add_option("-o,--out", out_dir, "directory for results.csv, results.json, report.md and the cache")->type_name("DIR");
  app.add_option("--test-samples", test_samples, "evaluate the first N test images only (default: all)")->type_name("N");
  app.add_option("--calibration", calibration_images, "calibration images (the first N training images)")->type_name("N");
  app.add_option("--calibration-method", method, "max_abs or percentile")->check(CLI::IsMember({"max_abs", "percentile"}));
  app.add_option("--percentile", percentile, "percentile of |x| for --calibration-method percentile")->type_name("P");
  app.add_option("--shard", shard, "run configurations i, i+n, i+2n, ... only (0 <= i < n); combine with merge")
      ->type_name("I/N");
  app.add_option("--cosim-images", cosim_images, "test images whose layer operands are recorded (first N)")
      ->type_name("N")
      ->check(CLI::Range(1L, 10000L));
  app.add_option("--cosim-dots", cosim_dots, "dot products recorded per layer for co-simulation and energy")
      ->type_name("N")
      ->check(CLI::Range(1L, 1000000L));
  app.add_option("-j,--jobs", jobs, "parallel syntheses (default: the number of cores)")->type_name("N")->check(CLI::Range(1, 256));
  app.add_option("--gnuplot", gnuplot, "gnuplot executable for the Pareto plots")->type_name("PATH");
  app.add_flag("--no-synth", no_synth, "skip synthesis, co-simulation and energy (their columns are -1)");
  app.add_flag("--no-plot", no_plot, "do not draw the Pareto plots (pareto.svg, pareto.png)");
  CLI::App* merge = app.add_subcommand("merge", "combine the results of shard runs into --out");
  std::vector<std::string> merge_dirs;
  merge->add_option("dirs", merge_dirs, "the shards' output directories")->required();
  merge->fallthrough();  // -o/--out after `merge`
  try {
    app.parse(argc, argv);
  } catch (const CLI::ParseError& e) {
    const int rc = app.exit(e);
    return rc == 0 ? 0 : lop::explore::exit_bad_input;
  }

  try {
    if (merge->parsed()) {
      const std::size_t n = lop::explore::merge(merge_dirs, out_dir, no_plot ? std::string() : gnuplot);
      std::cout << "merged " << n << " results into " << out_dir << "\n";
      return 0;
    }
    lop::explore::options o;
    o.sweep_file = sweep_file;
    o.network_file = network_file;
    o.data_dir = data_dir;
    o.out_dir = out_dir;
    o.test_samples = test_samples;
    o.calibration_images = calibration_images;
    o.calibration = method == "percentile" ? lop::nn::calibration_method::percentile : lop::nn::calibration_method::max_abs;
    o.percentile = percentile;
    if (!shard.empty()) lop::explore::parse_shard(shard, o);
    o.synthesize = !no_synth;
    o.gnuplot = no_plot ? std::string() : gnuplot;
    o.cosim_images = cosim_images;
    o.cosim_dots = cosim_dots;
    o.jobs = jobs;
    const lop::explore::run_result r = lop::explore::run(o);
    for (const auto& f : r.files) std::cout << f.string() << "\n";
    if (!r.mismatched.empty())
      throw lop::explore::error{lop::explore::exit_tool_failure,
                                "lop-explore: co-simulation found netlists that differ from lop::pe_model "
                                "(results written; please report this as a bug):" + r.mismatched};
    return 0;
  } catch (const lop::explore::error& f) {
    std::cerr << f.message << "\n";
    return f.code;
  } catch (const lop::format_error& e) {
    std::cerr << "lop-explore: " << e.what() << "\n";
    return lop::explore::exit_bad_input;
  } catch (const std::exception& e) {
    std::cerr << "lop-explore: " << e.what() << "\n";
    return lop::explore::exit_tool_failure;
  }
}
