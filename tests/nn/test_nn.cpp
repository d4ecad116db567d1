// lop::nn against independent references: IDX files written here byte by byte (plain and
// gzip) and read back; every layer of a random network against direct nested-loop formulas
// (no im2col); network files and .npy arrays written and read back exactly; every malformed
// input refused with its message; quantized inference against a layer-by-layer run of
// lop::pe_model on values quantized by lop's own conversion; and, when Debian's
// dataset-fashion-mnist is installed, the committed default network's float test accuracy
// (>= 90 %, issue 5) and its 8-bit fixed-point accuracy.
#include <catch2/catch.hpp>
#include <zlib.h>

#include <array>
#include <bit>
#include <cmath>
#include <cstdint>
#include <filesystem>
#include <fstream>
#include <functional>
#include <sstream>
#include <string>
#include <vector>

#include "lop/nn/dataset.hpp"
#include "lop/nn/network.hpp"
#include "lop/nn/network_io.hpp"
#include "lop/nn/quantized.hpp"

namespace {

namespace fs = std::filesystem;
using lop::nn::matrix;
using lop::nn::vector;

fs::path temp_dir(const std::string& name) {
  const fs::path d = fs::temp_directory_path() / ("lop_test_nn_" + name);
  fs::remove_all(d);
  fs::create_directories(d);
  return d;
}

std::vector<unsigned char> idx_bytes(const std::vector<std::uint32_t>& dims, const std::vector<unsigned char>& data) {
  std::vector<unsigned char> b{0, 0, 0x08, static_cast<unsigned char>(dims.size())};
  for (std::uint32_t d : dims)
    for (int s = 24; s >= 0; s -= 8) b.push_back(static_cast<unsigned char>(d >> s));
  b.insert(b.end(), data.begin(), data.end());
  return b;
}

void write_bytes(const fs::path& p, const std::vector<unsigned char>& b, bool gzip) {
  if (gzip) {
    gzFile f = gzopen(p.string().c_str(), "wb");
    REQUIRE(f != nullptr);
    REQUIRE(gzwrite(f, b.data(), static_cast<unsigned>(b.size())) == static_cast<int>(b.size()));
    gzclose(f);
  } else {
    std::ofstream(p, std::ios::binary).write(reinterpret_cast<const char*>(b.data()), static_cast<std::streamsize>(b.size()));
  }
}

std::string error_of(const std::function<void()>& f) {
  try {
    f();
  } catch (const lop::nn::data_error& e) {
    return e.what();
  }
  return "(no error)";
}

// Deterministic pseudo-random floats in [-1, 1).
struct rnd {
  std::uint64_t s;
  float operator()() {
    s = s * 6364136223846793005ULL + 1442695040888963407ULL;
    return static_cast<float>(static_cast<double>(s >> 11) * 0x1.0p-52 - 1.0);
  }
};

matrix random_matrix(long r, long c, rnd& g) {
  matrix m(r, c);
  for (long i = 0; i < m.size(); ++i) m.data()[i] = g();
  return m;
}

// The reference: one sample as a (c, y, x) array, each layer written out as its formula.
struct ref_tensor {
  int c, h, w;
  std::vector<double> v;
  double& at(int ci, int y, int x) { return v[(static_cast<std::size_t>(ci) * h + y) * w + x]; }
};

ref_tensor ref_conv(ref_tensor& in, const lop::nn::conv2d& l) {
  const int oh = (in.h + 2 * l.padding - l.kernel) / l.stride + 1;
  const int ow = (in.w + 2 * l.padding - l.kernel) / l.stride + 1;
  ref_tensor out{l.out_channels, oh, ow, std::vector<double>(static_cast<std::size_t>(l.out_channels) * oh * ow)};
  for (int o = 0; o < l.out_channels; ++o)
    for (int y = 0; y < oh; ++y)
      for (int x = 0; x < ow; ++x) {
        double s = l.bias[o];
        for (int c = 0; c < in.c; ++c)
          for (int ky = 0; ky < l.kernel; ++ky)
            for (int kx = 0; kx < l.kernel; ++kx) {
              const int iy = y * l.stride + ky - l.padding, ix = x * l.stride + kx - l.padding;
              if (iy < 0 || iy >= in.h || ix < 0 || ix >= in.w) continue;
              s += static_cast<double>(l.weight(o, (c * l.kernel + ky) * l.kernel + kx)) * in.at(c, iy, ix);
            }
        out.at(o, y, x) = s;
      }
  return out;
}

ref_tensor ref_pool(ref_tensor& in, int size, int stride, bool max) {
  const int oh = (in.h - size) / stride + 1, ow = (in.w - size) / stride + 1;
  ref_tensor out{in.c, oh, ow, std::vector<double>(static_cast<std::size_t>(in.c) * oh * ow)};
  for (int c = 0; c < in.c; ++c)
    for (int y = 0; y < oh; ++y)
      for (int x = 0; x < ow; ++x) {
        double r = max ? -1e300 : 0;
        for (int ky = 0; ky < size; ++ky)
          for (int kx = 0; kx < size; ++kx) {
            const double v = in.at(c, y * stride + ky, x * stride + kx);
            r = max ? std::max(r, v) : r + v;
          }
        out.at(c, y, x) = max ? r : r / (size * size);
      }
  return out;
}

// A network with every layer kind: strided and padded convolutions, both poolings, dense.
lop::nn::network small_network(rnd& g) {
  lop::nn::network net;
  net.input = {2, 11, 9};
  lop::nn::conv2d c1{"c1", 2, 3, 3, 2, 1, random_matrix(3, 18, g), random_matrix(3, 1, g)};  // -> 3 x 6 x 5
  lop::nn::conv2d c2{"c2", 3, 4, 2, 1, 0, random_matrix(4, 12, g), random_matrix(4, 1, g)};  // -> 4 x 5 x 4
  lop::nn::dense d{"fc", 8, 5, random_matrix(5, 8, g), random_matrix(5, 1, g)};
  // max_pool 2/1 -> 4 x 4 x 3, avg_pool 2/2 -> 4 x 2 x 1, flatten -> 8, dense -> 5
  net.layers = {c1, lop::nn::relu{}, c2, lop::nn::max_pool{2, 1}, lop::nn::avg_pool{2, 2}, lop::nn::flatten{}, d};
  return net;
}

}  // namespace

