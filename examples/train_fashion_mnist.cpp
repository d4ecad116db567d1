// Trains lop's default network, a small CNN for Fashion-MNIST, in float with Eigen, and writes
// it as a lop network file (docs/nn.md). Reproducible: the initial weights and the order of
// the samples come from one seed (SplitMix64), and the arithmetic is single-threaded.
//
//   train_fashion_mnist [--epochs N] [--seed S] [--out FILE] [--data DIR]
//                       [--train-samples N] [--test-samples N]   (first N only: quick runs)
//
// The committed examples/data/fashion_cnn.lopnet was made by
//   build/examples/train_fashion_mnist --epochs 8 --seed 1 --out examples/data/fashion_cnn.lopnet
//
// Network: conv 3x3 1->16 (padding 1), ReLU, max-pool 2, conv 3x3 16->32 (padding 1), ReLU,
// max-pool 2, flatten, dense 1568->10. Adam (lr 1e-3, halved after every two epochs), batches
// of 64, softmax cross-entropy.
#include <chrono>
#include <cmath>
#include <cstdint>
#include <cstdlib>
#include <fstream>
#include <iostream>
#include <numeric>
#include <string>
#include <vector>

#include <lop/nn/dataset.hpp>
#include <lop/nn/network.hpp>
#include <lop/nn/network_io.hpp>
#include <lop/rounding.hpp>

namespace {

using lop::nn::matrix;
using lop::nn::shape;
using lop::nn::vector;

// lop::splitmix64 with uniform and normal draws.
struct random_source {
  lop::splitmix64 bits;
  std::uint64_t operator()() { return bits(); }
  double uniform() { return static_cast<double>(bits() >> 11) * 0x1.0p-53; }  // [0, 1)
  double normal() {  // Box-Muller
    const double u = 1.0 - uniform();
    return std::sqrt(-2.0 * std::log(u)) * std::cos(6.283185307179586 * uniform());
  }
};

// Adam's state for one parameter block.
struct adam {
  matrix m, v;
  void step(matrix& p, const matrix& g, double lr, long t) {
    if (m.size() == 0) {
      m = matrix::Zero(p.rows(), p.cols());
      v = matrix::Zero(p.rows(), p.cols());
    }
    constexpr float b1 = 0.9F, b2 = 0.999F, eps = 1e-8F;
    m = b1 * m + (1 - b1) * g;
    v = b2 * v + (1 - b2) * g.cwiseProduct(g);
    const auto c1 = static_cast<float>(1 - std::pow(b1, static_cast<double>(t)));
    const auto c2 = static_cast<float>(1 - std::pow(b2, static_cast<double>(t)));
    p.array() -= static_cast<float>(lr) * (m.array() / c1) / ((v.array() / c2).sqrt() + eps);
  }
};

// A conv layer's training state: the input patches of the last forward pass, gradients, Adam.
struct conv_state {
  lop::nn::conv2d* layer;
  shape in, out;
  matrix cols;
  adam w_opt, b_opt;
};

// The sum of im2col's columns back onto the input (the transpose of im2col).
matrix col2im(const matrix& dcols, const shape& in, long samples, int kernel, int padding) {
  const int oh = in.h + 2 * padding - kernel + 1;
  const int ow = in.w + 2 * padding - kernel + 1;
  const long P = static_cast<long>(oh) * ow;
  matrix dx = matrix::Zero(in.size(), samples);
  for (long n = 0; n < samples; ++n)
    for (int oy = 0; oy < oh; ++oy)
      for (int ox = 0; ox < ow; ++ox) {
        const float* g = dcols.col(n * P + oy * ow + ox).data();
        for (int c = 0; c < in.c; ++c)
          for (int ky = 0; ky < kernel; ++ky)
            for (int kx = 0; kx < kernel; ++kx, ++g) {
              const int y = oy + ky - padding, x = ox + kx - padding;
              if (y >= 0 && y < in.h && x >= 0 && x < in.w) dx((static_cast<long>(c) * in.h + y) * in.w + x, n) += *g;
            }
      }
  return dx;
}

// Max-pool 2x2 forward that remembers where each maximum came from.
matrix max_pool2(const matrix& act, const shape& in, std::vector<long>& from) {
  const int oh = in.h / 2, ow = in.w / 2;
  matrix out(static_cast<long>(in.c) * oh * ow, act.cols());
  from.assign(static_cast<std::size_t>(out.size()), 0);
  for (long n = 0; n < act.cols(); ++n)
    for (int c = 0; c < in.c; ++c)
      for (int oy = 0; oy < oh; ++oy)
        for (int ox = 0; ox < ow; ++ox) {
          long best = (static_cast<long>(c) * in.h + 2 * oy) * in.w + 2 * ox;
          for (int k = 1; k < 4; ++k) {
            const long r = (static_cast<long>(c) * in.h + 2 * oy + k / 2) * in.w + 2 * ox + k % 2;
            if (act(r, n) > act(best, n)) best = r;
          }
          const long o = (static_cast<long>(c) * oh + oy) * ow + ox;
          out(o, n) = act(best, n);
          from[static_cast<std::size_t>(n * out.rows() + o)] = best;
        }
  return out;
}

}  // namespace

