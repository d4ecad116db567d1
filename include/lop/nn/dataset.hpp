// Labelled image data sets for lop::nn: IDX files (the MNIST family's format, plain or gzip)
// and the Fashion-MNIST copy that Debian's dataset-fashion-mnist package installs. Needs zlib
// (link lop::nn, which brings it).
#pragma once
#include <zlib.h>

#include <cstdint>
#include <filesystem>
#include <stdexcept>
#include <string>
#include <vector>

#include <unsupported/Eigen/CXX11/Tensor>

namespace lop::nn {

// Thrown for missing or malformed data files; the message names the file and the fix.
class data_error : public std::runtime_error {
 public:
  using std::runtime_error::runtime_error;
};

// Images as a (count, channels, height, width) tensor of floats, row-major, and one label each.
using image_batch = Eigen::Tensor<float, 4, Eigen::RowMajor>;

struct dataset {
  image_batch images;                // pixel / 255: values in [0, 1]
  std::vector<std::uint8_t> labels;  // class indices
  std::vector<std::string> classes;  // class names, labels index them
  [[nodiscard]] long size() const noexcept { return static_cast<long>(labels.size()); }
};

namespace detail {

// The whole file, gunzipped when it is gzip (zlib reads plain files unchanged).
[[nodiscard]] inline std::vector<unsigned char> read_maybe_gzip(const std::filesystem::path& file) {
  gzFile f = gzopen(file.string().c_str(), "rb");
  if (f == nullptr) throw data_error("lop::nn: cannot open " + file.string());
  std::vector<unsigned char> data;
  unsigned char buf[1 << 16];
  for (;;) {
    const int n = gzread(f, buf, sizeof buf);
    if (n < 0) {
      int code = 0;
      const std::string msg = gzerror(f, &code);
      gzclose(f);
      throw data_error("lop::nn: " + file.string() + " is not a readable gzip or plain file: " + msg);
    }
    if (n == 0) break;
    data.insert(data.end(), buf, buf + n);
  }
  gzclose(f);
  return data;
}

[[nodiscard]] inline std::uint32_t big_endian32(const unsigned char* p) noexcept {
  return (std::uint32_t{p[0]} << 24) | (std::uint32_t{p[1]} << 16) | (std::uint32_t{p[2]} << 8) | p[3];
}

// An IDX file of unsigned bytes (type 0x08): its dimensions and data.
struct idx_u8 {
  std::vector<std::uint32_t> dims;
  std::vector<unsigned char> bytes;  // whole file; data from `offset`
  std::size_t offset = 0;
};

[[nodiscard]] inline idx_u8 read_idx_u8(const std::filesystem::path& file, std::size_t want_dims) {
  idx_u8 r;
  r.bytes = read_maybe_gzip(file);
  const auto bad = [&](const std::string& what) {
    throw data_error("lop::nn: " + file.string() + " is not an IDX file of " + std::to_string(want_dims) +
                     "-dimensional unsigned bytes: " + what);
  };
  if (r.bytes.size() < 4) bad("too short for the header");
  if (r.bytes[0] != 0 || r.bytes[1] != 0) bad("the magic number does not start with two zero bytes");
  if (r.bytes[2] != 0x08) bad("the element type is not unsigned byte (0x08)");
  if (r.bytes[3] != want_dims) bad("it has " + std::to_string(r.bytes[3]) + " dimensions");
  r.offset = 4 + 4 * want_dims;
  if (r.bytes.size() < r.offset) bad("too short for the dimensions");
  std::size_t count = 1;
  for (std::size_t i = 0; i < want_dims; ++i) {
    r.dims.push_back(big_endian32(r.bytes.data() + 4 + 4 * i));
    count *= r.dims.back();
  }
  if (r.bytes.size() - r.offset != count)
    bad("the dimensions say " + std::to_string(count) + " bytes of data, the file has " +
        std::to_string(r.bytes.size() - r.offset));
  return r;
}

}  // namespace detail

// Images of an IDX3 file (count x rows x cols bytes) as (count, 1, rows, cols), scaled by 1/255.
[[nodiscard]] inline image_batch read_idx_images(const std::filesystem::path& file) {
  const detail::idx_u8 r = detail::read_idx_u8(file, 3);
  image_batch t(static_cast<long>(r.dims[0]), 1, static_cast<long>(r.dims[1]), static_cast<long>(r.dims[2]));
  float* out = t.data();
  for (std::size_t i = 0; i < r.bytes.size() - r.offset; ++i) out[i] = static_cast<float>(r.bytes[r.offset + i]) / 255.0F;
  return t;
}

// Labels of an IDX1 file.
[[nodiscard]] inline std::vector<std::uint8_t> read_idx_labels(const std::filesystem::path& file) {
  const detail::idx_u8 r = detail::read_idx_u8(file, 1);
  return {r.bytes.begin() + static_cast<long>(r.offset), r.bytes.end()};
}

// Where Debian's dataset-fashion-mnist package puts the data.
inline const std::filesystem::path fashion_mnist_dir = "/usr/share/datasets/fashion-mnist";

enum class split : std::uint8_t { train, test };

// Fashion-MNIST's training (60,000) or test (10,000) images, 28 x 28 grey levels, 10 classes.
// Throws data_error naming the package to install when the files are missing.
[[nodiscard]] inline dataset load_fashion_mnist(split which, const std::filesystem::path& dir = fashion_mnist_dir) {
  const std::string stem = which == split::train ? "train" : "t10k";
  const auto find = [&](const std::string& name) {
    for (const char* ext : {".gz", ""}) {
      const std::filesystem::path p = dir / (name + ext);
      if (std::filesystem::exists(p)) return p;
    }
    throw data_error("lop::nn: Fashion-MNIST is not installed: " + (dir / (name + ".gz")).string() +
                     " is missing. Install Debian's package with `apt-get install dataset-fashion-mnist`, or "
                     "pass the directory that holds its IDX files");
  };
  dataset d;
  d.images = read_idx_images(find(stem + "-images-idx3-ubyte"));
  d.labels = read_idx_labels(find(stem + "-labels-idx1-ubyte"));
  d.classes = {"T-shirt/top", "Trouser", "Pullover", "Dress", "Coat", "Sandal", "Shirt", "Sneaker", "Bag", "Ankle boot"};
  if (static_cast<long>(d.labels.size()) != d.images.dimension(0))
    throw data_error("lop::nn: Fashion-MNIST in " + dir.string() + " has " + std::to_string(d.images.dimension(0)) +
                     " images but " + std::to_string(d.labels.size()) + " labels");
  for (std::uint8_t l : d.labels)
    if (l >= d.classes.size()) throw data_error("lop::nn: Fashion-MNIST label " + std::to_string(l) + " is not a class (0..9)");
  return d;
}

}  // namespace lop::nn