TEST_CASE("nn: IDX files, plain and gzip, and their errors", "[nn]") {
  const fs::path dir = temp_dir("idx");
  std::vector<unsigned char> pixels(3 * 2 * 4);
  for (std::size_t i = 0; i < pixels.size(); ++i) pixels[i] = static_cast<unsigned char>(i * 11);
  for (const bool gz : {false, true}) {
    const fs::path p = dir / (gz ? "img.gz" : "img");
    write_bytes(p, idx_bytes({3, 2, 4}, pixels), gz);
    const lop::nn::image_batch t = lop::nn::read_idx_images(p);
    REQUIRE(t.dimension(0) == 3);
    REQUIRE(t.dimension(1) == 1);
    REQUIRE(t.dimension(2) == 2);
    REQUIRE(t.dimension(3) == 4);
    for (long n = 0; n < 3; ++n)
      for (long y = 0; y < 2; ++y)
        for (long x = 0; x < 4; ++x)
          CHECK(t(n, 0, y, x) == static_cast<float>(pixels[static_cast<std::size_t>((n * 2 + y) * 4 + x)]) / 255.0F);
  }
  write_bytes(dir / "lab.gz", idx_bytes({3}, {7, 0, 9}), true);
  CHECK(lop::nn::read_idx_labels(dir / "lab.gz") == std::vector<std::uint8_t>{7, 0, 9});

  write_bytes(dir / "bad1", {1, 0, 8, 1, 0, 0, 0, 0}, false);
  CHECK_THAT(error_of([&] { (void)lop::nn::read_idx_labels(dir / "bad1"); }), Catch::Contains("magic number"));
  write_bytes(dir / "bad2", idx_bytes({2}, {1, 2, 3}), false);
  CHECK_THAT(error_of([&] { (void)lop::nn::read_idx_labels(dir / "bad2"); }),
             Catch::Contains("the dimensions say 2 bytes of data, the file has 3"));
  CHECK_THAT(error_of([&] { (void)lop::nn::read_idx_images(dir / "lab.gz"); }), Catch::Contains("it has 1 dimensions"));
  CHECK_THAT(error_of([&] { (void)lop::nn::read_idx_labels(dir / "none"); }), Catch::Contains("cannot open"));

  // Fashion-MNIST's file names in a directory of our own; a missing one names the package.
  write_bytes(dir / "t10k-images-idx3-ubyte.gz", idx_bytes({3, 2, 4}, pixels), true);
  CHECK_THAT(error_of([&] { (void)lop::nn::load_fashion_mnist(lop::nn::split::test, dir); }),
             Catch::Contains("t10k-labels-idx1-ubyte.gz is missing. Install Debian's package with `apt-get install dataset-fashion-mnist`"));
  write_bytes(dir / "t10k-labels-idx1-ubyte", idx_bytes({3}, {1, 2, 3}), false);
  const lop::nn::dataset d = lop::nn::load_fashion_mnist(lop::nn::split::test, dir);
  CHECK(d.size() == 3);
  CHECK(d.classes[9] == "Ankle boot");
  write_bytes(dir / "t10k-labels-idx1-ubyte", idx_bytes({3}, {1, 2, 10}), false);
  CHECK_THAT(error_of([&] { (void)lop::nn::load_fashion_mnist(lop::nn::split::test, dir); }), Catch::Contains("label 10"));
}

