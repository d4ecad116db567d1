// Inference networks for lop::nn: dense, conv2d (stride, padding), max/avg pooling, ReLU and
// flatten layers, evaluated on batches of images. Every multiply-accumulate goes through an
// `arithmetic` — float_arithmetic is the reference; a quantized arithmetic computes the same
// layer code's products on lop's number formats and PEs — so both paths share this code.
// Files: the lop-network text format and NumPy .npy tensors (network_io.hpp).
#pragma once
#include <algorithm>
#include <cstdint>
#include <limits>
#include <string>
#include <variant>
#include <vector>

#include <Eigen/Dense>

#include "lop/nn/dataset.hpp"

namespace lop::nn {

// Column-major float matrices: a layer's weights (out x in) and its inputs (in x columns).
using matrix = Eigen::Matrix<float, Eigen::Dynamic, Eigen::Dynamic>;
using vector = Eigen::VectorXf;

// Layers. Weights hold the trained float values; a quantized arithmetic converts them.
struct conv2d {
  std::string name;
  int in_channels = 1;
  int out_channels = 1;
  int kernel = 3;  // square kernel
  int stride = 1;
  int padding = 0;  // zeros on every side
  matrix weight;    // out_channels x (in_channels * kernel * kernel), columns in (c, ky, kx) order
  vector bias;      // out_channels
};
struct dense {
  std::string name;
  int in = 1;
  int out = 1;
  matrix weight;  // out x in
  vector bias;    // out
};
struct relu {};
struct max_pool {
  int size = 2;
  int stride = 2;
};
struct avg_pool {
  int size = 2;
  int stride = 2;
};
struct flatten {};
using layer = std::variant<conv2d, dense, relu, max_pool, avg_pool, flatten>;

// One sample's shape: channels x height x width (a flat vector: c features, h = w = 1).
struct shape {
  int c = 1;
  int h = 1;
  int w = 1;
  [[nodiscard]] long size() const noexcept { return static_cast<long>(c) * h * w; }
  friend bool operator==(const shape&, const shape&) = default;
};

// How a layer's multiply-accumulates are computed: Y = W X for the weights W (M x K) of layer
// `index` and its inputs X (K x N: a column per output position and sample).
class arithmetic {
 public:
  virtual ~arithmetic() = default;
  [[nodiscard]] virtual matrix multiply(std::size_t index, const matrix& W, const matrix& X) = 0;
  // Layer `index`'s inputs (a column per sample) before its patches are formed: an arithmetic
  // whose operands have a format converts them here, once per value rather than once per
  // patch that holds it (convolution padding adds zeros, which every format holds).
  [[nodiscard]] virtual matrix convert_inputs(std::size_t /*index*/, const matrix& act) { return act; }
};

// The float reference: Eigen's float product.
class float_arithmetic final : public arithmetic {
 public:
  [[nodiscard]] matrix multiply(std::size_t, const matrix& W, const matrix& X) override { return W * X; }
};

namespace detail {

[[nodiscard]] inline int conv_out(int in, int kernel, int stride, int padding) noexcept {
  return (in + 2 * padding - kernel) / stride + 1;
}

// Activations are a matrix with a column per sample, rows in (c, y, x) order. im2col gives,
// for every sample n and output position p = oy * ow + ox, the column n * P + p holding the
// input patch in (c, ky, kx) order (zeros outside the image).
[[nodiscard]] inline matrix im2col(const matrix& act, const shape& in, int kernel, int stride, int padding) {
  const int oh = conv_out(in.h, kernel, stride, padding);
  const int ow = conv_out(in.w, kernel, stride, padding);
  const long P = static_cast<long>(oh) * ow;
  matrix cols(static_cast<long>(in.c) * kernel * kernel, act.cols() * P);
  for (long n = 0; n < act.cols(); ++n) {
    const float* x = act.col(n).data();
    for (int oy = 0; oy < oh; ++oy)
      for (int ox = 0; ox < ow; ++ox) {
        float* out = cols.col(n * P + oy * ow + ox).data();
        for (int c = 0; c < in.c; ++c)
          for (int ky = 0; ky < kernel; ++ky) {
            const int y = oy * stride + ky - padding;
            for (int kx = 0; kx < kernel; ++kx) {
              const int xx = ox * stride + kx - padding;
              *out++ = (y < 0 || y >= in.h || xx < 0 || xx >= in.w) ? 0.0F
                                                                     : x[(static_cast<long>(c) * in.h + y) * in.w + xx];
            }
          }
      }
  }
  return cols;
}

// Y (M x N*P, from W * im2col) back to activations: (M*P) x N, rows in (m, p) order.
[[nodiscard]] inline matrix columns_to_channels(const matrix& Y, long samples) {
  const long M = Y.rows();
  const long P = Y.cols() / samples;
  matrix act(M * P, samples);
  for (long n = 0; n < samples; ++n)
    for (long p = 0; p < P; ++p)
      for (long m = 0; m < M; ++m) act(m * P + p, n) = Y(m, n * P + p);
  return act;
}

template <bool Max>
[[nodiscard]] matrix pool(const matrix& act, const shape& in, int size, int stride) {
  const int oh = conv_out(in.h, size, stride, 0);
  const int ow = conv_out(in.w, size, stride, 0);
  matrix out(static_cast<long>(in.c) * oh * ow, act.cols());
  for (long n = 0; n < act.cols(); ++n)
    for (int c = 0; c < in.c; ++c)
      for (int oy = 0; oy < oh; ++oy)
        for (int ox = 0; ox < ow; ++ox) {
          float acc = Max ? -std::numeric_limits<float>::infinity() : 0.0F;
          for (int ky = 0; ky < size; ++ky)
            for (int kx = 0; kx < size; ++kx) {
              const float v = act((static_cast<long>(c) * in.h + oy * stride + ky) * in.w + ox * stride + kx, n);
              acc = Max ? std::max(acc, v) : acc + v;
            }
          out((static_cast<long>(c) * oh + oy) * ow + ox, n) = Max ? acc : acc / static_cast<float>(size * size);
        }
  return out;
}

}  // namespace detail

class network {
 public:
  shape input{1, 28, 28};
  std::vector<layer> layers;

