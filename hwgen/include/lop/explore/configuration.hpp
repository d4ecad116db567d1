// lop::explore: what one configuration of a sweep is, and the kinds of configuration a sweep
// file can name. A kind knows how to read itself from a sweep entry, which PE each product
// layer runs on (for the hardware columns), how to measure its accuracy and which columns it
// adds to the reports; the exploration itself (run.hpp) treats every kind alike.
#pragma once
#include <nlohmann/json.hpp>

#include <functional>
#include <map>
#include <memory>
#include <string>
#include <vector>

#include "lop/hw/tool_io.hpp"
#include "lop/nn/dataset.hpp"
#include "lop/nn/network.hpp"
#include "lop/nn/quantized.hpp"
#include "lop/pe_spec.hpp"

namespace lop::explore {

using json = nlohmann::ordered_json;

// What an exploration fails with: the message for the user and the exit status (0 success;
// exit_tool_failure: a tool failed (Yosys, gnuplot, I/O) or a co-simulation mismatched;
// exit_bad_input: a sweep, network or data set that cannot be used).
using error = lop::tools::failure;
using lop::tools::exit_bad_input;
using lop::tools::exit_tool_failure;

// What every configuration is measured against: the network, its test images, the
// calibration ranges and the float reference's accuracy.
struct context {
  const lop::nn::network* net = nullptr;
  const lop::nn::dataset* test = nullptr;
  const std::map<std::size_t, lop::nn::layer_range>* ranges = nullptr;
  std::vector<std::size_t> product_layers;  // indices of the layers with products (conv2d, dense)
  double float_accuracy = 0;
};

// One configuration of a sweep.
class configuration {
 public:
  explicit configuration(std::string name) : name_(std::move(name)) {}
  virtual ~configuration() = default;
  configuration(const configuration&) = delete;
  configuration& operator=(const configuration&) = delete;

  [[nodiscard]] const std::string& name() const noexcept { return name_; }
  // The float reference (its hardware is the fp32 PE); marked so in every report.
  [[nodiscard]] virtual bool reference() const { return false; }
  // The texts that describe it completely, one per line of its cache key and sweep digest.
  [[nodiscard]] virtual std::vector<std::string> descriptors() const = 0;
  // The calibrated PE of every layer (entries of layers without products are ignored).
  [[nodiscard]] virtual std::vector<pe_spec> layer_pes(const context& ctx) const = 0;
  // Test accuracy (0..1) with every product on `pes` (layer_pes(ctx)).
  [[nodiscard]] virtual double accuracy(const context& ctx, const std::vector<pe_spec>& pes) const;
  // Fields of this kind added to the configuration's result (results.json).
  virtual void annotate(json& /*result*/) const {}

 private:
  std::string name_;
};

using configuration_ptr = std::unique_ptr<const configuration>;
using sweep = std::vector<configuration_ptr>;

// A configuration of fixed PE texts: one for every product layer, or one per product layer
// (fixed fractions are set by calibration).
class pe_configuration final : public configuration {
 public:
  pe_configuration(std::string name, std::vector<std::string> layers);
  [[nodiscard]] std::vector<std::string> descriptors() const override { return layers_; }
  [[nodiscard]] std::vector<pe_spec> layer_pes(const context& ctx) const override;

 private:
  std::vector<std::string> layers_;
};

// The float reference: Eigen's float products; its hardware is the fp32 PE.
class reference_configuration final : public configuration {
 public:
  using configuration::configuration;
  [[nodiscard]] bool reference() const override { return true; }
  [[nodiscard]] std::vector<std::string> descriptors() const override { return {}; }
  [[nodiscard]] std::vector<pe_spec> layer_pes(const context& ctx) const override;
  [[nodiscard]] double accuracy(const context& ctx, const std::vector<pe_spec>& pes) const override;
};

// A kind of sweep-file entry: `key` is the field that selects it ("pe", "layers", ...);
// `read` builds the configuration from the entry (throws error{exit_bad_input, ...}; `where`
// names the entry for messages, e.g. `configs[3] ("fixed8")`).
struct configuration_kind {
  std::string key;
  std::function<configuration_ptr(const json& entry, const std::string& name, const std::string& where)> read;
};

// The kinds read_sweep knows, in the order it tries them; add_kind appends one.
[[nodiscard]] const std::vector<configuration_kind>& kinds();
void add_kind(configuration_kind kind);

// The built-in fixed-point PE: w-bit signed weights, unsigned inputs (fractions set by
// calibration), an acc-bit accumulator and an out-bit output.
[[nodiscard]] std::string fixed_pe(int w, int acc, int out, const std::string& mul = "exact");

// The built-in sweep (docs/explore.md lists it).
[[nodiscard]] sweep default_sweep();

// A sweep file: {"configs": [{"name": N, "pe": TEXT} | {"name": N, "layers": [TEXT, ...]} |
// {"name": N, "reference": true} | ...]}. Throws error{exit_bad_input, ...} naming the entry.
[[nodiscard]] sweep read_sweep(const std::string& path);

// The calibrated PEs for per-layer precisions (one for all product layers, or one per layer).
[[nodiscard]] std::vector<pe_spec> calibrated_pes(const context& ctx, const std::string& name,
                                                  const std::vector<lop::nn::layer_precision>& per_layer);

}  // namespace lop::explore