TEST_CASE("nn: every layer against its formula", "[nn]") {
  rnd g{42};
  const lop::nn::network net = small_network(g);
  const auto shapes = net.shapes();
  CHECK(shapes[0] == lop::nn::shape{3, 6, 5});
  CHECK(shapes[2] == lop::nn::shape{4, 5, 4});
  CHECK(shapes[3] == lop::nn::shape{4, 4, 3});
  CHECK(shapes[4] == lop::nn::shape{4, 2, 1});
  CHECK(shapes[5] == lop::nn::shape{8, 1, 1});
  REQUIRE(shapes.back() == lop::nn::shape{5, 1, 1});

  lop::nn::image_batch x(3, 2, 11, 9);
  for (long i = 0; i < x.size(); ++i) x.data()[i] = g();
  const matrix y = net.forward(x);
  REQUIRE(y.rows() == 5);
  REQUIRE(y.cols() == 3);
  const auto& c1 = std::get<lop::nn::conv2d>(net.layers[0]);
  const auto& c2 = std::get<lop::nn::conv2d>(net.layers[2]);
  const auto& fc = std::get<lop::nn::dense>(net.layers[6]);
  for (int n = 0; n < 3; ++n) {
    ref_tensor t{2, 11, 9, {}};
    for (int c = 0; c < 2; ++c)
      for (int yy = 0; yy < 11; ++yy)
        for (int xx = 0; xx < 9; ++xx) t.v.push_back(x(n, c, yy, xx));
    ref_tensor a = ref_conv(t, c1);
    for (double& v : a.v) v = std::max(v, 0.0);
    ref_tensor b = ref_conv(a, c2);
    ref_tensor p = ref_pool(b, 2, 1, true);
    ref_tensor q = ref_pool(p, 2, 2, false);
    for (int o = 0; o < 5; ++o) {
      double s = fc.bias[o];
      for (int i = 0; i < 8; ++i) s += static_cast<double>(fc.weight(o, i)) * q.v[static_cast<std::size_t>(i)];
      CHECK(y(o, n) == Approx(s).margin(1e-5));
    }
  }
  // argmax and softmax.
  matrix z(3, 2);
  z << 1, 5, 3, 5, 2, -1;
  CHECK(lop::nn::argmax(z) == std::vector<int>{1, 0});
  const matrix sm = lop::nn::softmax(z);
  CHECK(sm.col(0).sum() == Approx(1));
  CHECK(sm(1, 0) == Approx(std::exp(3.0) / (std::exp(1.0) + std::exp(3.0) + std::exp(2.0))));

  // A layer that does not fit is named.
  lop::nn::network bad = net;
  std::get<lop::nn::dense>(bad.layers[6]).in = 9;
  CHECK_THAT(error_of([&] { (void)bad.shapes(); }), Catch::Contains("layer 6: dense fc takes 9 inputs, it gets 8"));
  bad = net;
  bad.layers.erase(bad.layers.begin() + 5);
  CHECK_THAT(error_of([&] { (void)bad.shapes(); }), Catch::Contains("needs a flat input; put a flatten layer before it"));
  CHECK_THAT(error_of([&] { (void)net.forward(lop::nn::image_batch(1, 1, 11, 9)); }),
             Catch::Contains("images are 1x11x9, the network takes 2x11x9"));
}

