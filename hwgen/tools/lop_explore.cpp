// lop-explore: the main job. A network, a data set and a sweep of arithmetic configurations;
// for each configuration its test accuracy (every MAC through the configuration's PEs) next to
// the hardware cost of those PEs: Yosys area (CMOS transistor estimate, iCE40 LUT4), the
// synthesized netlist co-simulated on operands recorded from the network against
// lop::pe_model, and energy per MAC from that simulation's switching activity. docs/explore.md.
//
//   lop-explore [--sweep FILE] [--network FILE] [--data DIR] [--out DIR] [--test-samples N]
//               [--calibration N] [--calibration-method max_abs|percentile] [--percentile P]
//               [--cosim-images N] [--cosim-dots N] [--jobs N] [--shard I/N] [--no-synth] [--no-plot]
//   lop-explore merge --out DIR SHARD_DIR...
//
// Exit status: 0 success; 1 a tool failed (Yosys, gnuplot, I/O) or a co-simulation mismatched;
// 2 bad input (sweep, network, data).
#include <CLI/CLI.hpp>
#include <nlohmann/json.hpp>

#include <chrono>
#include <cmath>
#include <condition_variable>
#include <cstdint>
#include <deque>
#include <filesystem>
#include <fstream>
#include <future>
#include <iomanip>
#include <iostream>
#include <map>
#include <memory>
#include <mutex>
#include <sstream>
#include <string>
#include <thread>
#include <vector>

#include "lop/hw/gate_sim.hpp"
#include "lop/hw/generators.hpp"
#include "lop/hw/synth.hpp"
#include "lop/hw/temp_dir.hpp"
#include "lop/hw/verilog.hpp"
#include "lop/nn/dataset.hpp"
#include "lop/nn/network_io.hpp"
#include "lop/nn/quantized.hpp"
#include "tool_io.hpp"

namespace fs = std::filesystem;
using json = nlohmann::ordered_json;

