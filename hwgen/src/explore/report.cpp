// The reports of lop::explore: CSV, JSON, Markdown and the Pareto plots.
#include "lop/explore/report.hpp"

#include <algorithm>
#include <iomanip>
#include <iostream>
#include <sstream>

#include "lop/hw/synth.hpp"
#include "lop/hw/temp_dir.hpp"
#include "lop/hw/tool_io.hpp"

namespace lop::explore {

namespace fs = std::filesystem;

std::string fixed_digits(double v, int digits) {
  std::ostringstream o;
  o << std::fixed << std::setprecision(digits) << v;
  return o.str();
}

double energy_rel(const json& meta, const json& r) {
  const double base = meta.value("baseline_toggles_per_mac", -1.0);
  const double t = r.value("toggles_per_mac", -1.0);
  return base > 0 && t > 0 ? t / base : -1.0;
}

namespace {

constexpr const char* tool = "lop-explore";
std::string read_file(const fs::path& p, const std::string& what) { return lop::tools::read_file(p, tool, what); }

std::string fixed2(double v) { return fixed_digits(v, 2); }
std::string fixed3(double v) { return fixed_digits(v, 3); }

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
    throw error{exit_tool_failure, std::string("lop-explore: cannot draw the Pareto plots: ") + e.what()};
  }
  if (rc != 0 || !fs::exists(dir.path() / "pareto.svg") || !fs::exists(dir.path() / "pareto.png"))
    throw error{exit_tool_failure, "lop-explore: gnuplot failed on the Pareto plots (exit code " + std::to_string(rc) +
                                         "):\n" + read_file(dir.path() / "gnuplot.log", "gnuplot's log")};
  for (const char* f : {"pareto.svg", "pareto.png"}) files.emplace_back(f, read_file(dir.path() / f, "plot"));
  return files;
}

}  // namespace

// CSV, JSON, Markdown and the plots of the results (in sweep order), written into `out` all at
// once. `gnuplot` empty: no plots.
std::vector<fs::path> write_outputs(const fs::path& out, const json& meta, const std::vector<json>& results,
                                   const std::string& gnuplot) {
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
  std::vector<fs::path> written;
  for (const char* f : {"results.csv", "results.json", "report.md"}) written.push_back(out / f);
  if (plots)
    for (const char* f : {"pareto.svg", "pareto.png"}) written.push_back(out / f);
  return written;
}

}  // namespace lop::explore