TEST_CASE("nn: network files and .npy arrays round-trip exactly", "[nn]") {
  rnd g{7};
  const lop::nn::network net = small_network(g);
  const fs::path dir = temp_dir("io");
  {
    std::ofstream out(dir / "net.lopnet");
    lop::nn::write_network(out, net, "test network");
  }
  const lop::nn::network back = lop::nn::read_network(dir / "net.lopnet");
  REQUIRE(back.layers.size() == net.layers.size());
  CHECK(std::get<lop::nn::conv2d>(back.layers[0]).weight == std::get<lop::nn::conv2d>(net.layers[0]).weight);
  CHECK(std::get<lop::nn::conv2d>(back.layers[2]).stride == 1);
  CHECK(std::get<lop::nn::dense>(back.layers[6]).bias == std::get<lop::nn::dense>(net.layers[6]).bias);
  lop::nn::image_batch x(2, 2, 11, 9);
  for (long i = 0; i < x.size(); ++i) x.data()[i] = g();
  CHECK(back.forward(x) == net.forward(x));  // bit for bit

  // .npy: float32 written here, float64 and Fortran order by hand.
  const matrix w = std::get<lop::nn::dense>(net.layers[6]).weight;  // 5 x 8
  std::vector<float> rowmajor;
  for (long r = 0; r < 5; ++r)
    for (long c = 0; c < 8; ++c) rowmajor.push_back(w(r, c));
  {
    std::ofstream o(dir / "w.npy", std::ios::binary);
    lop::nn::write_npy(o, {5, 8}, rowmajor);
  }
  const lop::nn::npy_array a = lop::nn::read_npy(dir / "w.npy");
  CHECK(a.shape == std::vector<long>{5, 8});
  CHECK(a.values == rowmajor);
  {
    std::string h = "{'descr': '<f8', 'fortran_order': True, 'shape': (2, 3), }";
    while ((10 + h.size() + 1) % 64 != 0) h += ' ';
    h += '\n';
    std::ofstream o(dir / "f.npy", std::ios::binary);
    o.write("\x93NUMPY\x01\x00", 8);
    const char len[2] = {static_cast<char>(h.size()), 0};
    o.write(len, 2);
    o << h;
    for (double v : {1.0, 4.0, 2.0, 5.0, 3.0, 6.0}) o.write(reinterpret_cast<const char*>(&v), 8);  // column-major
  }
  const lop::nn::npy_array f = lop::nn::read_npy(dir / "f.npy");
  CHECK(f.values == std::vector<float>{1, 2, 3, 4, 5, 6});

  // A network file whose tensors are .npy files.
  {
    std::ofstream o(dir / "bias.npy", std::ios::binary);
    lop::nn::write_npy(o, {5}, std::vector<float>(5, 0.5F));
    std::ofstream n(dir / "npy.lopnet");
    n << "lop-network 1\ninput 8 1 1\ndense fc in=8 out=5\ntensor fc.weight npy=w.npy\ntensor fc.bias npy=bias.npy\n";
  }
  const lop::nn::network viaz = lop::nn::read_network(dir / "npy.lopnet");
  CHECK(std::get<lop::nn::dense>(viaz.layers[0]).weight == w);
  CHECK(std::get<lop::nn::dense>(viaz.layers[0]).bias == vector::Constant(5, 0.5F));

  // Malformed files.
  const auto read = [&](const std::string& text) {
    std::ofstream(dir / "bad.lopnet") << text;
    return error_of([&] { (void)lop::nn::read_network(dir / "bad.lopnet"); });
  };
  CHECK_THAT(read("network 1\n"), Catch::Contains("bad.lopnet:1: expected the header 'lop-network 1'"));
  CHECK_THAT(read("lop-network 1\ninput 1 2 2\nconv3d x\n"), Catch::Contains(":3: unknown line 'conv3d'"));
  CHECK_THAT(read("lop-network 1\ninput 4 1 1\ndense fc in=4\n"), Catch::Contains(":3: dense needs out=N"));
  CHECK_THAT(read("lop-network 1\ninput 4 1 1\ndense fc in=4 out=2 bias=1\n"), Catch::Contains("unknown argument"));
  CHECK_THAT(read("lop-network 1\ninput 2 1 1\ndense fc in=2 out=1\ntensor fc.weight 1 2\n1 x\n"),
             Catch::Contains(":5: 'x' is not a number"));
  CHECK_THAT(read("lop-network 1\ninput 2 1 1\ndense fc in=2 out=1\ntensor fc.weight 1 2\n1\n"),
             Catch::Contains("the last tensor has 1 of its 2 values"));
  CHECK_THAT(read("lop-network 1\ninput 2 1 1\ndense fc in=2 out=1\ntensor fc.weight 1 2\n1 2\n"),
             Catch::Contains("has no tensor fc.bias"));
  CHECK_THAT(read("lop-network 1\ninput 2 1 1\ndense fc in=2 out=1\ntensor fc.weight 2 1\n1 2\ntensor fc.bias 1\n0\n"),
             Catch::Contains("tensor fc.weight must have 1 rows of 2 values"));
  CHECK_THAT(read("lop-network 1\ninput 2 1 1\ndense fc in=2 out=1\ntensor fc.weight npy=nothere.npy\n"),
             Catch::Contains("cannot open the NumPy file"));
  CHECK_THAT(error_of([&] { (void)lop::nn::read_network(dir / "absent.lopnet"); }), Catch::Contains("cannot open the network file"));
  {
    std::ofstream o(dir / "int.npy", std::ios::binary);
    std::string h = "{'descr': '<i8', 'fortran_order': False, 'shape': (1,), }";
    while ((10 + h.size() + 1) % 64 != 0) h += ' ';
    h += '\n';
    o.write("\x93NUMPY\x01\x00", 8);
    const char len[2] = {static_cast<char>(h.size()), 0};
    o.write(len, 2);
    o << h;
    o.write("\0\0\0\0\0\0\0\0", 8);
  }
  CHECK_THAT(error_of([&] { (void)lop::nn::read_npy(dir / "int.npy"); }), Catch::Contains("dtype '<i8'; save float32 or float64"));
}

TEST_CASE("nn: the committed default network on Fashion-MNIST", "[nn][fashion]") {
  if (!fs::exists(lop::nn::fashion_mnist_dir / "t10k-images-idx3-ubyte.gz")) {
    WARN("Debian's dataset-fashion-mnist is not installed; skipping the accuracy check");
    return;
  }
  const lop::nn::dataset test = lop::nn::load_fashion_mnist(lop::nn::split::test);
  REQUIRE(test.size() == 10000);
  CHECK(test.images.dimension(2) == 28);
  CHECK(test.labels[0] == 9);  // the first test image is an ankle boot
  const lop::nn::network net = lop::nn::read_network(LOP_DEFAULT_NETWORK);
  const double acc = lop::nn::accuracy(net, test);
  INFO("float test accuracy " << acc);
  CHECK(acc >= 0.90);
}