  // The shape after each layer (shapes()[i] is layer i's output). Throws data_error when a
  // layer does not fit its input (naming the layer and what to change).
  [[nodiscard]] std::vector<shape> shapes() const {
    std::vector<shape> out;
    shape s = input;
    for (std::size_t i = 0; i < layers.size(); ++i) {
      const auto fail = [&](const std::string& what) {
        throw data_error("lop::nn: layer " + std::to_string(i) + ": " + what);
      };
      std::visit(
          [&](const auto& l) {
            using L = std::decay_t<decltype(l)>;
            if constexpr (std::is_same_v<L, conv2d>) {
              if (l.in_channels != s.c)
                fail("conv2d " + l.name + " takes " + std::to_string(l.in_channels) + " channels, its input has " +
                     std::to_string(s.c));
              if (l.kernel < 1 || l.stride < 1 || l.padding < 0 || s.h + 2 * l.padding < l.kernel ||
                  s.w + 2 * l.padding < l.kernel)
                fail("conv2d " + l.name + ": kernel, stride and padding do not fit a " + std::to_string(s.h) + "x" +
                     std::to_string(s.w) + " input");
              if (l.weight.rows() != l.out_channels || l.weight.cols() != static_cast<long>(l.in_channels) * l.kernel * l.kernel ||
                  l.bias.size() != l.out_channels)
                fail("conv2d " + l.name + ": weight must be out x (in * kernel^2) and bias out long");
              s = {l.out_channels, detail::conv_out(s.h, l.kernel, l.stride, l.padding),
                   detail::conv_out(s.w, l.kernel, l.stride, l.padding)};
            } else if constexpr (std::is_same_v<L, dense>) {
              if (s.h != 1 || s.w != 1) fail("dense " + l.name + " needs a flat input; put a flatten layer before it");
              if (l.in != s.c) fail("dense " + l.name + " takes " + std::to_string(l.in) + " inputs, it gets " + std::to_string(s.c));
              if (l.weight.rows() != l.out || l.weight.cols() != l.in || l.bias.size() != l.out)
                fail("dense " + l.name + ": weight must be out x in and bias out long");
              s = {l.out, 1, 1};
            } else if constexpr (std::is_same_v<L, max_pool> || std::is_same_v<L, avg_pool>) {
              if (l.size < 1 || l.stride < 1 || l.size > s.h || l.size > s.w) fail("pooling window does not fit its input");
              s = {s.c, detail::conv_out(s.h, l.size, l.stride, 0), detail::conv_out(s.w, l.size, l.stride, 0)};
            } else if constexpr (std::is_same_v<L, flatten>) {
              s = {static_cast<int>(s.size()), 1, 1};
            }
          },
          layers[i]);
      out.push_back(s);
    }
    return out;
  }

