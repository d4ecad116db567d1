// Networks on disk (docs/nn.md, "Network files"): the lop-network text format, which holds
// the layers and their float weights (or points at NumPy .npy files for them), and a reader
// and writer for .npy arrays of float32/float64.
#pragma once
#include <charconv>
#include <cstdint>
#include <cstdio>
#include <cstring>
#include <filesystem>
#include <fstream>
#include <map>
#include <ostream>
#include <sstream>
#include <string>
#include <vector>

#include "lop/nn/network.hpp"

namespace lop::nn {

// A NumPy array read as float: its shape and its values in C (row-major) order.
struct npy_array {
  std::vector<long> shape;
  std::vector<float> values;
};

// Reads a .npy file of float32 ('<f4') or float64 ('<f8') values, C or Fortran order.
// Throws data_error naming the file and the problem.
[[nodiscard]] inline npy_array read_npy(const std::filesystem::path& file) {
  std::ifstream in(file, std::ios::binary);
  if (!in) throw data_error("lop::nn: cannot open the NumPy file " + file.string());
  const auto bad = [&](const std::string& what) {
    throw data_error("lop::nn: " + file.string() + " is not a .npy array lop reads: " + what);
  };
  char magic[8];
  if (!in.read(magic, 8) || std::memcmp(magic, "\x93NUMPY", 6) != 0) bad("no \\x93NUMPY magic");
  std::size_t header_len = 0;
  if (magic[6] == 1) {
    unsigned char b[2];
    if (!in.read(reinterpret_cast<char*>(b), 2)) bad("truncated header");
    header_len = b[0] | (std::size_t{b[1]} << 8);
  } else if (magic[6] == 2 || magic[6] == 3) {
    unsigned char b[4];
    if (!in.read(reinterpret_cast<char*>(b), 4)) bad("truncated header");
    header_len = b[0] | (std::size_t{b[1]} << 8) | (std::size_t{b[2]} << 16) | (std::size_t{b[3]} << 24);
  } else {
    bad("format version " + std::to_string(static_cast<int>(magic[6])));
  }
  std::string header(header_len, '\0');
  if (!in.read(header.data(), static_cast<std::streamsize>(header_len))) bad("truncated header");
  const auto value_of = [&](const std::string& key) {
    const std::size_t k = header.find("'" + key + "'");
    if (k == std::string::npos) bad("the header has no '" + key + "'");
    const std::size_t colon = header.find(':', k);
    return header.substr(colon + 1);
  };
  const std::string descr_v = value_of("descr");
  const std::size_t q1 = descr_v.find('\'');
  const std::string descr = descr_v.substr(q1 + 1, descr_v.find('\'', q1 + 1) - q1 - 1);
  if (descr != "<f4" && descr != "<f8")
    bad("dtype '" + descr + "'; save float32 or float64 (e.g. np.save(f, a.astype(np.float32)))");
  const bool fortran = value_of("fortran_order").find("True") < value_of("fortran_order").find(',');
  const std::string shape_v = value_of("shape");
  const std::string dims = shape_v.substr(shape_v.find('(') + 1, shape_v.find(')') - shape_v.find('(') - 1);
  npy_array a;
  std::size_t count = 1;
  for (std::size_t p = 0; p < dims.size();) {
    while (p < dims.size() && (dims[p] == ' ' || dims[p] == ',')) ++p;
    if (p >= dims.size()) break;
    long d = 0;
    const auto [ptr, ec] = std::from_chars(dims.data() + p, dims.data() + dims.size(), d);
    if (ec != std::errc{} || d < 0) bad("unreadable shape (" + dims + ")");
    a.shape.push_back(d);
    count *= static_cast<std::size_t>(d);
    p = static_cast<std::size_t>(ptr - dims.data());
  }
  const std::size_t elem = descr == "<f4" ? 4 : 8;
  std::vector<char> raw(count * elem);
  if (!in.read(raw.data(), static_cast<std::streamsize>(raw.size())))
    bad("the data is shorter than its shape says (" + std::to_string(count) + " values)");
  std::vector<float> v(count);
  for (std::size_t i = 0; i < count; ++i) {
    if (elem == 4) {
      std::memcpy(&v[i], raw.data() + 4 * i, 4);
    } else {
      double d = 0;
      std::memcpy(&d, raw.data() + 8 * i, 8);
      v[i] = static_cast<float>(d);
    }
  }
  if (fortran && a.shape.size() > 1) {  // column-major -> row-major
    a.values.resize(count);
    std::vector<std::size_t> idx(a.shape.size(), 0);
    for (std::size_t i = 0; i < count; ++i) {  // i: Fortran index; idx: its coordinates
      std::size_t c = 0;
      for (std::size_t d = 0; d < a.shape.size(); ++d) c = c * static_cast<std::size_t>(a.shape[d]) + idx[d];
      a.values[c] = v[i];
      for (std::size_t d = 0; d < idx.size(); ++d) {
        if (++idx[d] < static_cast<std::size_t>(a.shape[d])) break;
        idx[d] = 0;
      }
    }
  } else {
    a.values = std::move(v);
  }
  return a;
}

// Writes a float32 .npy file (C order).
inline void write_npy(std::ostream& os, const std::vector<long>& shape, const std::vector<float>& values) {
  std::string dims;
  for (long d : shape) dims += std::to_string(d) + ",";
  if (shape.size() > 1) dims.pop_back();
  std::string header = "{'descr': '<f4', 'fortran_order': False, 'shape': (" + dims + "), }";
  while ((10 + header.size() + 1) % 64 != 0) header += ' ';
  header += '\n';
  os.write("\x93NUMPY\x01\x00", 8);
  const char len[2] = {static_cast<char>(header.size() & 0xFF), static_cast<char>(header.size() >> 8)};
  os.write(len, 2);
  os << header;
  os.write(reinterpret_cast<const char*>(values.data()), static_cast<std::streamsize>(values.size() * 4));
}

// ---------------------------------------------------------------------------------------
// The lop-network text format ('#' starts a comment):
//   lop-network 1
//   input 1 28 28                                    channels height width
//   conv2d conv1 in=1 out=16 kernel=3 stride=1 padding=1
//   relu
//   max_pool size=2 stride=2                         (avg_pool likewise)
//   flatten
//   dense fc in=1568 out=10
//   tensor conv1.weight 16 9                         then 16 * 9 values (row-major)
//   tensor fc.bias npy=fc_bias.npy                   or a .npy file (path relative to this file)
// Every conv2d/dense layer needs NAME.weight (out x in, or out x in x k x k) and NAME.bias.
// ---------------------------------------------------------------------------------------
inline void write_network(std::ostream& os, const network& net, const std::string& comment = {}) {
  if (!comment.empty()) os << "# " << comment << "\n";
  os << "lop-network 1\ninput " << net.input.c << " " << net.input.h << " " << net.input.w << "\n";
  for (const layer& l : net.layers) {
    std::visit(
        [&](const auto& x) {
          using L = std::decay_t<decltype(x)>;
          if constexpr (std::is_same_v<L, conv2d>) {
            os << "conv2d " << x.name << " in=" << x.in_channels << " out=" << x.out_channels << " kernel=" << x.kernel
               << " stride=" << x.stride << " padding=" << x.padding << "\n";
          } else if constexpr (std::is_same_v<L, dense>) {
            os << "dense " << x.name << " in=" << x.in << " out=" << x.out << "\n";
          } else if constexpr (std::is_same_v<L, relu>) {
            os << "relu\n";
          } else if constexpr (std::is_same_v<L, max_pool>) {
            os << "max_pool size=" << x.size << " stride=" << x.stride << "\n";
          } else if constexpr (std::is_same_v<L, avg_pool>) {
            os << "avg_pool size=" << x.size << " stride=" << x.stride << "\n";
          } else {
            os << "flatten\n";
          }
        },
        l);
  }
  const auto values = [&](const float* v, long n, long per_line) {
    char buf[32];
    for (long i = 0; i < n; ++i) {
      std::snprintf(buf, sizeof buf, "%.9g", static_cast<double>(v[i]));  // round-trips every float
      os << buf << ((i + 1) % per_line == 0 || i + 1 == n ? "\n" : " ");
    }
  };
  for (const layer& l : net.layers) {
    const auto tensors = [&](const std::string& name, const matrix& w, const vector& b) {
      os << "tensor " << name << ".weight " << w.rows() << " " << w.cols() << "\n";
      const Eigen::Matrix<float, Eigen::Dynamic, Eigen::Dynamic, Eigen::RowMajor> rm = w;
      values(rm.data(), rm.size(), w.cols());
      os << "tensor " << name << ".bias " << b.size() << "\n";
      values(b.data(), b.size(), b.size());
    };
    if (const auto* c = std::get_if<conv2d>(&l)) tensors(c->name, c->weight, c->bias);
    if (const auto* d = std::get_if<dense>(&l)) tensors(d->name, d->weight, d->bias);
  }
}

[[nodiscard]] inline network read_network(const std::filesystem::path& file) {
  std::ifstream in(file, std::ios::binary);
  if (!in) throw data_error("lop::nn: cannot open the network file " + file.string());
  std::stringstream text;
  text << in.rdbuf();
  int line = 0;
  const auto fail = [&](const std::string& what) {
    throw data_error("lop::nn: " + file.string() + ":" + std::to_string(line) + ": " + what);
  };
  network net;
  net.layers.clear();
  std::map<std::string, npy_array> tensors;
  bool header = false;
  bool have_input = false;
  std::vector<std::string> pending;  // the current tensor: name, dims; values follow
  std::size_t need = 0;
  npy_array* filling = nullptr;
  for (std::string raw; std::getline(text, raw);) {
    ++line;
    const std::string s = raw.substr(0, raw.find('#'));
    std::istringstream words(s);
    std::vector<std::string> w;
    for (std::string t; words >> t;) w.push_back(t);
    if (w.empty()) continue;
    if (filling != nullptr) {  // values of a tensor
      for (const std::string& t : w) {
        float v = 0;
        const auto [ptr, ec] = std::from_chars(t.data(), t.data() + t.size(), v);
        if (ec != std::errc{} || ptr != t.data() + t.size()) fail("'" + t + "' is not a number");
        if (filling->values.size() == need) fail("more values than the tensor's shape holds");
        filling->values.push_back(v);
      }
      if (filling->values.size() == need) filling = nullptr;
      continue;
    }
    if (!header) {
      if (w.size() != 2 || w[0] != "lop-network" || w[1] != "1")
        fail("expected the header 'lop-network 1' (a lop network file, docs/nn.md)");
      header = true;
      continue;
    }
    // key=value arguments of a layer line, all required and numeric.
    const auto args = [&](std::size_t first, std::initializer_list<const char*> keys) {
      std::map<std::string, int> r;
      for (std::size_t i = first; i < w.size(); ++i) {
        const std::size_t eq = w[i].find('=');
        int v = 0;
        const auto [ptr, ec] =
            eq == std::string::npos ? std::from_chars_result{nullptr, std::errc::invalid_argument}
                                    : std::from_chars(w[i].data() + eq + 1, w[i].data() + w[i].size(), v);
        if (ec != std::errc{} || ptr != w[i].data() + w[i].size()) fail("'" + w[i] + "' is not key=integer");
        r[w[i].substr(0, eq)] = v;
      }
      for (const char* k : keys)
        if (!r.contains(k)) fail(w[0] + " needs " + k + "=N");
      if (r.size() != keys.size()) fail(w[0] + " has an unknown argument");
      return r;
    };
    if (w[0] == "input") {
      if (w.size() != 4) fail("expected 'input CHANNELS HEIGHT WIDTH'");
      try {
        net.input = {std::stoi(w[1]), std::stoi(w[2]), std::stoi(w[3])};
      } catch (const std::exception&) {
        fail("expected 'input CHANNELS HEIGHT WIDTH'");
      }
      have_input = true;
    } else if (w[0] == "conv2d") {
      if (w.size() < 2 || w[1].find('=') != std::string::npos) fail("expected 'conv2d NAME in=.. out=.. kernel=.. stride=.. padding=..'");
      auto a = args(2, {"in", "out", "kernel", "stride", "padding"});
      conv2d c;
      c.name = w[1];
      c.in_channels = a["in"];
      c.out_channels = a["out"];
      c.kernel = a["kernel"];
      c.stride = a["stride"];
      c.padding = a["padding"];
      net.layers.emplace_back(std::move(c));
    } else if (w[0] == "dense") {
      if (w.size() < 2 || w[1].find('=') != std::string::npos) fail("expected 'dense NAME in=.. out=..'");
      auto a = args(2, {"in", "out"});
      dense d;
      d.name = w[1];
      d.in = a["in"];
      d.out = a["out"];
      net.layers.emplace_back(std::move(d));
    } else if (w[0] == "relu" || w[0] == "flatten") {
      if (w.size() != 1) fail(w[0] + " takes no arguments");
      if (w[0] == "relu") {
        net.layers.emplace_back(relu{});
      } else {
        net.layers.emplace_back(flatten{});
      }
    } else if (w[0] == "max_pool" || w[0] == "avg_pool") {
      auto a = args(1, {"size", "stride"});
      if (w[0] == "max_pool") {
        net.layers.emplace_back(max_pool{a["size"], a["stride"]});
      } else {
        net.layers.emplace_back(avg_pool{a["size"], a["stride"]});
      }
    } else if (w[0] == "tensor") {
      if (w.size() < 3) fail("expected 'tensor NAME DIMS...' or 'tensor NAME npy=FILE'");
      if (tensors.contains(w[1])) fail("tensor " + w[1] + " given twice");
      if (w[2].rfind("npy=", 0) == 0) {
        if (w.size() != 3) fail("expected 'tensor NAME npy=FILE'");
        const std::filesystem::path p = file.parent_path() / w[2].substr(4);
        tensors[w[1]] = read_npy(p);
      } else {
        npy_array& t = tensors[w[1]];
        need = 1;
        for (std::size_t i = 2; i < w.size(); ++i) {
          long d = 0;
          const auto [ptr, ec] = std::from_chars(w[i].data(), w[i].data() + w[i].size(), d);
          if (ec != std::errc{} || ptr != w[i].data() + w[i].size() || d < 1) fail("'" + w[i] + "' is not a dimension");
          t.shape.push_back(d);
          need *= static_cast<std::size_t>(d);
        }
        t.values.reserve(need);
        filling = &t;
      }
    } else {
      fail("unknown line '" + w[0] + "'; expected input, conv2d, dense, relu, max_pool, avg_pool, flatten or tensor");
    }
  }
  if (!header) throw data_error("lop::nn: " + file.string() + " is empty; expected a lop network file");
  if (filling != nullptr)
    throw data_error("lop::nn: " + file.string() + ": the last tensor has " + std::to_string(filling->values.size()) +
                     " of its " + std::to_string(need) + " values");
  if (!have_input) throw data_error("lop::nn: " + file.string() + " has no 'input C H W' line");
  // Weights into the layers.
  const auto take = [&](const std::string& name, long rows, long cols) {
    const auto it = tensors.find(name);
    if (it == tensors.end()) throw data_error("lop::nn: " + file.string() + " has no tensor " + name);
    long count = 1;
    for (long d : it->second.shape) count *= d;
    if (count != rows * cols || it->second.shape.empty() || it->second.shape[0] != rows)
      throw data_error("lop::nn: " + file.string() + ": tensor " + name + " must have " + std::to_string(rows) +
                       " rows of " + std::to_string(cols) + " values");
    matrix m = Eigen::Map<const Eigen::Matrix<float, Eigen::Dynamic, Eigen::Dynamic, Eigen::RowMajor>>(
        it->second.values.data(), rows, cols);
    tensors.erase(it);
    return m;
  };
  for (layer& l : net.layers) {
    if (auto* c = std::get_if<conv2d>(&l)) {
      c->weight = take(c->name + ".weight", c->out_channels, static_cast<long>(c->in_channels) * c->kernel * c->kernel);
      c->bias = take(c->name + ".bias", c->out_channels, 1);
    } else if (auto* d = std::get_if<dense>(&l)) {
      d->weight = take(d->name + ".weight", d->out, d->in);
      d->bias = take(d->name + ".bias", d->out, 1);
    }
  }
  if (!tensors.empty()) throw data_error("lop::nn: " + file.string() + ": tensor " + tensors.begin()->first + " belongs to no layer");
  (void)net.shapes();  // every layer fits its input, or a message naming it
  return net;
}

}  // namespace lop::nn