TEST_CASE("nn: quantizing floats, the fast path against lop's conversion", "[nn][quantized]") {
  rnd g{11};
  long checked = 0;
  for (int t = 0; t < 300; ++t) {
    lop::fixed_format f{2 + static_cast<int>((g() + 1) * 15), static_cast<int>(g() * 12), g() > 0,
                        static_cast<lop::rounding>(static_cast<int>((g() + 1) * 3.5) % 7),
                        static_cast<lop::overflow>(static_cast<int>((g() + 1) * 2) % 4)};
    if (f.round == lop::rounding::stochastic) f.round = lop::rounding::half_even;
    if (lop::validate(f) != nullptr) continue;
    const lop::number_format nf(f);
    for (int i = 0; i < 400; ++i) {
      float x = g() * std::ldexp(1.0F, f.width - f.frac);  // in range and beyond it
      if (i % 4 == 0) x = std::ldexp(std::round(x * std::ldexp(1.0F, f.frac + 1)), -(f.frac + 1));  // ties
      const auto want = static_cast<std::int64_t>(lop::detail::convert_raw(
          nf, lop::formats::fp32, static_cast<lop::detail::i128>(std::bit_cast<std::uint32_t>(x)), 0));
      CHECK(lop::nn::detail::quantize(nf, x) == want);
      ++checked;
    }
  }
  CHECK(checked > 50000);
  CHECK(lop::nn::detail::dequantize(lop::fixed_format{8, 3, true}, -20) == -2.5F);
  CHECK(lop::nn::detail::dequantize(lop::formats::bf16, 0x3FC0) == 1.5F);
}