  // The outputs (classes x samples) for images (samples, c, h, w) of the input shape.
  [[nodiscard]] matrix forward(const image_batch& images, arithmetic& arith) const {
    if (images.dimension(1) != input.c || images.dimension(2) != input.h || images.dimension(3) != input.w)
      throw data_error("lop::nn: images are " + std::to_string(images.dimension(1)) + "x" +
                       std::to_string(images.dimension(2)) + "x" + std::to_string(images.dimension(3)) +
                       ", the network takes " + std::to_string(input.c) + "x" + std::to_string(input.h) + "x" +
                       std::to_string(input.w));
    const long n = images.dimension(0);
    // Row-major (n, c, h, w) is, per sample, the (c, y, x) order of an activation column.
    matrix act = Eigen::Map<const Eigen::Matrix<float, Eigen::Dynamic, Eigen::Dynamic, Eigen::RowMajor>>(
                     images.data(), n, input.size())
                     .transpose();
    const std::vector<shape> out = shapes();
    shape s = input;
    for (std::size_t i = 0; i < layers.size(); ++i) {
      std::visit(
          [&](const auto& l) {
            using L = std::decay_t<decltype(l)>;
            if constexpr (std::is_same_v<L, conv2d>) {
              const matrix Y =
                  arith.multiply(i, l.weight, detail::im2col(arith.convert_inputs(i, act), s, l.kernel, l.stride, l.padding));
              act = detail::columns_to_channels(Y, n);
              const long P = static_cast<long>(out[i].h) * out[i].w;
              for (long m = 0; m < l.out_channels; ++m) act.middleRows(m * P, P).array() += l.bias[m];
            } else if constexpr (std::is_same_v<L, dense>) {
              act = arith.multiply(i, l.weight, arith.convert_inputs(i, act));
              act.colwise() += l.bias;
            } else if constexpr (std::is_same_v<L, relu>) {
              act = act.cwiseMax(0.0F);
            } else if constexpr (std::is_same_v<L, max_pool>) {
              act = detail::pool<true>(act, s, l.size, l.stride);
            } else if constexpr (std::is_same_v<L, avg_pool>) {
              act = detail::pool<false>(act, s, l.size, l.stride);
            }
          },
          layers[i]);
      s = out[i];
    }
    return act;
  }
  [[nodiscard]] matrix forward(const image_batch& images) const {
    float_arithmetic f;
    return forward(images, f);
  }
};

// The index of each column's largest output (ties: the first).
[[nodiscard]] inline std::vector<int> argmax(const matrix& outputs) {
  std::vector<int> r(static_cast<std::size_t>(outputs.cols()));
  for (long j = 0; j < outputs.cols(); ++j) {
    Eigen::Index i = 0;
    outputs.col(j).maxCoeff(&i);
    r[static_cast<std::size_t>(j)] = static_cast<int>(i);
  }
  return r;
}

// Softmax over each column (numerically stable: the column's maximum is subtracted first).
[[nodiscard]] inline matrix softmax(const matrix& outputs) {
  matrix p(outputs.rows(), outputs.cols());
  for (long j = 0; j < outputs.cols(); ++j) {
    const Eigen::ArrayXf e = (outputs.col(j).array() - outputs.col(j).maxCoeff()).exp();
    p.col(j) = (e / e.sum()).matrix();
  }
  return p;
}

// Images [first, first + count) of a batch.
[[nodiscard]] inline image_batch slice(const image_batch& images, long first, long count) {
  const Eigen::array<Eigen::Index, 4> offsets{first, 0, 0, 0};
  const Eigen::array<Eigen::Index, 4> extents{count, images.dimension(1), images.dimension(2), images.dimension(3)};
  return images.slice(offsets, extents);
}

// The fraction of correctly classified samples, evaluated in batches (small ones keep the
// im2col matrices in cache: 64 images run about 8x faster than 1000).
[[nodiscard]] inline double accuracy(const network& net, const dataset& data, arithmetic& arith, long batch = 64) {
  long correct = 0;
  for (long first = 0; first < data.size(); first += batch) {
    const long count = std::min(batch, data.size() - first);
    const std::vector<int> pred = argmax(net.forward(slice(data.images, first, count), arith));
    for (long i = 0; i < count; ++i) correct += pred[static_cast<std::size_t>(i)] == data.labels[static_cast<std::size_t>(first + i)];
  }
  return data.size() == 0 ? 0.0 : static_cast<double>(correct) / static_cast<double>(data.size());
}
[[nodiscard]] inline double accuracy(const network& net, const dataset& data, long batch = 64) {
  float_arithmetic f;
  return accuracy(net, data, f, batch);
}

}  // namespace lop::nn
