// lop::explore: the hardware columns of a configuration. Each layer's PE is generated and
// synthesized by Yosys (area), its gate netlist is co-simulated on operands recorded from the
// network against lop::pe_model, and that simulation's switching activity gives energy per MAC.
#pragma once
#include <condition_variable>
#include <deque>
#include <future>
#include <map>
#include <memory>
#include <mutex>
#include <string>
#include <thread>
#include <vector>

#include "lop/explore/configuration.hpp"
#include "lop/hw/gate_sim.hpp"

namespace lop::explore {

// One PE's hardware: its Yosys area and its gate netlist (for co-simulation and energy).
struct pe_hardware {
  long transistors = -1;
  long lut4 = -1;
  std::shared_ptr<const lop::hw::gate_netlist> netlist;
};

// Generates and synthesizes one PE (a Yosys process). Throws lop::hw::synth_error.
[[nodiscard]] pe_hardware synthesize_pe(const pe_spec& s);

// Synthesizes PEs on `jobs` threads (each a Yosys process) while the caller computes
// accuracies; each distinct PE (by canonical text) once per pool.
class synthesis_pool {
 public:
  explicit synthesis_pool(int jobs);
  ~synthesis_pool();
  synthesis_pool(const synthesis_pool&) = delete;
  synthesis_pool& operator=(const synthesis_pool&) = delete;

  [[nodiscard]] std::shared_future<pe_hardware> request(const pe_spec& s);

 private:
  void work();
  std::mutex m_;
  std::condition_variable cv_;
  bool stop_ = false;
  std::deque<std::shared_ptr<std::packaged_task<pe_hardware()>>> queue_;
  std::map<std::string, std::shared_future<pe_hardware>> done_;
  std::vector<std::thread> workers_;
};

// The hardware columns of one configuration: per product layer its PE's area, the netlist's
// co-simulation on `dots` dot products recorded from `cosim_images`, and load-weighted toggles
// per MAC; the configuration's figure is the layers' mean weighted by their MACs in the
// network. pool == nullptr: nothing measured (columns -1).
[[nodiscard]] json measure_hardware(const std::vector<pe_spec>& specs, const std::vector<std::size_t>& product_layers,
                                    synthesis_pool* pool, const lop::nn::network& net,
                                    const lop::nn::image_batch& cosim_images, long dots);

}  // namespace lop::explore