namespace {

using lop::tools::exit_bad_input;
using lop::tools::exit_tool_failure;
using lop::tools::failure;
constexpr const char* tool = "lop-explore";

// One configuration: the float reference, or a PE per product layer (one text: every layer).
struct config {
  std::string name;
  bool reference = false;
  std::vector<std::string> layers;  // pe<...> texts; fixed fractions are set by calibration
};

// The built-in sweep's fixed-point PE: w-bit signed weights, unsigned inputs (fractions set by
// calibration), an acc-bit accumulator and an out-bit output.
std::string fixed_pe(int w, int acc, int out, const std::string& mul = "exact") {
  const std::string W = std::to_string(w);
  return "pe<a=fixed<" + W + ",0,signed,half_even,saturate>,b=fixed<" + W + ",0,unsigned,half_even,saturate>,acc=fixed<" +
         std::to_string(acc) + ",0,signed,floor,saturate>,out=fixed<" + std::to_string(out) +
         ",0,signed,half_even,saturate>,mul=" + mul + ">";
}

// The built-in sweep (docs/explore.md lists it).
std::vector<config> default_sweep() {

  return {
      {"fp32", true, {}},
      {"bf16", false, {"pe<a=bf16,b=bf16,acc=fp32,out=bf16>"}},
      {"fp16", false, {"pe<a=fp16,b=fp16,acc=fp32,out=fp16>"}},
      {"fp8_e4m3", false, {"pe<a=fp8_e4m3fn,b=fp8_e4m3fn,acc=fp32,out=fp16>"}},
      {"fp8_e5m2", false, {"pe<a=fp8_e5m2,b=fp8_e5m2,acc=fp32,out=fp16>"}},
      {"fixed16", false, {fixed_pe(16, 48, 24)}},
      {"fixed8", false, {fixed_pe(8, 32, 16)}},
      {"fixed6", false, {fixed_pe(6, 24, 12)}},
      {"fixed4", false, {fixed_pe(4, 20, 10)}},
      {"fixed8_truncated", false, {fixed_pe(8, 32, 16, "truncated<t=4,correction=constant>")}},
      {"fixed8_mitchell", false, {fixed_pe(8, 32, 16, "mitchell<correction=constant>")}},
      {"fixed8_drum", false, {fixed_pe(8, 32, 16, "drum<k=4>")}},
      {"mixed_8_4_8", false, {fixed_pe(8, 32, 16), fixed_pe(4, 20, 10), fixed_pe(8, 32, 16)}},
  };
}

// {"configs": [{"name": N, "pe": TEXT} | {"name": N, "layers": [TEXT, ...]} | {"name": N, "reference": true}]}
std::vector<config> read_sweep(const std::string& path) {
  std::ifstream in(path);
  if (!in) throw failure{exit_bad_input, "lop-explore: cannot open the sweep file '" + path + "'"};
  json j;
  try {
    j = json::parse(in);
  } catch (const json::exception& e) {
    throw failure{exit_bad_input, "lop-explore: " + path + " is not JSON: " + e.what()};
  }
  const auto bad = [&](const std::string& what) {
    throw failure{exit_bad_input, "lop-explore: " + path + ": " + what +
                                      R"( (expected {"configs": [{"name": "fixed8", "pe": "pe<...>"}, ...]}; docs/explore.md))"};
  };
  if (!j.is_object() || !j.contains("configs") || !j["configs"].is_array() || j["configs"].empty())
    bad("no non-empty \"configs\" array");
  std::vector<config> r;
  for (std::size_t i = 0; i < j["configs"].size(); ++i) {
    const json& c = j["configs"][i];
    const std::string at = "configs[" + std::to_string(i) + "]";
    if (!c.is_object() || !c.contains("name") || !c["name"].is_string() || c["name"].get<std::string>().empty())
      bad(at + " has no \"name\" string");
    config cf;
    cf.name = c["name"].get<std::string>();
    for (const config& seen : r)
      if (seen.name == cf.name) bad(at + ": the name \"" + cf.name + "\" is used twice");
    if (c.contains("reference") && c["reference"].is_boolean() && c["reference"].get<bool>()) {
      cf.reference = true;
    } else if (c.contains("pe") && c["pe"].is_string()) {
      cf.layers = {c["pe"].get<std::string>()};
    } else if (c.contains("layers") && c["layers"].is_array() && !c["layers"].empty()) {
      for (const json& l : c["layers"]) {
        if (!l.is_string()) bad(at + ": \"layers\" holds pe<...> strings");
        cf.layers.push_back(l.get<std::string>());
      }
    } else {
      bad(at + " (\"" + cf.name + "\") needs \"pe\", \"layers\" or \"reference\": true");
    }
    for (const std::string& t : cf.layers) {
      try {
        (void)lop::parse_pe_spec(t);
      } catch (const lop::format_error& e) {
        bad(at + " (\"" + cf.name + "\"): " + e.what());
      }
    }
    r.push_back(std::move(cf));
  }
  return r;
}

// FNV-1a: a stable 64-bit digest for cache keys.
std::uint64_t fnv1a(const std::string& s) {
  std::uint64_t h = 0xcbf29ce484222325ULL;
  for (unsigned char c : s) h = (h ^ c) * 0x100000001b3ULL;
  return h;
}
std::string hex64(std::uint64_t v) {
  std::ostringstream o;
  o << std::hex << std::setw(16) << std::setfill('0') << v;
  return o.str();
}

std::string read_file(const fs::path& p, const std::string& what) { return lop::tools::read_file(p, tool, what); }

// One PE's hardware: its Yosys area and its gate netlist (for co-simulation and energy).
struct pe_hardware {
  long transistors = -1;
  long lut4 = -1;
  std::shared_ptr<const lop::hw::gate_netlist> netlist;
};

pe_hardware synthesize_pe(const lop::pe_spec& s) {
  const lop::hw::design d = lop::hw::processing_element(s);
  lop::hw::temp_dir dir("lop-explore-");
  const std::vector<fs::path> files = lop::tools::write_into(dir.path(), lop::tools::files_of(d), tool);
  lop::hw::synth_options o;
  o.netlist_json = dir.path() / "netlist.json";
  const lop::hw::synth_report r = lop::hw::synthesize(files, d.top().name(), o);
  auto netlist = std::make_shared<const lop::hw::gate_netlist>(lop::hw::read_gate_netlist(
      read_file(o.netlist_json, "gate netlist"), d.top().name(), "Yosys netlist of " + d.top().name()));
  return {r.transistors, r.ice40_lut4, std::move(netlist)};
}

// Synthesizes PEs on `jobs` threads (each a Yosys process) while the caller computes
// accuracies; each distinct PE (by canonical text) once per run.
class synthesis_pool {
 public:
  explicit synthesis_pool(int jobs) {
    for (int i = 0; i < std::max(1, jobs); ++i) workers_.emplace_back([this] { work(); });
  }
  ~synthesis_pool() {
    {
      const std::lock_guard<std::mutex> lock(m_);
      stop_ = true;
    }
    cv_.notify_all();
    for (std::thread& t : workers_) t.join();
  }
  synthesis_pool(const synthesis_pool&) = delete;
  synthesis_pool& operator=(const synthesis_pool&) = delete;

  std::shared_future<pe_hardware> request(const lop::pe_spec& s) {
    const std::lock_guard<std::mutex> lock(m_);
    const std::string key = lop::to_string(s);
    if (const auto it = done_.find(key); it != done_.end()) return it->second;
    auto job = std::make_shared<std::packaged_task<pe_hardware()>>([s] { return synthesize_pe(s); });
    auto f = job->get_future().share();
    done_.emplace(key, f);
    queue_.push_back(std::move(job));
    cv_.notify_one();
    return f;
  }

