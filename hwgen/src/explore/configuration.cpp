// The configuration kinds of lop::explore and the sweep file reader.
#include "lop/explore/configuration.hpp"

#include <fstream>
#include <mutex>

namespace lop::explore {

namespace {

[[noreturn]] void bad_sweep(const std::string& path, const std::string& what) {
  throw error{exit_bad_input, "lop-explore: " + path + ": " + what +
                                  R"( (expected {"configs": [{"name": "fixed8", "pe": "pe<...>"}, ...]}; docs/explore.md))"};
}

// The PE texts of an entry's "pe" string or "layers" array, each checked.
std::vector<std::string> read_pe_texts(const json& c, const std::string& where) {
  std::vector<std::string> layers;
  if (c.contains("pe") && c["pe"].is_string()) {
    layers = {c["pe"].get<std::string>()};
  } else {
    for (const json& l : c["layers"]) {
      if (!l.is_string()) throw error{exit_bad_input, where + ": \"layers\" holds pe<...> strings"};
      layers.push_back(l.get<std::string>());
    }
  }
  for (const std::string& t : layers) {
    try {
      (void)lop::parse_pe_spec(t);
    } catch (const lop::format_error& e) {
      throw error{exit_bad_input, where + ": " + e.what()};
    }
  }
  return layers;
}

std::vector<configuration_kind>& kind_list() {
  static std::vector<configuration_kind> list{
      {"reference",
       [](const json& c, const std::string& name, const std::string&) -> configuration_ptr {
         if (!c["reference"].is_boolean() || !c["reference"].get<bool>()) return nullptr;
         return std::make_unique<reference_configuration>(name);
       }},
      {"pe",
       [](const json& c, const std::string& name, const std::string& where) -> configuration_ptr {
         if (!c["pe"].is_string()) return nullptr;
         return std::make_unique<pe_configuration>(name, read_pe_texts(c, where));
       }},
      {"layers",
       [](const json& c, const std::string& name, const std::string& where) -> configuration_ptr {
         if (!c["layers"].is_array() || c["layers"].empty()) return nullptr;
         return std::make_unique<pe_configuration>(name, read_pe_texts(c, where));
       }},
  };
  return list;
}
std::mutex kinds_mutex;

}  // namespace

double configuration::accuracy(const context& ctx, const std::vector<pe_spec>& pes) const {
  lop::nn::pe_arithmetic arith(pes);
  return lop::nn::accuracy(*ctx.net, *ctx.test, arith);
}

std::vector<pe_spec> calibrated_pes(const context& ctx, const std::string& name,
                                    const std::vector<lop::nn::layer_precision>& per_layer) {
  if (per_layer.size() != 1 && per_layer.size() != ctx.product_layers.size())
    throw error{exit_bad_input, "lop-explore: configuration " + name + " gives " + std::to_string(per_layer.size()) +
                                    " layers; the network has " + std::to_string(ctx.product_layers.size()) +
                                    " layers with products (give one pe for all, or one per layer)"};
  try {
    return lop::nn::layer_specs(*ctx.net, *ctx.ranges, per_layer);
  } catch (const lop::nn::data_error& e) {
    throw error{exit_bad_input, "lop-explore: configuration " + name + ": " + e.what()};
  }
}

pe_configuration::pe_configuration(std::string name, std::vector<std::string> layers)
    : configuration(std::move(name)), layers_(std::move(layers)) {}

std::vector<pe_spec> pe_configuration::layer_pes(const context& ctx) const {
  std::vector<lop::nn::layer_precision> per;
  for (const std::string& l : layers_) per.push_back({lop::parse_pe_spec(l), 0});
  return calibrated_pes(ctx, name(), per);
}

std::vector<pe_spec> reference_configuration::layer_pes(const context& ctx) const {
  return std::vector<pe_spec>(ctx.net->layers.size(), lop::parse_pe_spec("pe<a=fp32,b=fp32,acc=fp32,out=fp32>"));
}

double reference_configuration::accuracy(const context& ctx, const std::vector<pe_spec>&) const {
  return ctx.float_accuracy;  // Eigen's float products
}

const std::vector<configuration_kind>& kinds() { return kind_list(); }

void add_kind(configuration_kind kind) {
  const std::lock_guard<std::mutex> lock(kinds_mutex);
  kind_list().push_back(std::move(kind));
}

std::string fixed_pe(int w, int acc, int out, const std::string& mul) {
  const std::string W = std::to_string(w);
  return "pe<a=fixed<" + W + ",0,signed,half_even,saturate>,b=fixed<" + W + ",0,unsigned,half_even,saturate>,acc=fixed<" +
         std::to_string(acc) + ",0,signed,floor,saturate>,out=fixed<" + std::to_string(out) +
         ",0,signed,half_even,saturate>,mul=" + mul + ">";
}

sweep default_sweep() {
  sweep s;
  const auto pe = [&](const std::string& name, std::vector<std::string> layers) {
    s.push_back(std::make_unique<pe_configuration>(name, std::move(layers)));
  };
  s.push_back(std::make_unique<reference_configuration>("fp32"));
  pe("bf16", {"pe<a=bf16,b=bf16,acc=fp32,out=bf16>"});
  pe("fp16", {"pe<a=fp16,b=fp16,acc=fp32,out=fp16>"});
  pe("fp8_e4m3", {"pe<a=fp8_e4m3fn,b=fp8_e4m3fn,acc=fp32,out=fp16>"});
  pe("fp8_e5m2", {"pe<a=fp8_e5m2,b=fp8_e5m2,acc=fp32,out=fp16>"});
  pe("fixed16", {fixed_pe(16, 48, 24)});
  pe("fixed8", {fixed_pe(8, 32, 16)});
  pe("fixed6", {fixed_pe(6, 24, 12)});
  pe("fixed4", {fixed_pe(4, 20, 10)});
  pe("fixed8_truncated", {fixed_pe(8, 32, 16, "truncated<t=4,correction=constant>")});
  pe("fixed8_mitchell", {fixed_pe(8, 32, 16, "mitchell<correction=constant>")});
  pe("fixed8_drum", {fixed_pe(8, 32, 16, "drum<k=4>")});
  pe("mixed_8_4_8", {fixed_pe(8, 32, 16), fixed_pe(4, 20, 10), fixed_pe(8, 32, 16)});
  return s;
}

sweep read_sweep(const std::string& path) {
  std::ifstream in(path);
  if (!in) throw error{exit_bad_input, "lop-explore: cannot open the sweep file '" + path + "'"};
  json j;
  try {
    j = json::parse(in);
  } catch (const json::exception& e) {
    throw error{exit_bad_input, "lop-explore: " + path + " is not JSON: " + e.what()};
  }
  if (!j.is_object() || !j.contains("configs") || !j["configs"].is_array() || j["configs"].empty())
    bad_sweep(path, "no non-empty \"configs\" array");
  std::vector<configuration_kind> known;
  {
    const std::lock_guard<std::mutex> lock(kinds_mutex);
    known = kind_list();
  }
  sweep r;
  for (std::size_t i = 0; i < j["configs"].size(); ++i) {
    const json& c = j["configs"][i];
    const std::string at = "configs[" + std::to_string(i) + "]";
    if (!c.is_object() || !c.contains("name") || !c["name"].is_string() || c["name"].get<std::string>().empty())
      bad_sweep(path, at + " has no \"name\" string");
    const std::string name = c["name"].get<std::string>();
    for (const configuration_ptr& seen : r)
      if (seen->name() == name) bad_sweep(path, at + ": the name \"" + name + "\" is used twice");
    const std::string where = at + " (\"" + name + "\")";
    configuration_ptr cf;
    try {
      for (const configuration_kind& k : known)
        if (!cf && c.contains(k.key)) cf = k.read(c, name, where);
    } catch (const error& e) {
      bad_sweep(path, e.message);
    }
    if (!cf) {
      std::string keys;
      for (std::size_t k = 0; k < known.size(); ++k)
        keys += (k == 0 ? "" : k + 1 == known.size() ? " or " : ", ") + std::string("\"") + known[k].key + "\"" +
                (known[k].key == "reference" ? ": true" : "");
      bad_sweep(path, where + " needs " + keys);
    }
    r.push_back(std::move(cf));
  }
  return r;
}

}  // namespace lop::explore