int main(int argc, char** argv) {
  int epochs = 8;
  std::uint64_t seed = 1;
  std::string out_file = "fashion_cnn.lopnet";
  std::string data_dir = lop::nn::fashion_mnist_dir.string();
  long train_samples = 0;  // 0: all
  long test_samples = 0;
  for (int i = 1; i < argc; ++i) {
    const std::string a = argv[i];
    const auto value = [&]() -> std::string {
      if (i + 1 >= argc) {
        std::cerr << "train_fashion_mnist: " << a << " needs a value\n";
        std::exit(2);
      }
      return argv[++i];
    };
    if (a == "--epochs") {
      epochs = std::stoi(value());
    } else if (a == "--seed") {
      seed = std::stoull(value());
    } else if (a == "--out") {
      out_file = value();
    } else if (a == "--data") {
      data_dir = value();
    } else if (a == "--train-samples") {
      train_samples = std::stol(value());
    } else if (a == "--test-samples") {
      test_samples = std::stol(value());
    } else {
      std::cerr << "usage: train_fashion_mnist [--epochs N] [--seed S] [--out FILE] [--data DIR] "
                   "[--train-samples N] [--test-samples N]\n";
      return 2;
    }
  }
  lop::nn::dataset train, test;
  try {
    train = lop::nn::load_fashion_mnist(lop::nn::split::train, data_dir);
    test = lop::nn::load_fashion_mnist(lop::nn::split::test, data_dir);
  } catch (const lop::nn::data_error& e) {
    std::cerr << e.what() << "\n";
    return 2;
  }
  const auto keep_first = [](lop::nn::dataset& d, long n) {
    if (n <= 0 || n >= d.size()) return;
    d.images = lop::nn::image_batch(lop::nn::slice(d.images, 0, n));
    d.labels.resize(static_cast<std::size_t>(n));
  };
  keep_first(train, train_samples);
  keep_first(test, test_samples);

  // The network, He-initialized from the seed.
  random_source rng{lop::splitmix64(seed)};
  const auto init = [&](long rows, long cols, long fan_in) {
    matrix w(rows, cols);
    const double sd = std::sqrt(2.0 / static_cast<double>(fan_in));
    for (long i = 0; i < w.size(); ++i) w.data()[i] = static_cast<float>(sd * rng.normal());
    return w;
  };
  lop::nn::network net;
  net.input = {1, 28, 28};
  lop::nn::conv2d c1{"conv1", 1, 16, 3, 1, 1, init(16, 9, 9), vector::Zero(16)};
  lop::nn::conv2d c2{"conv2", 16, 32, 3, 1, 1, init(32, 144, 144), vector::Zero(32)};
  lop::nn::dense fc{"fc", 1568, 10, init(10, 1568, 1568), vector::Zero(10)};
  net.layers = {c1, lop::nn::relu{}, lop::nn::max_pool{2, 2}, c2, lop::nn::relu{}, lop::nn::max_pool{2, 2},
                lop::nn::flatten{}, fc};
  auto& L1 = std::get<lop::nn::conv2d>(net.layers[0]);
  auto& L2 = std::get<lop::nn::conv2d>(net.layers[3]);
  auto& F = std::get<lop::nn::dense>(net.layers[7]);
  conv_state s1{&L1, {1, 28, 28}, {16, 28, 28}, {}, {}, {}};
  conv_state s2{&L2, {16, 14, 14}, {32, 14, 14}, {}, {}, {}};
  adam fw, fb;

  constexpr long batch = 64;
  std::vector<long> order(static_cast<std::size_t>(train.size()));
  std::iota(order.begin(), order.end(), 0L);
  long t = 0;
  const auto t0 = std::chrono::steady_clock::now();
  for (int epoch = 1; epoch <= epochs; ++epoch) {
    for (std::size_t i = order.size() - 1; i > 0; --i) std::swap(order[i], order[rng() % (i + 1)]);
    const double lr = 1e-3 * std::pow(0.5, (epoch - 1) / 2);
    double loss_sum = 0;
    for (long first = 0; first + batch <= train.size(); first += batch) {
      ++t;
      matrix x(784, batch);
      for (long j = 0; j < batch; ++j)
        x.col(j) = Eigen::Map<const vector>(train.images.data() + order[static_cast<std::size_t>(first + j)] * 784, 784);
      // Forward, keeping what the backward pass needs.
      const auto conv_forward = [&](conv_state& s, const matrix& in) {
        s.cols = lop::nn::detail::im2col(in, s.in, 3, 1, 1);
        matrix y = lop::nn::detail::columns_to_channels(s.layer->weight * s.cols, batch);
        const long P = static_cast<long>(s.out.h) * s.out.w;
        for (long m = 0; m < s.out.c; ++m) y.middleRows(m * P, P).array() += s.layer->bias[m];
        return y;
      };
      const matrix a1 = conv_forward(s1, x).cwiseMax(0.0F);
      std::vector<long> from1, from2;
      const matrix p1 = max_pool2(a1, s1.out, from1);
      const matrix a2 = conv_forward(s2, p1).cwiseMax(0.0F);
      const matrix p2 = max_pool2(a2, s2.out, from2);
      matrix logits = F.weight * p2;
      logits.colwise() += F.bias;
      matrix g = lop::nn::softmax(logits);
      for (long j = 0; j < batch; ++j) {
        const int label = train.labels[static_cast<std::size_t>(order[static_cast<std::size_t>(first + j)])];
        loss_sum -= std::log(std::max(g(label, j), 1e-12F));
        g(label, j) -= 1.0F;
      }
      g /= static_cast<float>(batch);
      // Backward.
      const matrix dp2 = F.weight.transpose() * g;
      const matrix gw = g * p2.transpose();
      const matrix gb = g.rowwise().sum();
      const auto unpool_relu = [&](const matrix& dp, const matrix& a, const std::vector<long>& from) {
        matrix da = matrix::Zero(a.rows(), a.cols());
        for (long n = 0; n < dp.cols(); ++n)
          for (long o = 0; o < dp.rows(); ++o) {
            const long r = from[static_cast<std::size_t>(n * dp.rows() + o)];
            if (a(r, n) > 0) da(r, n) += dp(o, n);
          }
        return da;
      };
      const auto conv_backward = [&](conv_state& s, const matrix& dy, bool need_dx) {
        const long P = static_cast<long>(s.out.h) * s.out.w;
        matrix dcols_y(s.out.c, batch * P);  // channels layout -> columns (im2col's order)
        for (long n = 0; n < batch; ++n)
          for (long p = 0; p < P; ++p)
            for (long m = 0; m < s.out.c; ++m) dcols_y(m, n * P + p) = dy(m * P + p, n);
        const matrix dw = dcols_y * s.cols.transpose();
        const matrix db = dcols_y.rowwise().sum();
        matrix dx;
        if (need_dx) dx = col2im(s.layer->weight.transpose() * dcols_y, s.in, batch, 3, 1);
        s.w_opt.step(s.layer->weight, dw, lr, t);
        matrix b = s.layer->bias;
        s.b_opt.step(b, db, lr, t);
        s.layer->bias = b;
        return dx;
      };
      const matrix da2 = unpool_relu(dp2, a2, from2);
      const matrix dp1 = conv_backward(s2, da2, true);
      const matrix da1 = unpool_relu(dp1, a1, from1);
      (void)conv_backward(s1, da1, false);
      fw.step(F.weight, gw, lr, t);
      matrix b = F.bias;
      fb.step(b, gb, lr, t);
      F.bias = b;
    }
    const double secs = std::chrono::duration<double>(std::chrono::steady_clock::now() - t0).count();
    std::cout << "epoch " << epoch << ": loss " << loss_sum / static_cast<double>(train.size() / batch * batch)
              << ", test accuracy " << 100 * lop::nn::accuracy(net, test) << " % (" << secs << " s)" << std::endl;
  }
  const double acc = lop::nn::accuracy(net, test);
  std::ofstream out(out_file);
  lop::nn::write_network(out, net,
                         "lop's default Fashion-MNIST CNN: examples/train_fashion_mnist --epochs " +
                             std::to_string(epochs) + " --seed " + std::to_string(seed) + "; float test accuracy " +
                             std::to_string(100 * acc) + " %");
  out.close();
  if (!out) {
    std::cerr << "train_fashion_mnist: cannot write " << out_file << "\n";
    return 1;
  }
  std::cout << "float test accuracy " << 100 * acc << " %, written to " << out_file << "\n";
  return 0;
}