TEST_CASE("nn: quantized inference equals a layer-by-layer PE run", "[nn][quantized]") {
  rnd g{5};
  lop::nn::network net;
  net.input = {6, 1, 1};
  net.layers = {lop::nn::flatten{}, lop::nn::dense{"d1", 6, 4, random_matrix(4, 6, g), random_matrix(4, 1, g)},
                lop::nn::relu{}, lop::nn::dense{"d2", 4, 3, random_matrix(3, 4, g), random_matrix(3, 1, g)}};
  lop::nn::image_batch x(5, 6, 1, 1);
  for (long i = 0; i < x.size(); ++i) x.data()[i] = g();
  const auto ranges = lop::nn::calibrate(net, x);
  REQUIRE(ranges.size() == 2);
  CHECK(ranges.at(1).weights == std::get<lop::nn::dense>(net.layers[1]).weight.cwiseAbs().maxCoeff());
  const lop::nn::layer_precision p1{lop::parse_pe_spec("pe<a=fixed<6,0,signed,half_even,saturate>,b=fixed<7,0,signed,"
                                                       "half_away,saturate>,acc=fixed<24,0,signed,floor,saturate>,"
                                                       "out=fixed<10,0,signed,half_even,saturate>>"),
                                    0};
  const lop::nn::layer_precision p2{lop::parse_pe_spec("pe<a=fp8_e4m3fn,b=fp8_e5m2,acc=fp32,out=fp16>"), 0};
  const std::vector<lop::pe_spec> specs = lop::nn::layer_specs(net, ranges, {p1, p2});
  // fraction_for: the most fraction bits that keep the magnitude representable.
  const float w1 = ranges.at(1).weights;
  CHECK(specs[1].a.fixed.frac == static_cast<int>(std::floor(std::log2(31.0 / w1))));
  CHECK(specs[1].acc.fixed.frac == specs[1].a.fixed.frac + specs[1].b.fixed.frac);
  CHECK(lop::nn::fraction_for(lop::fixed_format{8, 0, true}, 1.0F) == 6);    // 1.0 * 2^6 = 64 <= 127
  CHECK(lop::nn::fraction_for(lop::fixed_format{8, 0, false}, 1.0F) == 7);   // 128 <= 255
  CHECK(lop::nn::fraction_for(lop::fixed_format{8, 0, true}, 100.0F) == 0);  // 100 <= 127
  CHECK(lop::nn::fraction_for(lop::fixed_format{8, 0, true}, 200.0F) == -1);

  lop::nn::pe_arithmetic arith(specs);
  const matrix got = net.forward(x, arith);
  // The same by hand: quantize, MAC with pe_model, dequantize, bias, ReLU.
  const auto layer = [](const lop::pe_spec& s, const lop::nn::dense& d, const matrix& in) {
    matrix out(d.out, in.cols());
    for (long n = 0; n < in.cols(); ++n)
      for (long o = 0; o < d.out; ++o) {
        lop::pe_model pe(s);
        for (long k = 0; k < d.in; ++k)
          pe.mac(lop::nn::detail::quantize(s.a, d.weight(o, k)), lop::nn::detail::quantize(s.b, in(k, n)), k == 0);
        out(o, n) = lop::nn::detail::dequantize(s.out, static_cast<std::int64_t>(pe.out())) + d.bias[o];
      }
    return out;
  };
  matrix in(6, 5);
  for (long n = 0; n < 5; ++n)
    for (long k = 0; k < 6; ++k) in(k, n) = x(n, k, 0, 0);
  const matrix h = layer(specs[1], std::get<lop::nn::dense>(net.layers[1]), in).cwiseMax(0.0F);
  const matrix want = layer(specs[3], std::get<lop::nn::dense>(net.layers[3]), h);
  CHECK(got == want);
  CHECK_THAT(error_of([&] { (void)lop::nn::layer_specs(net, {}, {p1}); }), Catch::Contains("has no calibration range"));

  // record_operands: every recorded dot product is a quantized weight row against a column of
  // the layer's quantized inputs — for d2 the quantized network's own activations h.
  const auto rec = lop::nn::record_operands(net, x, specs, 20, 9);
  REQUIRE(rec.size() == 2);
  const std::array<const matrix*, 2> inputs{&in, &h};
  for (std::size_t r = 0; r < 2; ++r) {
    const auto& d = std::get<lop::nn::dense>(net.layers[rec[r].layer]);
    const lop::pe_spec& s = rec[r].spec;
    CHECK(rec[r].layer == (r == 0 ? 1U : 3U));
    CHECK(rec[r].depth == d.in);
    CHECK(rec[r].dots() == 20);
    CHECK(rec[r].network_macs == d.out * d.in * 5);
    for (long dot = 0; dot < 20; ++dot) {
      bool row_found = false, column_found = false;
      for (long o = 0; o < d.out; ++o) {
        bool same = true;
        for (long k = 0; k < d.in; ++k)
          same = same && rec[r].a[static_cast<std::size_t>(dot * d.in + k)] == lop::nn::detail::quantize(s.a, d.weight(o, k));
        row_found = row_found || same;
      }
      for (long n = 0; n < 5; ++n) {
        bool same = true;
        for (long k = 0; k < d.in; ++k)
          same = same && rec[r].b[static_cast<std::size_t>(dot * d.in + k)] ==
                             lop::nn::detail::quantize(s.b, (*inputs[r])(k, n));
        column_found = column_found || same;
      }
      INFO("layer " << rec[r].layer << ", dot " << dot);
      CHECK(row_found);
      CHECK(column_found);
    }
  }
  CHECK(lop::nn::record_operands(net, x, specs, 20, 9)[1].b == rec[1].b);  // reproducible from the seed
  CHECK(lop::nn::record_operands(net, x, specs, 20, 10)[1].b != rec[1].b);
}

TEST_CASE("nn: the default network with 8-bit fixed-point PEs", "[nn][fashion]") {
  if (!fs::exists(lop::nn::fashion_mnist_dir / "t10k-images-idx3-ubyte.gz")) {
    WARN("Debian's dataset-fashion-mnist is not installed; skipping");
    return;
  }
  const lop::nn::network net = lop::nn::read_network(LOP_DEFAULT_NETWORK);
  lop::nn::dataset test = lop::nn::load_fashion_mnist(lop::nn::split::test);
  const lop::nn::image_batch calib = lop::nn::slice(lop::nn::load_fashion_mnist(lop::nn::split::train).images, 0, 500);
  test.images = lop::nn::image_batch(lop::nn::slice(test.images, 0, 1000));
  test.labels.resize(1000);
  const lop::nn::layer_precision p{
      lop::parse_pe_spec("pe<a=fixed<8,0,signed,half_even,saturate>,b=fixed<8,0,unsigned,half_even,saturate>,"
                         "acc=fixed<32,0,signed,floor,saturate>,out=fixed<16,0,signed,half_even,saturate>>"),
      0};
  lop::nn::pe_arithmetic arith(lop::nn::layer_specs(net, lop::nn::calibrate(net, calib), {p}));
  const double q = lop::nn::accuracy(net, test, arith);
  const double f = lop::nn::accuracy(net, test);
  INFO("first 1000 test images: float " << f << ", 8-bit fixed " << q);
  CHECK(std::abs(q - f) <= 0.01);
}

