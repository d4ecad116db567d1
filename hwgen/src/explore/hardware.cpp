// The hardware columns of lop::explore: synthesis, netlist co-simulation and energy.
#include "lop/explore/hardware.hpp"

#include <algorithm>

#include "lop/hw/generators.hpp"
#include "lop/hw/synth.hpp"
#include "lop/hw/temp_dir.hpp"
#include "lop/hw/tool_io.hpp"

namespace lop::explore {

namespace fs = std::filesystem;

namespace {
constexpr const char* tool = "lop-explore";
std::string read_file(const fs::path& p, const std::string& what) { return lop::tools::read_file(p, tool, what); }
}  // namespace

pe_hardware synthesize_pe(const pe_spec& s) {
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

synthesis_pool::synthesis_pool(int jobs) {
  for (int i = 0; i < std::max(1, jobs); ++i) workers_.emplace_back([this] { work(); });
}

synthesis_pool::~synthesis_pool() {
  {
    const std::lock_guard<std::mutex> lock(m_);
    stop_ = true;
  }
  cv_.notify_all();
  for (std::thread& t : workers_) t.join();
}

std::shared_future<pe_hardware> synthesis_pool::request(const pe_spec& s) {
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

void synthesis_pool::work() {
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

// The hardware columns of one configuration: per product layer its PE's area, the netlist's
// co-simulation on operands recorded from the network, and load-weighted toggles per MAC;
// the configuration's energy is the layers' mean weighted by their MACs in the network.
json measure_hardware(const std::vector<pe_spec>& specs, const std::vector<std::size_t>& product_layers,
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
      throw error{exit_tool_failure, "lop-explore: synthesis of " + lop::to_string(specs[i]) + " failed: " + e.what()};
    }
    max_t = std::max(max_t, hw.transistors);
    max_l = std::max(max_l, hw.lut4);
    const auto op = std::find_if(ops.begin(), ops.end(), [&](const lop::nn::layer_operands& o) { return o.layer == i; });
    if (op == ops.end()) throw error{exit_tool_failure, "lop-explore: no operands recorded for layer " + std::to_string(i)};
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

}  // namespace lop::explore
