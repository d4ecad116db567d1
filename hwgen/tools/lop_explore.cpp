// lop-explore: the main job. A network, a data set and a sweep of arithmetic configurations;
// for each configuration its test accuracy (every MAC through the configuration's PEs) next to
// the hardware cost of those PEs (Yosys: CMOS transistor estimate, iCE40 LUT4). docs/explore.md.
//
//   lop-explore [--sweep FILE] [--network FILE] [--data DIR] [--out DIR] [--test-samples N]
//               [--calibration N] [--calibration-method max_abs|percentile] [--percentile P]
//               [--shard I/N] [--no-synth]
//   lop-explore merge --out DIR SHARD_DIR...
//
// Exit status: 0 success; 1 a tool failed (Yosys, I/O); 2 bad input (sweep, network, data).
#include <CLI/CLI.hpp>
#include <nlohmann/json.hpp>

#include <chrono>
#include <cmath>
#include <cstdint>
#include <filesystem>
#include <fstream>
#include <iomanip>
#include <iostream>
#include <map>
#include <sstream>
#include <string>
#include <vector>

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

// The built-in sweep (docs/explore.md lists it).
std::vector<config> default_sweep() {
  const auto fixed = [](int w, int acc, int out, const std::string& mul = "exact") {
    const std::string W = std::to_string(w);
    return "pe<a=fixed<" + W + ",0,signed,half_even,saturate>,b=fixed<" + W +
           ",0,unsigned,half_even,saturate>,acc=fixed<" + std::to_string(acc) +
           ",0,signed,floor,saturate>,out=fixed<" + std::to_string(out) + ",0,signed,half_even,saturate>,mul=" + mul + ">";
  };
  return {
      {"fp32", true, {}},
      {"bf16", false, {"pe<a=bf16,b=bf16,acc=fp32,out=bf16>"}},
      {"fp16", false, {"pe<a=fp16,b=fp16,acc=fp32,out=fp16>"}},
      {"fp8_e4m3", false, {"pe<a=fp8_e4m3fn,b=fp8_e4m3fn,acc=fp32,out=fp16>"}},
      {"fp8_e5m2", false, {"pe<a=fp8_e5m2,b=fp8_e5m2,acc=fp32,out=fp16>"}},
      {"fixed16", false, {fixed(16, 48, 24)}},
      {"fixed8", false, {fixed(8, 32, 16)}},
      {"fixed6", false, {fixed(6, 24, 12)}},
      {"fixed4", false, {fixed(4, 20, 10)}},
      {"fixed8_truncated", false, {fixed(8, 32, 16, "truncated<t=4,correction=constant>")}},
      {"fixed8_mitchell", false, {fixed(8, 32, 16, "mitchell<correction=constant>")}},
      {"fixed8_drum", false, {fixed(8, 32, 16, "drum<k=4>")}},
      {"mixed_8_4_8", false, {fixed(8, 32, 16), fixed(4, 20, 10), fixed(8, 32, 16)}},
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

// Synthesis of one PE, memoized by its canonical text.
struct area {
  long transistors = -1;
  long lut4 = -1;
};
area synthesize_pe(const lop::pe_spec& s, std::map<std::string, area>& memo) {
  const std::string key = lop::to_string(s);
  if (const auto it = memo.find(key); it != memo.end()) return it->second;
  const lop::hw::design d = lop::hw::processing_element(s);
  lop::hw::temp_dir dir("lop-explore-");
  const std::vector<fs::path> files = lop::tools::write_into(dir.path(), lop::tools::files_of(d), tool);
  try {
    const lop::hw::synth_report r = lop::hw::synthesize(files, d.top().name());
    return memo[key] = {r.transistors, r.ice40_lut4};
  } catch (const lop::hw::synth_error& e) {
    throw failure{exit_tool_failure, std::string("lop-explore: synthesis of ") + key + " failed: " + e.what()};
  }
}

std::string fixed2(double v) {
  std::ostringstream o;
  o << std::fixed << std::setprecision(2) << v;
  return o.str();
}

// CSV, JSON and Markdown of the results (in sweep order), written into `out`.
void write_outputs(const fs::path& out, const json& meta, const std::vector<json>& results) {
  json all = meta;
  all["results"] = results;
  std::ostringstream csv;
  csv << "name,accuracy_pct,drop_pct,max_pe_transistors,max_pe_ice40_lut4,pes\n";
  for (const json& r : results) {
    std::string pes;
    for (const json& l : r["layers"]) pes += (pes.empty() ? "" : " | ") + l["pe"].get<std::string>();
    csv << r["name"].get<std::string>() << "," << fixed2(r["accuracy_pct"].get<double>()) << ","
        << fixed2(r["drop_pct"].get<double>()) << "," << r["max_pe_transistors"].get<long>() << ","
        << r["max_pe_ice40_lut4"].get<long>() << ",\"" << pes << "\"\n";
  }
  std::ostringstream md;
  md << "# lop-explore: " << meta["network"].get<std::string>() << "\n\n"
     << "Test accuracy on " << meta["test_samples"].get<long>() << " images (float reference "
     << fixed2(meta["float_accuracy_pct"].get<double>()) << " %), calibration: "
     << meta["calibration"]["method"].get<std::string>() << " over " << meta["calibration"]["images"].get<long>()
     << " training images. Area: the largest of the configuration's per-layer PEs ("
     << meta["yosys"].get<std::string>() << "). A configuration marked reference is the float path (Eigen's float "
     << "products); its area is the fp32 PE's.\n\n"
     << "| configuration | accuracy | drop | PE transistors | PE iCE40 LUT4 |\n|---|---|---|---|---|\n";
  for (const json& r : results)
    md << "| " << r["name"].get<std::string>() << (r.value("reference", false) ? " (reference)" : "") << " | "
       << fixed2(r["accuracy_pct"].get<double>()) << " % | "
       << fixed2(r["drop_pct"].get<double>()) << " | " << r["max_pe_transistors"].get<long>() << " | "
       << r["max_pe_ice40_lut4"].get<long>() << " |\n";
  md << "\nPer layer:\n\n| configuration | layer | PE | transistors | LUT4 |\n|---|---|---|---|---|\n";
  for (const json& r : results)
    for (const json& l : r["layers"])
      md << "| " << r["name"].get<std::string>() << " | " << l["layer"].get<long>() << " | `" << l["pe"].get<std::string>()
         << "` | " << l["transistors"].get<long>() << " | " << l["ice40_lut4"].get<long>() << " |\n";
  fs::create_directories(out);
  lop::tools::write_atomically(
      {{out / "results.json", all.dump(2) + "\n"}, {out / "results.csv", csv.str()}, {out / "report.md", md.str()}}, tool);
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
  app.add_flag("--no-synth", no_synth, "skip synthesis (area columns are -1)");
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
      write_outputs(out_dir, meta, results);
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
                              " " + std::string(lop::hw::generator_version());

    std::cerr << "lop-explore: " << sweep.size() << " configurations"
              << (shard_n > 1 ? " (shard " + shard + ")" : std::string()) << ", " << test.size()
              << " test images, network " << network_file << "\n";
    const auto t_float = std::chrono::steady_clock::now();
    const double float_acc = lop::nn::accuracy(net, test);
    std::cerr << "  float reference: " << fixed2(100 * float_acc) << " % ("
              << fixed2(std::chrono::duration<double>(std::chrono::steady_clock::now() - t_float).count()) << " s)\n";

    const fs::path cache_dir = fs::path(out_dir) / "cache";
    fs::create_directories(cache_dir);
    std::map<std::string, area> memo;
    std::vector<json> results;
    long done = 0;
    const long mine = (static_cast<long>(sweep.size()) - shard_i + shard_n - 1) / shard_n;
    for (std::size_t ci = static_cast<std::size_t>(shard_i); ci < sweep.size(); ci += static_cast<std::size_t>(shard_n)) {
      const config& c = sweep[ci];
      ++done;
      std::string key_text = setup + "\n" + c.name + (c.reference ? " reference" : "");
      for (const std::string& l : c.layers) key_text += "\n" + l;
      const fs::path cached = cache_dir / (hex64(fnv1a(key_text)) + ".json");
      if (fs::exists(cached)) {
        json r = json::parse(read_file(cached, "cached result"));
        r["index"] = static_cast<long>(ci);
        results.push_back(r);
        std::cerr << "  [" << done << "/" << mine << "] " << c.name << ": cached, " << fixed2(r["accuracy_pct"].get<double>())
                  << " %\n";
        continue;
      }
      const auto t0 = std::chrono::steady_clock::now();
      json r;
      r["index"] = static_cast<long>(ci);
      r["name"] = c.name;
      if (c.reference) r["reference"] = true;
      double acc = float_acc;
      std::vector<lop::pe_spec> specs;
      std::vector<std::size_t> product_layers;
      for (std::size_t i = 0; i < net.layers.size(); ++i)
        if (std::holds_alternative<lop::nn::conv2d>(net.layers[i]) || std::holds_alternative<lop::nn::dense>(net.layers[i]))
          product_layers.push_back(i);
      if (c.reference) {
        // The float reference (Eigen's float products); the hardware is an fp32 PE.
        const lop::pe_spec fp32 = lop::parse_pe_spec("pe<a=fp32,b=fp32,acc=fp32,out=fp32>");
        specs.assign(net.layers.size(), fp32);
      } else {
        std::vector<lop::nn::layer_precision> per;
        for (const std::string& l : c.layers) per.push_back({lop::parse_pe_spec(l), 0});
        if (per.size() != 1 && per.size() != product_layers.size())
          throw failure{exit_bad_input, "lop-explore: configuration " + c.name + " gives " + std::to_string(per.size()) +
                                            " layers; the network has " + std::to_string(product_layers.size()) +
                                            " layers with products (give one pe for all, or one per layer)"};
        try {
          specs = lop::nn::layer_specs(net, ranges, per);
        } catch (const lop::nn::data_error& e) {
          throw failure{exit_bad_input, "lop-explore: configuration " + c.name + ": " + e.what()};
        }
        lop::nn::pe_arithmetic arith(specs);
        acc = lop::nn::accuracy(net, test, arith);
      }
      const double t_acc = std::chrono::duration<double>(std::chrono::steady_clock::now() - t0).count();
      r["accuracy_pct"] = 100 * acc;
      r["drop_pct"] = 100 * (float_acc - acc);
      long max_t = -1, max_l = -1;
      json layers = json::array();
      for (std::size_t i : product_layers) {
        const area a = no_synth ? area{} : synthesize_pe(specs[i], memo);
        max_t = std::max(max_t, a.transistors);
        max_l = std::max(max_l, a.lut4);
        layers.push_back({{"layer", static_cast<long>(i)}, {"pe", lop::to_string(specs[i])}, {"transistors", a.transistors},
                          {"ice40_lut4", a.lut4}});
      }
      r["max_pe_transistors"] = max_t;
      r["max_pe_ice40_lut4"] = max_l;
      r["layers"] = layers;
      const double t_all = std::chrono::duration<double>(std::chrono::steady_clock::now() - t0).count();
      r["seconds"] = {{"accuracy", t_acc}, {"synthesis", t_all - t_acc}};
      lop::tools::write_atomically({{cached, r.dump(2) + "\n"}}, tool);
      results.push_back(r);
      std::cerr << "  [" << done << "/" << mine << "] " << c.name << ": " << fixed2(100 * acc) << " % (" << fixed2(t_acc)
                << " s), largest PE " << max_t << " transistors / " << max_l << " LUT4 (" << fixed2(t_all - t_acc)
                << " s)\n";
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
    meta["yosys"] = yosys;
    write_outputs(out_dir, meta, results);
    std::cout << (fs::path(out_dir) / "results.csv").string() << "\n"
              << (fs::path(out_dir) / "results.json").string() << "\n"
              << (fs::path(out_dir) / "report.md").string() << "\n";
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