 private:
  void work() {
    for (;;) {
      std::shared_ptr<std::packaged_task<pe_hardware()>> job;
      {
        std::unique_lock<std::mutex> lock(m_);
        cv_.wait(lock, [this] { return stop_ || !queue_.empty(); });
        if (stop_) return;
        job = std::move(queue_.front());
        queue_.pop_front();
      }
      (*job)();  // an exception goes into the future
    }
  }
  std::mutex m_;
  std::condition_variable cv_;
  bool stop_ = false;
  std::deque<std::shared_ptr<std::packaged_task<pe_hardware()>>> queue_;
  std::map<std::string, std::shared_future<pe_hardware>> done_;
  std::vector<std::thread> workers_;
};

// The hardware columns of one configuration: per product layer its PE's area, the netlist's
// co-simulation on operands recorded from the network, and load-weighted toggles per MAC;
// the configuration's energy is the layers' mean weighted by their MACs in the network.
json measure_hardware(const std::vector<lop::pe_spec>& specs, const std::vector<std::size_t>& product_layers,
                      synthesis_pool* pool, const lop::nn::network& net, const lop::nn::image_batch& cosim_images,
                      long dots) {
  long max_t = -1, max_l = -1;
  json layers = json::array();
  double toggles = 0, macs = 0;
  std::uint64_t checks = 0, mismatches = 0, cosim_macs = 0;
  std::string first_mismatch;
  const std::vector<lop::nn::layer_operands> ops =
      pool == nullptr ? std::vector<lop::nn::layer_operands>{} : lop::nn::record_operands(net, cosim_images, specs, dots);
  for (std::size_t i : product_layers) {
    json l = {{"layer", static_cast<long>(i)}, {"pe", lop::to_string(specs[i])}};
    if (pool == nullptr) {
      l["transistors"] = -1;
      l["ice40_lut4"] = -1;
      layers.push_back(l);
      continue;
    }
    pe_hardware hw;
    try {
      hw = pool->request(specs[i]).get();
    } catch (const std::exception& e) {
      throw failure{exit_tool_failure, "lop-explore: synthesis of " + lop::to_string(specs[i]) + " failed: " + e.what()};
    }
    max_t = std::max(max_t, hw.transistors);
    max_l = std::max(max_l, hw.lut4);
    const auto op = std::find_if(ops.begin(), ops.end(), [&](const lop::nn::layer_operands& o) { return o.layer == i; });
    if (op == ops.end()) throw failure{exit_tool_failure, "lop-explore: no operands recorded for layer " + std::to_string(i)};
    const lop::hw::pe_netlist_run run = lop::hw::simulate_pe(*hw.netlist, specs[i], op->a, op->b, op->depth);
    if (run.mismatches != 0 && first_mismatch.empty())
      first_mismatch = "layer " + std::to_string(i) + ", " + run.first_mismatch;
    checks += run.checks;
    mismatches += run.mismatches;
    cosim_macs += run.macs;
    toggles += run.weighted_toggles_per_mac() * static_cast<double>(op->network_macs);
    macs += static_cast<double>(op->network_macs);
    l["transistors"] = hw.transistors;
    l["ice40_lut4"] = hw.lut4;
    l["cells"] = static_cast<long>(hw.netlist->cells.size());
    l["flip_flops"] = static_cast<long>(hw.netlist->flops.size());
    l["cosim"] = {{"macs", run.macs}, {"checks", run.checks}, {"mismatches", run.mismatches}};
    l["toggles_per_mac"] = run.weighted_toggles_per_mac();
    l["macs_per_image"] = op->network_macs / cosim_images.dimension(0);
    layers.push_back(l);
  }
  json r;
  r["max_pe_transistors"] = max_t;
  r["max_pe_ice40_lut4"] = max_l;
  r["toggles_per_mac"] = macs > 0 ? toggles / macs : -1.0;
  r["cosim"] = {{"macs", cosim_macs}, {"checks", checks}, {"mismatches", mismatches}, {"bit_exact", pool != nullptr && mismatches == 0}};
  if (!first_mismatch.empty()) r["cosim"]["first_mismatch"] = first_mismatch;
  r["layers"] = layers;
  return r;
}

std::string fixed_digits(double v, int digits) {
  std::ostringstream o;
  o << std::fixed << std::setprecision(digits) << v;
  return o.str();
}
std::string fixed2(double v) { return fixed_digits(v, 2); }
std::string fixed3(double v) { return fixed_digits(v, 3); }

// Energy per MAC relative to the 8-bit fixed-point PE (-1: not measured).
double energy_rel(const json& meta, const json& r) {
  const double base = meta.value("baseline_toggles_per_mac", -1.0);
  const double t = r.value("toggles_per_mac", -1.0);
  return base > 0 && t > 0 ? t / base : -1.0;
}

// A string safe inside gnuplot's double quotes.
std::string gnuplot_text(std::string s) {
  for (char& c : s)
    if (c == '"' || c == '\\' || c == '\n') c = '\'';
  return s;
}

// The Pareto plots (accuracy vs. area and vs. energy per MAC) as SVG and PNG, with the data
// and the gnuplot script that drew them (re-run `gnuplot pareto.gp` in the output directory).
// A configuration is on a front if no other is at least as accurate and cheaper.
std::vector<std::pair<std::string, std::string>> pareto_plots(const json& meta, const std::vector<json>& results,
                                                              const std::string& gnuplot) {
  struct point {
    std::string name;
    double acc, area, energy;
  };
  std::vector<point> pts;
  for (const json& r : results)
    pts.push_back({r["name"].get<std::string>(), r["accuracy_pct"].get<double>(),
                   static_cast<double>(r["max_pe_transistors"].get<long>()), energy_rel(meta, r)});
  const auto front = [&](auto cost) {
    std::vector<const point*> ps;
    for (const point& p : pts)
      if (cost(p) > 0) ps.push_back(&p);
    std::sort(ps.begin(), ps.end(), [&](const point* x, const point* y) {
      return cost(*x) != cost(*y) ? cost(*x) < cost(*y) : x->acc > y->acc;
    });
    std::ostringstream o;
    double best = -1;
    for (const point* p : ps)
      if (p->acc > best) {
        best = p->acc;
        o << cost(*p) << " " << p->acc << "\n";
      }
    return o.str();
  };
  std::ostringstream dat;
  dat << "# name accuracy_pct max_pe_transistors energy_per_mac_rel\n";
  for (const point& p : pts) dat << '"' << gnuplot_text(p.name) << "\" " << p.acc << " " << p.area << " " << p.energy << "\n";
  const std::string title = "lop-explore: " + gnuplot_text(fs::path(meta["network"].get<std::string>()).filename().string()) +
                            ", " + std::to_string(meta["test_samples"].get<long>()) + " test images";
  std::ostringstream gp;
  gp << "# gnuplot script written by lop-explore: accuracy vs. PE area and vs. energy per MAC.\n"
     << "# Data: pareto.dat (name, accuracy %, largest PE's transistors, energy per MAC rel. to fixed8);\n"
     << "# fronts: pareto_area.dat, pareto_energy.dat. Re-run: gnuplot pareto.gp\n"
     << "set encoding utf8\n"
     << "do for [t in \"svg pngcairo\"] {\n"
     << "  if (t eq \"svg\") { set terminal svg size 1400,720 dynamic noenhanced font \"sans,12\" background rgb \"white\"; "
        "set output \"pareto.svg\" } else { set terminal pngcairo size 1400,720 noenhanced font \"sans,10\" background rgb \"white\"; "
        "set output \"pareto.png\" }\n"
     << "  set multiplot layout 1,2 title \"" << title << "\"\n"
     << "  set grid lc rgb \"#dddddd\"\n  set key bottom right\n  set offsets graph 0.02, graph 0.2, graph 0.06, graph 0.06\n  set logscale x\n  set ylabel \"test accuracy (%)\"\n"
     << "  set xlabel \"largest PE (CMOS transistors, Yosys estimate)\"\n"
     << "  plot \"pareto_area.dat\" using 1:2 with steps lw 2 lc rgb \"#cc6677\" title \"Pareto front\", \\\n"
     << "       \"pareto.dat\" using 3:2 with points pt 7 ps 1.2 lc rgb \"#4477aa\" title \"configuration\", \\\n"
     << "       \"pareto.dat\" using 3:2:1 with labels left offset 0.6,0.5 font \",9\" notitle\n"
     << "  set xlabel \"energy per MAC (8-bit fixed-point PE = 1; load-weighted toggles)\"\n"
     << "  plot \"pareto_energy.dat\" using 1:2 with steps lw 2 lc rgb \"#cc6677\" title \"Pareto front\", \\\n"
     << "       \"pareto.dat\" using ($4 > 0 ? $4 : NaN):2 with points pt 7 ps 1.2 lc rgb \"#4477aa\" title \"configuration\", \\\n"
     << "       \"pareto.dat\" using ($4 > 0 ? $4 : NaN):2:1 with labels left offset 0.6,0.5 font \",9\" notitle\n"
     << "  unset multiplot\n  set output\n}\n";
  lop::hw::temp_dir dir("lop-explore-plot-");
  std::vector<std::pair<std::string, std::string>> files{{"pareto.gp", gp.str()},
                                                         {"pareto.dat", dat.str()},
                                                         {"pareto_area.dat", front([](const point& p) { return p.area; })},
                                                         {"pareto_energy.dat", front([](const point& p) { return p.energy; })}};
  for (const auto& [name, text] : files) lop::tools::write_file(dir.path() / name, text, tool);
  int rc = 0;
  try {
    rc = lop::hw::run_process({gnuplot, "pareto.gp"}, dir.path(), dir.path() / "gnuplot.log",
                                      "install the Debian package gnuplot-nox (apt-get install gnuplot-nox), or pass "
                                      "--no-plot");
  } catch (const lop::hw::synth_error& e) {
    throw failure{exit_tool_failure, std::string("lop-explore: cannot draw the Pareto plots: ") + e.what()};
  }
  if (rc != 0 || !fs::exists(dir.path() / "pareto.svg") || !fs::exists(dir.path() / "pareto.png"))
    throw failure{exit_tool_failure, "lop-explore: gnuplot failed on the Pareto plots (exit code " + std::to_string(rc) +
                                         "):\n" + read_file(dir.path() / "gnuplot.log", "gnuplot's log")};
  for (const char* f : {"pareto.svg", "pareto.png"}) files.emplace_back(f, read_file(dir.path() / f, "plot"));
  return files;
}

// CSV, JSON, Markdown and the plots of the results (in sweep order), written into `out` all at
// once. `gnuplot` empty: no plots.
void write_outputs(const fs::path& out, const json& meta, const std::vector<json>& results, const std::string& gnuplot) {
  const bool costs = std::any_of(results.begin(), results.end(),
                                 [](const json& r) { return r["max_pe_transistors"].get<long>() > 0; });
  if (!gnuplot.empty() && !costs) std::cerr << "lop-explore: no PE was synthesized (--no-synth), so no Pareto plots\n";
  const bool plots = !gnuplot.empty() && costs;
  json all = meta;
  all["results"] = results;
  for (json& r : all["results"]) r["energy_per_mac_rel"] = energy_rel(meta, r);
  std::ostringstream csv;
  csv << "name,accuracy_pct,drop_pct,max_pe_transistors,max_pe_ice40_lut4,energy_per_mac_rel,cosim_macs,"
         "cosim_mismatches,pes\n";
  for (const json& r : all["results"]) {
    std::string pes;
    for (const json& l : r["layers"]) pes += (pes.empty() ? "" : " | ") + l["pe"].get<std::string>();
    csv << r["name"].get<std::string>() << "," << fixed2(r["accuracy_pct"].get<double>()) << ","
        << fixed2(r["drop_pct"].get<double>()) << "," << r["max_pe_transistors"].get<long>() << ","
        << r["max_pe_ice40_lut4"].get<long>() << "," << fixed3(r["energy_per_mac_rel"].get<double>()) << ","
        << r["cosim"]["macs"].get<long>() << "," << r["cosim"]["mismatches"].get<long>() << ",\"" << pes << "\"\n";
  }
  std::ostringstream md;
  md << "# lop-explore: " << meta["network"].get<std::string>() << "\n\n"
     << "Test accuracy on " << meta["test_samples"].get<long>() << " images (float reference "
     << fixed2(meta["float_accuracy_pct"].get<double>()) << " %), calibration: "
     << meta["calibration"]["method"].get<std::string>() << " over " << meta["calibration"]["images"].get<long>()
     << " training images. Area: the largest of the configuration's per-layer PEs ("
     << meta["yosys"].get<std::string>() << "). Energy per MAC: load-weighted toggles of the synthesized netlists "
     << "on operands recorded from the network, averaged over the layers by their MACs, relative to the 8-bit "
     << "fixed-point PE (docs/explore.md states the model). Co-simulation: every `out` and `acc` bit of each layer's "
     << "netlist against lop::pe_model on those operands. A configuration marked reference is the float path "
     << "(Eigen's float products); its hardware is the fp32 PE.\n\n";
  if (plots) md << "![accuracy vs. area and energy](pareto.svg)\n\n";
  md << "| configuration | accuracy | drop | PE transistors | PE iCE40 LUT4 | energy/MAC (fixed8 = 1) | co-simulation |\n"
     << "|---|---|---|---|---|---|---|\n";
  for (const json& r : all["results"]) {
    const json& c = r["cosim"];
    const std::string cosim = c["macs"].get<long>() == 0 ? std::string("not run")
                              : c["mismatches"].get<long>() == 0
                                  ? "bit-exact (" + std::to_string(c["macs"].get<long>()) + " MACs)"
                                  : "**" + std::to_string(c["mismatches"].get<long>()) + " mismatches**";
    md << "| " << r["name"].get<std::string>() << (r.value("reference", false) ? " (reference)" : "") << " | "
       << fixed2(r["accuracy_pct"].get<double>()) << " % | " << fixed2(r["drop_pct"].get<double>()) << " | "
       << r["max_pe_transistors"].get<long>() << " | " << r["max_pe_ice40_lut4"].get<long>() << " | "
       << fixed3(r["energy_per_mac_rel"].get<double>()) << " | " << cosim << " |\n";
  }
  md << "\nPer layer:\n\n| configuration | layer | PE | transistors | LUT4 | toggles/MAC | MACs/image |\n"
     << "|---|---|---|---|---|---|---|\n";
  for (const json& r : results)
    for (const json& l : r["layers"])
      md << "| " << r["name"].get<std::string>() << " | " << l["layer"].get<long>() << " | `" << l["pe"].get<std::string>()
         << "` | " << l["transistors"].get<long>() << " | " << l["ice40_lut4"].get<long>() << " | "
         << fixed2(l.value("toggles_per_mac", -1.0)) << " | " << l.value("macs_per_image", -1L) << " |\n";
  std::vector<std::pair<fs::path, std::string>> files{
      {out / "results.json", all.dump(2) + "\n"}, {out / "results.csv", csv.str()}, {out / "report.md", md.str()}};
  if (plots)
    for (auto& [name, text] : pareto_plots(meta, all["results"].get<std::vector<json>>(), gnuplot))
      files.emplace_back(out / name, std::move(text));
  fs::create_directories(out);
  lop::tools::write_atomically(files, tool);
}

}  // namespace

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
    return rc == 0 ? 0 : exit_bad_input;
  }

  try {
    if (merge->parsed()) {
      json meta;
      std::map<long, json> by_index;
      for (const std::string& d : merge_dirs) {
        const fs::path p = fs::path(d) / "results.json";
        if (!fs::exists(p)) throw failure{exit_bad_input, "lop-explore merge: " + p.string() + " is missing"};
        json j;
        try {
          j = json::parse(read_file(p, "shard results"));
        } catch (const json::exception& e) {
          throw failure{exit_bad_input, "lop-explore merge: " + p.string() + ": " + e.what()};
        }
        if (meta.is_null()) {
          meta = j;
          meta.erase("results");
          meta.erase("shard");
        } else if (j["sweep_digest"] != meta["sweep_digest"] || j["network_digest"] != meta["network_digest"]) {
          throw failure{exit_bad_input, "lop-explore merge: " + p.string() + " comes from another sweep or network"};
        }
        for (const json& r : j["results"]) by_index[r["index"].get<long>()] = r;
      }
      std::vector<json> results;
      for (auto& [i, r] : by_index) results.push_back(r);
      if (static_cast<long>(results.size()) != meta["configs"].get<long>())
        std::cerr << "lop-explore merge: " << results.size() << " of " << meta["configs"].get<long>()
                  << " configurations present\n";
      write_outputs(out_dir, meta, results, no_plot ? std::string() : gnuplot);
      std::cout << "merged " << results.size() << " results into " << out_dir << "\n";
      return 0;
    }

    long shard_i = 0;
    long shard_n = 1;
    if (!shard.empty()) {
      const auto slash = shard.find('/');
      try {
        shard_i = std::stol(shard.substr(0, slash));
        shard_n = std::stol(shard.substr(slash + 1));
      } catch (const std::exception&) {
        shard_n = 0;
      }
      if (slash == std::string::npos || shard_n < 1 || shard_i < 0 || shard_i >= shard_n)
        throw failure{exit_bad_input, "lop-explore: --shard '" + shard + "' is not I/N with 0 <= I < N"};
    }
    const std::vector<config> sweep = sweep_file.empty() ? default_sweep() : read_sweep(sweep_file);
    std::string sweep_text;
    for (const config& c : sweep) {
      sweep_text += c.name + (c.reference ? " reference" : "");
      for (const std::string& l : c.layers) sweep_text += " " + l;
      sweep_text += "\n";
    }

    lop::nn::network net;
    lop::nn::dataset train, test;
    try {
      net = lop::nn::read_network(network_file);
      test = lop::nn::load_fashion_mnist(lop::nn::split::test, data_dir);
      train = lop::nn::load_fashion_mnist(lop::nn::split::train, data_dir);
    } catch (const lop::nn::data_error& e) {
      throw failure{exit_bad_input, std::string("lop-explore: ") + e.what()};
    }
    if (test_samples > 0 && test_samples < test.size()) {
      test.images = lop::nn::image_batch(lop::nn::slice(test.images, 0, test_samples));
      test.labels.resize(static_cast<std::size_t>(test_samples));
    }
    calibration_images = std::max(1L, std::min(calibration_images, train.size()));
    const auto calib_method =
        method == "percentile" ? lop::nn::calibration_method::percentile : lop::nn::calibration_method::max_abs;
    const auto ranges =
        lop::nn::calibrate(net, lop::nn::slice(train.images, 0, calibration_images), calib_method, percentile);
    const std::string network_digest = hex64(fnv1a(read_file(network_file, "network file")));
    const std::string yosys = no_synth ? "not run" : lop::hw::yosys_version();
    const std::string setup = network_digest + " " + std::to_string(test.size()) + " " + method + " " +
                              std::to_string(percentile) + " " + std::to_string(calibration_images) + " " + yosys +
                              " " + std::string(lop::hw::generator_version()) + " cosim " +
                              std::to_string(cosim_images) + " " + std::to_string(cosim_dots);

    std::cerr << "lop-explore: " << sweep.size() << " configurations"
              << (shard_n > 1 ? " (shard " + shard + ")" : std::string()) << ", " << test.size()
              << " test images, network " << network_file << "\n";
    const auto t_float = std::chrono::steady_clock::now();
    const double float_acc = lop::nn::accuracy(net, test);
    std::cerr << "  float reference: " << fixed2(100 * float_acc) << " % ("
              << fixed2(std::chrono::duration<double>(std::chrono::steady_clock::now() - t_float).count()) << " s)\n";

    std::vector<std::size_t> product_layers;
    for (std::size_t i = 0; i < net.layers.size(); ++i)
      if (std::holds_alternative<lop::nn::conv2d>(net.layers[i]) || std::holds_alternative<lop::nn::dense>(net.layers[i]))
        product_layers.push_back(i);
    // A configuration's calibrated PE per layer (the reference: fp32 PEs).
    const auto specs_of = [&](const config& c) {
      if (c.reference) return std::vector<lop::pe_spec>(net.layers.size(), lop::parse_pe_spec("pe<a=fp32,b=fp32,acc=fp32,out=fp32>"));
      std::vector<lop::nn::layer_precision> per;
      for (const std::string& l : c.layers) per.push_back({lop::parse_pe_spec(l), 0});
      if (per.size() != 1 && per.size() != product_layers.size())
        throw failure{exit_bad_input, "lop-explore: configuration " + c.name + " gives " + std::to_string(per.size()) +
                                          " layers; the network has " + std::to_string(product_layers.size()) +
                                          " layers with products (give one pe for all, or one per layer)"};
      try {
        return lop::nn::layer_specs(net, ranges, per);
      } catch (const lop::nn::data_error& e) {
        throw failure{exit_bad_input, "lop-explore: configuration " + c.name + ": " + e.what()};
      }
    };
    const fs::path cache_dir = fs::path(out_dir) / "cache";
    fs::create_directories(cache_dir);
    const auto cache_file = [&](const config& c) {
      std::string key_text = setup + "\n" + c.name + (c.reference ? " reference" : "");
      for (const std::string& l : c.layers) key_text += "\n" + l;
      return cache_dir / (hex64(fnv1a(key_text)) + ".json");
    };
    std::unique_ptr<synthesis_pool> pool = no_synth ? nullptr : std::make_unique<synthesis_pool>(jobs);
    const lop::nn::image_batch cosim_batch =
        lop::nn::image_batch(lop::nn::slice(test.images, 0, std::min(cosim_images, test.size())));

    // Energy is relative to the 8-bit fixed-point PE of the built-in sweep (measured once,
    // cached like a configuration); its PEs are synthesized first.
    const config baseline{"energy baseline: fixed8", false, {fixed_pe(8, 32, 16)}};
    const std::vector<lop::pe_spec> baseline_specs = specs_of(baseline);
    if (pool)
      for (std::size_t i : product_layers) (void)pool->request(baseline_specs[i]);
    double baseline_toggles = -1;
    const auto measure_baseline = [&] {
      if (!pool || baseline_toggles > 0) return;
      const fs::path cached = cache_file(baseline);
      if (fs::exists(cached)) {
        baseline_toggles = json::parse(read_file(cached, "cached result"))["toggles_per_mac"].get<double>();
        return;
      }
      const json hw = measure_hardware(baseline_specs, product_layers, pool.get(), net, cosim_batch, cosim_dots);
      baseline_toggles = hw["toggles_per_mac"].get<double>();
      lop::tools::write_atomically({{cached, hw.dump(2) + "\n"}}, tool);
    };

    // This shard's configurations: cached results, and PEs to synthesize for the rest (all
    // requested now, in sweep order, so synthesis runs beside the accuracy passes).
    std::map<long, json> by_index;
    std::vector<std::pair<std::size_t, std::vector<lop::pe_spec>>> todo;
    for (std::size_t ci = static_cast<std::size_t>(shard_i); ci < sweep.size(); ci += static_cast<std::size_t>(shard_n)) {
      const fs::path cached = cache_file(sweep[ci]);
      if (fs::exists(cached)) {
        json r = json::parse(read_file(cached, "cached result"));
        r["index"] = static_cast<long>(ci);
        std::cerr << "  " << sweep[ci].name << ": cached, " << fixed2(r["accuracy_pct"].get<double>()) << " %\n";
        by_index[static_cast<long>(ci)] = r;
        continue;
      }
      todo.emplace_back(ci, specs_of(sweep[ci]));
      if (pool)
        for (std::size_t i : product_layers) (void)pool->request(todo.back().second[i]);
    }
    long done = 0;
    for (const auto& [ci, specs] : todo) {
      const config& c = sweep[ci];
      const auto t0 = std::chrono::steady_clock::now();
      double acc = float_acc;  // the reference: Eigen's float products
      if (!c.reference) {
        lop::nn::pe_arithmetic arith(specs);
        acc = lop::nn::accuracy(net, test, arith);
      }
      const double t_acc = std::chrono::duration<double>(std::chrono::steady_clock::now() - t0).count();
      measure_baseline();
      json r = measure_hardware(specs, product_layers, pool.get(), net, cosim_batch, cosim_dots);
      r["index"] = static_cast<long>(ci);
      r["name"] = c.name;
      if (c.reference) r["reference"] = true;
      r["accuracy_pct"] = 100 * acc;
      r["drop_pct"] = 100 * (float_acc - acc);
      const double t_all = std::chrono::duration<double>(std::chrono::steady_clock::now() - t0).count();
      r["seconds"] = {{"accuracy", t_acc}, {"hardware_wait", t_all - t_acc}};
      lop::tools::write_atomically({{cache_file(c), r.dump(2) + "\n"}}, tool);
      std::cerr << "  [" << ++done << "/" << todo.size() << "] " << c.name << ": " << fixed2(100 * acc) << " % ("
                << fixed2(t_acc) << " s)";
      if (pool)
        std::cerr << ", largest PE " << r["max_pe_transistors"].get<long>() << " transistors / "
                  << r["max_pe_ice40_lut4"].get<long>() << " LUT4, energy/MAC "
                  << fixed3(r["toggles_per_mac"].get<double>() / baseline_toggles) << " x fixed8, netlist "
                  << (r["cosim"]["mismatches"].get<long>() == 0 ? "bit-exact on " : "MISMATCHED on ")
                  << r["cosim"]["macs"].get<long>() << " recorded MACs (" << fixed2(t_all - t_acc) << " s)";
      std::cerr << "\n";
      by_index[static_cast<long>(ci)] = std::move(r);
    }
    if (todo.empty()) measure_baseline();
    pool.reset();

    std::vector<json> results;
    std::string mismatched;
    for (auto& [i, r] : by_index) {
      if (r["cosim"]["mismatches"].get<long>() != 0)
        mismatched += "\n  " + r["name"].get<std::string>() + ": " + r["cosim"].value("first_mismatch", std::string());
      results.push_back(std::move(r));
    }
    json meta;
    meta["tool"] = "lop-explore " + std::string(lop::hw::generator_version());
    meta["network"] = network_file;
    meta["network_digest"] = network_digest;
    meta["sweep_digest"] = hex64(fnv1a(sweep_text));
    meta["configs"] = static_cast<long>(sweep.size());
    if (shard_n > 1) meta["shard"] = shard;
    meta["test_samples"] = test.size();
    meta["float_accuracy_pct"] = 100 * float_acc;
    meta["calibration"] = {{"method", method}, {"percentile", percentile}, {"images", calibration_images}};
    meta["cosim"] = {{"images", cosim_batch.dimension(0)}, {"dots_per_layer", cosim_dots}};
    meta["baseline_toggles_per_mac"] = baseline_toggles;
    meta["baseline_pe"] = baseline.layers.front();
    meta["yosys"] = yosys;
    write_outputs(out_dir, meta, results, no_plot || no_synth ? std::string() : gnuplot);
    for (const char* f : {"results.csv", "results.json", "report.md"}) std::cout << (fs::path(out_dir) / f).string() << "\n";
    if (!no_plot && !no_synth)
      for (const char* f : {"pareto.svg", "pareto.png"}) std::cout << (fs::path(out_dir) / f).string() << "\n";
    if (!mismatched.empty())
      throw failure{exit_tool_failure, "lop-explore: co-simulation found netlists that differ from lop::pe_model "
                                       "(results written; please report this as a bug):" + mismatched};
    return 0;
  } catch (const failure& f) {
    std::cerr << f.message << "\n";
    return f.code;
  } catch (const lop::format_error& e) {
    std::cerr << "lop-explore: " << e.what() << "\n";
    return exit_bad_input;
  } catch (const std::exception& e) {
    std::cerr << "lop-explore: " << e.what() << "\n";
    return exit_tool_failure;
  }
}