TEST_CASE("nn: the fast fixed-point path gives the PE's bits", "[nn][quantized]") {
  rnd g{2024};
  int fast_layers = 0;
  for (int t = 0; t < 120; ++t) {
    const auto pick = [&](int lo, int hi) { return lo + static_cast<int>((g() + 1) * 0.5 * (hi - lo + 1)) % (hi - lo + 1); };
    const lop::fixed_format a{pick(2, 10), 0, g() > -0.5, static_cast<lop::rounding>(pick(0, 6) == 5 ? 4 : pick(0, 6)),
                              static_cast<lop::overflow>(pick(1, 3))};
    const lop::fixed_format b{pick(2, 10), 0, g() > 0, static_cast<lop::rounding>(pick(0, 4)), static_cast<lop::overflow>(pick(1, 3))};
    lop::fixed_format acc{pick(20, 40), 0, true, lop::rounding::floor, lop::overflow::saturate};
    lop::fixed_format out{pick(4, 23), 0, g() > -0.3, static_cast<lop::rounding>(pick(0, 4)), static_cast<lop::overflow>(pick(1, 3))};
    lop::nn::network net;
    const int in = pick(1, 40), hid = pick(1, 12);
    net.input = {in, 1, 1};
    net.layers = {lop::nn::flatten{}, lop::nn::dense{"d1", in, hid, random_matrix(hid, in, g), random_matrix(hid, 1, g)},
                  lop::nn::relu{}, lop::nn::dense{"d2", hid, 3, random_matrix(3, hid, g), random_matrix(3, 1, g)}};
    lop::nn::image_batch x(7, in, 1, 1);
    for (long i = 0; i < x.size(); ++i) x.data()[i] = g() * 3;
    const lop::nn::layer_precision p{lop::pe_spec{a, b, acc, out}, pick(0, 2)};
    std::vector<lop::pe_spec> specs;
    try {
      specs = lop::nn::layer_specs(net, lop::nn::calibrate(net, x, lop::nn::calibration_method::percentile, 90), {p});
    } catch (const lop::nn::data_error&) {
      continue;  // a calibrated format out of lop's limits
    }
    // Half the inputs become exact ties of the first layer's input format (x.5 units).
    const int fb = specs[1].b.fixed.frac;
    for (long i = 0; i < x.size(); i += 2)
      x.data()[i] = std::ldexp(std::floor(std::ldexp(x.data()[i], fb)) + 0.5F, -fb);
    lop::nn::pe_arithmetic fast(specs), slow(specs, lop::lfsr32::default_seed, false);
    const matrix yf = net.forward(x, fast), ys = net.forward(x, slow);
    for (std::size_t i : {std::size_t{1}, std::size_t{3}})
      fast_layers += lop::detail::exact_sum_bits(specs[i], i == 1 ? in : hid) != 0 &&
                     lop::detail::choose_kernel(specs[i], i == 1 ? in : hid) == lop::gemm_kernel::exact;
    INFO(lop::to_string(specs[1]) << " / " << lop::to_string(specs[3]));
    CHECK(yf == ys);
  }
  CHECK(fast_layers >= 50);

  // Float PEs: lop::gemm's fp32 kernel on float values (float_rounder) against pe_gemm's raws,
  // through convolutions (padding zeros) and dense layers; tiny and huge inputs reach the
  // formats' subnormals and overflow (which the rounder leaves to lop's conversion).
  const std::array<lop::number_format, 5> fl{lop::formats::fp8_e4m3fn, lop::formats::fp8_e5m2,
                                             lop::formats::fp8_e4m3fnuz, lop::formats::bf16, lop::formats::fp16};
  const std::array<lop::number_format, 4> outs{lop::formats::fp16, lop::formats::fp8_e4m3fn, lop::formats::bf16,
                                               lop::fixed_format{16, 6, true, lop::rounding::half_even, lop::overflow::saturate}};
  int float_layers = 0;
  for (int t = 0; t < 40; ++t) {
    const auto pick = [&](std::size_t n) { return static_cast<std::size_t>((g() + 1) * 0.5 * static_cast<double>(n)) % n; };
    lop::nn::network net;
    net.input = {2, 6, 5};
    net.layers = {lop::nn::conv2d{"c", 2, 3, 3, 1, 1, random_matrix(3, 18, g), random_matrix(3, 1, g)}, lop::nn::relu{},
                  lop::nn::flatten{}, lop::nn::dense{"d", 90, 4, random_matrix(4, 90, g), random_matrix(4, 1, g)}};
    lop::nn::image_batch x(3, 2, 6, 5);
    const float scale = std::ldexp(1.0F, static_cast<int>(g() * 24));
    for (long i = 0; i < x.size(); ++i) x.data()[i] = g() * scale;
    std::vector<lop::pe_spec> specs(4);
    for (std::size_t i : {std::size_t{0}, std::size_t{3}}) {
      specs[i].a = fl[pick(fl.size())];
      specs[i].b = fl[pick(fl.size())];
      specs[i].acc = lop::formats::fp32;
      specs[i].out = outs[pick(outs.size())];
      REQUIRE(lop::validate(specs[i]) == nullptr);
      float_layers += lop::detail::float32_kernel_applies(specs[i]);
    }
    lop::nn::pe_arithmetic fast(specs), slow(specs, lop::lfsr32::default_seed, false);
    const matrix yf = net.forward(x, fast), ys = net.forward(x, slow);
    INFO(lop::to_string(specs[0]) << " / " << lop::to_string(specs[3]) << " scale " << scale);
    CHECK(((yf.array() == ys.array()) || (yf.array().isNaN() && ys.array().isNaN())).all());
  }
  CHECK(float_layers >= 40);
}

