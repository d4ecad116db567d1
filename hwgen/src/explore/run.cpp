// lop::explore::run and merge: the sweep's configurations measured (cached results reused),
// the hardware synthesized beside the accuracy passes, and the reports written at once.
#include "lop/explore/run.hpp"

#include <chrono>
#include <cstdint>
#include <iomanip>
#include <iostream>
#include <map>
#include <sstream>

#include "lop/explore/hardware.hpp"
#include "lop/explore/report.hpp"
#include "lop/hw/generators.hpp"
#include "lop/hw/synth.hpp"
#include "lop/hw/tool_io.hpp"
#include "lop/nn/network_io.hpp"

namespace lop::explore {

namespace fs = std::filesystem;

namespace {

constexpr const char* tool = "lop-explore";
std::string read_file(const fs::path& p, const std::string& what) { return lop::tools::read_file(p, tool, what); }

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

double seconds_since(std::chrono::steady_clock::time_point t) {
  return std::chrono::duration<double>(std::chrono::steady_clock::now() - t).count();
}

std::string label(const configuration& c) { return c.name() + (c.reference() ? " reference" : ""); }

}  // namespace

void parse_shard(const std::string& text, options& o) {
  const auto slash = text.find('/');
  long i = 0, n = 0;
  try {
    i = std::stol(text.substr(0, slash));
    n = std::stol(text.substr(slash + 1));
  } catch (const std::exception&) {
    n = 0;
  }
  if (slash == std::string::npos || n < 1 || i < 0 || i >= n)
    throw error{exit_bad_input, "lop-explore: --shard '" + text + "' is not I/N with 0 <= I < N"};
  o.shard_index = i;
  o.shard_count = n;
}

run_result run(const options& o) {
  const sweep configs = o.sweep_file.empty() ? default_sweep() : read_sweep(o.sweep_file);
  std::string sweep_text;
  for (const configuration_ptr& c : configs) {
    sweep_text += label(*c);
    for (const std::string& l : c->descriptors()) sweep_text += " " + l;
    sweep_text += "\n";
  }

  lop::nn::network net;
  lop::nn::dataset train, test;
  try {
    net = lop::nn::read_network(o.network_file);
    test = lop::nn::load_fashion_mnist(lop::nn::split::test, o.data_dir);
    train = lop::nn::load_fashion_mnist(lop::nn::split::train, o.data_dir);
  } catch (const lop::nn::data_error& e) {
    throw error{exit_bad_input, std::string("lop-explore: ") + e.what()};
  }
  if (o.test_samples > 0 && o.test_samples < test.size()) {
    test.images = lop::nn::image_batch(lop::nn::slice(test.images, 0, o.test_samples));
    test.labels.resize(static_cast<std::size_t>(o.test_samples));
  }
  const long calibration_images = std::max(1L, std::min(o.calibration_images, train.size()));
  const std::string method = o.calibration == lop::nn::calibration_method::percentile ? "percentile" : "max_abs";
  const auto ranges =
      lop::nn::calibrate(net, lop::nn::slice(train.images, 0, calibration_images), o.calibration, o.percentile);
  const std::string network_digest = hex64(fnv1a(read_file(o.network_file, "network file")));
  const std::string yosys = o.synthesize ? lop::hw::yosys_version() : "not run";
  const std::string setup = network_digest + " " + std::to_string(test.size()) + " " + method + " " +
                            std::to_string(o.percentile) + " " + std::to_string(calibration_images) + " " + yosys +
                            " " + std::string(lop::hw::generator_version()) + " cosim " +
                            std::to_string(o.cosim_images) + " " + std::to_string(o.cosim_dots);
  const std::string shard = std::to_string(o.shard_index) + "/" + std::to_string(o.shard_count);

  std::cerr << "lop-explore: " << configs.size() << " configurations"
            << (o.shard_count > 1 ? " (shard " + shard + ")" : std::string()) << ", " << test.size()
            << " test images, network " << o.network_file << "\n";
  const auto t_float = std::chrono::steady_clock::now();
  context ctx;
  ctx.net = &net;
  ctx.test = &test;
  ctx.ranges = &ranges;
  ctx.float_accuracy = lop::nn::accuracy(net, test);
  std::cerr << "  float reference: " << fixed_digits(100 * ctx.float_accuracy, 2) << " % ("
            << fixed_digits(seconds_since(t_float), 2) << " s)\n";
  for (std::size_t i = 0; i < net.layers.size(); ++i)
    if (std::holds_alternative<lop::nn::conv2d>(net.layers[i]) || std::holds_alternative<lop::nn::dense>(net.layers[i]))
      ctx.product_layers.push_back(i);

  const fs::path cache_dir = fs::path(o.out_dir) / "cache";
  fs::create_directories(cache_dir);
  const auto cache_file = [&](const configuration& c) {
    std::string key_text = setup + "\n" + label(c);
    for (const std::string& l : c.descriptors()) key_text += "\n" + l;
    return cache_dir / (hex64(fnv1a(key_text)) + ".json");
  };
  std::unique_ptr<synthesis_pool> pool = o.synthesize ? std::make_unique<synthesis_pool>(o.jobs) : nullptr;
  const lop::nn::image_batch cosim_batch =
      lop::nn::image_batch(lop::nn::slice(test.images, 0, std::min(o.cosim_images, test.size())));

  // Energy is relative to the 8-bit fixed-point PE of the built-in sweep (measured once,
  // cached like a configuration); its PEs are synthesized first.
  const pe_configuration baseline("energy baseline: fixed8", {fixed_pe(8, 32, 16)});
  const std::vector<pe_spec> baseline_specs = baseline.layer_pes(ctx);
  if (pool)
    for (std::size_t i : ctx.product_layers) (void)pool->request(baseline_specs[i]);
  double baseline_toggles = -1;
  const auto measure_baseline = [&] {
    if (!pool || baseline_toggles > 0) return;
    const fs::path cached = cache_file(baseline);
    if (fs::exists(cached)) {
      baseline_toggles = json::parse(read_file(cached, "cached result"))["toggles_per_mac"].get<double>();
      return;
    }
    const json hw = measure_hardware(baseline_specs, ctx.product_layers, pool.get(), net, cosim_batch, o.cosim_dots);
    baseline_toggles = hw["toggles_per_mac"].get<double>();
    lop::tools::write_atomically({{cached, hw.dump(2) + "\n"}}, tool);
  };

  // This shard's configurations: cached results, and PEs to synthesize for the rest (all
  // requested now, in sweep order, so synthesis runs beside the accuracy passes).
  std::map<long, json> by_index;
  std::vector<std::pair<std::size_t, std::vector<pe_spec>>> todo;
  for (auto ci = static_cast<std::size_t>(o.shard_index); ci < configs.size(); ci += static_cast<std::size_t>(o.shard_count)) {
    const configuration& c = *configs[ci];
    const fs::path cached = cache_file(c);
    if (fs::exists(cached)) {
      json r = json::parse(read_file(cached, "cached result"));
      r["index"] = static_cast<long>(ci);
      std::cerr << "  " << c.name() << ": cached, " << fixed_digits(r["accuracy_pct"].get<double>(), 2) << " %\n";
      by_index[static_cast<long>(ci)] = r;
      continue;
    }
    todo.emplace_back(ci, c.layer_pes(ctx));
    if (pool)
      for (std::size_t i : ctx.product_layers) (void)pool->request(todo.back().second[i]);
  }
  long done = 0;
  for (const auto& [ci, specs] : todo) {
    const configuration& c = *configs[ci];
    const auto t0 = std::chrono::steady_clock::now();
    const double acc = c.accuracy(ctx, specs);
    const double t_acc = seconds_since(t0);
    measure_baseline();
    json r = measure_hardware(specs, ctx.product_layers, pool.get(), net, cosim_batch, o.cosim_dots);
    r["index"] = static_cast<long>(ci);
    r["name"] = c.name();
    if (c.reference()) r["reference"] = true;
    r["accuracy_pct"] = 100 * acc;
    r["drop_pct"] = 100 * (ctx.float_accuracy - acc);
    c.annotate(r);
    const double t_all = seconds_since(t0);
    r["seconds"] = {{"accuracy", t_acc}, {"hardware_wait", t_all - t_acc}};
    lop::tools::write_atomically({{cache_file(c), r.dump(2) + "\n"}}, tool);
    std::cerr << "  [" << ++done << "/" << todo.size() << "] " << c.name() << ": " << fixed_digits(100 * acc, 2)
              << " % (" << fixed_digits(t_acc, 2) << " s)";
    if (pool)
      std::cerr << ", largest PE " << r["max_pe_transistors"].get<long>() << " transistors / "
                << r["max_pe_ice40_lut4"].get<long>() << " LUT4, energy/MAC "
                << fixed_digits(r["toggles_per_mac"].get<double>() / baseline_toggles, 3) << " x fixed8, netlist "
                << (r["cosim"]["mismatches"].get<long>() == 0 ? "bit-exact on " : "MISMATCHED on ")
                << r["cosim"]["macs"].get<long>() << " recorded MACs (" << fixed_digits(t_all - t_acc, 2) << " s)";
    std::cerr << "\n";
    by_index[static_cast<long>(ci)] = std::move(r);
  }
  if (todo.empty()) measure_baseline();
  pool.reset();

  run_result result;
  std::vector<json> results;
  for (auto& [i, r] : by_index) {
    if (r["cosim"]["mismatches"].get<long>() != 0)
      result.mismatched += "\n  " + r["name"].get<std::string>() + ": " + r["cosim"].value("first_mismatch", std::string());
    results.push_back(std::move(r));
  }
  json meta;
  meta["tool"] = "lop-explore " + std::string(lop::hw::generator_version());
  meta["network"] = o.network_file;
  meta["network_digest"] = network_digest;
  meta["sweep_digest"] = hex64(fnv1a(sweep_text));
  meta["configs"] = static_cast<long>(configs.size());
  if (o.shard_count > 1) meta["shard"] = shard;
  meta["test_samples"] = test.size();
  meta["float_accuracy_pct"] = 100 * ctx.float_accuracy;
  meta["calibration"] = {{"method", method}, {"percentile", o.percentile}, {"images", calibration_images}};
  meta["cosim"] = {{"images", cosim_batch.dimension(0)}, {"dots_per_layer", o.cosim_dots}};
  meta["baseline_toggles_per_mac"] = baseline_toggles;
  meta["baseline_pe"] = baseline.descriptors().front();
  meta["yosys"] = yosys;
  result.files = write_outputs(o.out_dir, meta, results, o.synthesize ? o.gnuplot : std::string());
  return result;
}

std::size_t merge(const std::vector<std::string>& shard_dirs, const std::string& out_dir, const std::string& gnuplot) {
  json meta;
  std::map<long, json> by_index;
  for (const std::string& d : shard_dirs) {
    const fs::path p = fs::path(d) / "results.json";
    if (!fs::exists(p)) throw error{exit_bad_input, "lop-explore merge: " + p.string() + " is missing"};
    json j;
    try {
      j = json::parse(read_file(p, "shard results"));
    } catch (const json::exception& e) {
      throw error{exit_bad_input, "lop-explore merge: " + p.string() + ": " + e.what()};
    }
    if (meta.is_null()) {
      meta = j;
      meta.erase("results");
      meta.erase("shard");
    } else if (j["sweep_digest"] != meta["sweep_digest"] || j["network_digest"] != meta["network_digest"]) {
      throw error{exit_bad_input, "lop-explore merge: " + p.string() + " comes from another sweep or network"};
    }
    for (const json& r : j["results"]) by_index[r["index"].get<long>()] = r;
  }
  std::vector<json> results;
  for (auto& [i, r] : by_index) results.push_back(r);
  if (static_cast<long>(results.size()) != meta["configs"].get<long>())
    std::cerr << "lop-explore merge: " << results.size() << " of " << meta["configs"].get<long>()
              << " configurations present\n";
  (void)write_outputs(out_dir, meta, results, gnuplot);
  return results.size();
}

}  // namespace lop::explore