TEST_CASE("nn: separable approximate products give the PE's bits", "[nn][quantized]") {
  // DRUM (both sign conventions) and Ax-BxP (both block rules) run as sums of exact matrix
  // products (lop/separable_products.hpp) when the accumulator cannot overflow; against the
  // per-MAC path (fast = false), through a convolution and dense layers, each signedness.
  rnd g{4242};
  int separable_layers = 0;
  const std::vector<lop::multiplier> muls{
      lop::multiplier::drum(3), lop::multiplier::drum(4, lop::mul_negate::exact),
      lop::multiplier::axbxp(2, 2, 2, 3, lop::block_select::fixed), lop::multiplier::axbxp(2, 3, 2, 4, lop::block_select::dynamic),
      lop::multiplier::axbxp(2, 2, 3, 6, lop::block_select::dynamic)};
  for (int t = 0; t < 60; ++t) {
    const auto pick = [&](int lo, int hi) { return lo + static_cast<int>((g() + 1) * 0.5 * (hi - lo + 1)) % (hi - lo + 1); };
    const lop::multiplier& mul = muls[static_cast<std::size_t>(t) % muls.size()];
    const lop::fixed_format a{pick(3, 4) * 2, 0, g() > -0.5, lop::rounding::half_even, lop::overflow::saturate};
    const lop::fixed_format b{pick(3, 4) * 2, 0, g() > 0, lop::rounding::floor, lop::overflow::saturate};
    const lop::fixed_format acc{pick(20, 40), 0, true, lop::rounding::floor, lop::overflow::saturate};
    const lop::fixed_format out{pick(6, 20), 0, true, static_cast<lop::rounding>(pick(0, 4)), lop::overflow::saturate};
    lop::nn::network net;
    net.input = {2, 6, 5};
    net.layers = {lop::nn::conv2d{"c", 2, 3, 3, 1, 1, random_matrix(3, 18, g), random_matrix(3, 1, g)}, lop::nn::relu{},
                  lop::nn::flatten{}, lop::nn::dense{"d", 90, 4, random_matrix(4, 90, g), random_matrix(4, 1, g)}};
    lop::nn::image_batch x(3, 2, 6, 5);
    for (long i = 0; i < x.size(); ++i) x.data()[i] = g() * 3;
    std::vector<lop::pe_spec> specs;
    try {
      specs = lop::nn::layer_specs(net, lop::nn::calibrate(net, x), {{lop::pe_spec{a, b, acc, out, mul}, 0}});
    } catch (const lop::nn::data_error&) {
      continue;
    }
    lop::nn::pe_arithmetic fast(specs), slow(specs, lop::lfsr32::default_seed, false);
    const matrix yf = net.forward(x, fast), ys = net.forward(x, slow);
    for (std::size_t i : {std::size_t{0}, std::size_t{3}})
      separable_layers += lop::detail::choose_kernel(specs[i], i == 0 ? 18 : 90) == lop::gemm_kernel::exact &&
                          lop::detail::separate_products(lop::detail::multiplier_of(specs[i])).has_value();
    INFO(lop::to_string(specs[0]) << " / " << lop::to_string(specs[3]));
    CHECK(yf == ys);
  }
  CHECK(separable_layers >= 40);
}

TEST_CASE("nn: float_rounder is R_F on the plain cases", "[nn][quantized]") {
  rnd g{77};
  for (const lop::float_format& f : {lop::formats::fp8_e4m3fn, lop::formats::fp8_e5m2, lop::formats::fp8_e4m3fnuz,
                                     lop::formats::fp8_e5m2fnuz, lop::formats::bf16, lop::formats::fp16,
                                     lop::formats::fp6_e2m3fn, lop::formats::fp4_e2m1fn}) {
    const lop::nn::detail::float_rounder r(f);
    REQUIRE(r.usable());
    long handled = 0;
    for (int i = 0; i < 20000; ++i) {
      const float x = g() * std::ldexp(1.0F, static_cast<int>(g() * 40));
      float got = 0;
      if (!r(x, got)) continue;
      ++handled;
      const auto bits = lop::detail::convert_raw(f, lop::formats::fp32,
                                                 static_cast<lop::detail::i128>(std::bit_cast<std::uint32_t>(x)), 0);
      const float want = lop::detail::float_to_float(f, static_cast<std::uint64_t>(bits));
      INFO(lop::to_string(f) << " x = " << x);
      CHECK(std::bit_cast<std::uint32_t>(got) == std::bit_cast<std::uint32_t>(want));
    }
    CHECK(handled > 5000);
  }
}
