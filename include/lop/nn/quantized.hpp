// Quantized inference: every multiply-accumulate of a lop::nn::network through a processing
// element (lop::pe_spec, per layer), computed by lop::pe_gemm bit for bit as the PE would:
// a layer's weights are quantized into the PE's `a` format, its inputs into `b`, and its
// outputs leave in `out` (docs/nn.md, "Quantized inference"). Fixed-point fractions come from
// calibration (max-abs or a percentile of the values a calibration set produces), so a
// configuration names widths and policies, not fraction bits.
#pragma once
#include <algorithm>
#include <bit>
#include <cmath>
#include <cstdint>
#include <map>
#include <string>
#include <vector>

#include "lop/nn/network.hpp"
#include "lop/pe_gemm.hpp"

namespace lop::nn {

namespace detail {

// x as a raw value of f: the conversion of lop's cfloat/fixed (R_F, or the fixed quantizer
// on x's exact value), with a fast path for fixed formats in the non-stochastic modes.
[[nodiscard]] inline std::int64_t quantize(const number_format& f, float x, std::uint32_t rnd = 0) {
  if (f.is_fixed() && f.fixed.round != rounding::stochastic && std::isfinite(x)) {
    const fixed_format& q = f.fixed;
    const double v = std::ldexp(static_cast<double>(x), q.frac);  // exact: x has 24 significant bits
    if (std::abs(v) < 0x1p60) {
      double r = 0;
      switch (q.round) {
        case rounding::floor: r = std::floor(v); break;
        case rounding::ceil: r = std::ceil(v); break;
        case rounding::toward_zero: r = std::trunc(v); break;
        case rounding::half_up: r = std::floor(v + 0.5); break;
        case rounding::half_away: r = v < 0 ? -std::floor(-v + 0.5) : std::floor(v + 0.5); break;
        case rounding::half_even: {
          r = std::floor(v + 0.5);
          if (r - v == 0.5 && std::fmod(r, 2.0) != 0) r -= 1;
          break;
        }
        case rounding::stochastic: break;
      }
      const auto raw = static_cast<std::int64_t>(r);
      if (raw >= lop::detail::raw_min<std::int64_t>(q) && raw <= lop::detail::raw_max<std::int64_t>(q) &&
          !(q.ovf == overflow::saturate_symmetric && q.is_signed && raw == lop::detail::raw_min<std::int64_t>(q)))
        return raw;
    }
  }
  return static_cast<std::int64_t>(
      lop::detail::convert_raw(f, formats::fp32, static_cast<lop::detail::i128>(std::bit_cast<std::uint32_t>(x)), rnd));
}

// The value of raw r of f, as a float (rounded to nearest if f is wider than float).
[[nodiscard]] inline float dequantize(const number_format& f, std::int64_t r) {
  if (f.is_fixed()) return static_cast<float>(std::ldexp(static_cast<double>(r), -f.fixed.frac));
  return lop::detail::float_to_float(f.floating, static_cast<std::uint64_t>(r));
}

// Whether the whole-array fixed quantizer below computes f's conversion: a non-stochastic
// rounding, a saturating overflow, at most 23 bits (so x * 2^frac + 1/2 is exact in float
// wherever it matters) and fractions whose scaling stays exact in float.
[[nodiscard]] inline bool array_quantizable(const number_format& f) noexcept {
  return f.is_fixed() && f.fixed.round != rounding::stochastic && f.fixed.ovf != overflow::wrap &&
         f.fixed.width <= 23 && f.fixed.frac > -60 && f.fixed.frac < 60;
}

// The values of x quantized into fixed format f (array_quantizable(f)): x * 2^frac rounded by
// f's mode, then saturated (or zeroed) by its overflow, scaled back. Exact: the scaling is by
// a power of two, every rounded value has at most 23 bits, and rint rounds to nearest even
// (the default floating-point environment).
template <class Derived>
[[nodiscard]] auto quantize_values(const Eigen::ArrayBase<Derived>& x, const fixed_format& f) {
  using T = typename Derived::Scalar;
  const T up = std::ldexp(T(1), f.frac);
  const T down = std::ldexp(T(1), -f.frac);
  const T hi = static_cast<T>(lop::detail::raw_max<std::int64_t>(f));
  const T lo = f.ovf == overflow::saturate_symmetric && f.is_signed ? -hi
                                                                      : static_cast<T>(lop::detail::raw_min<std::int64_t>(f));
  const auto v = (x * up).eval();
  Eigen::Array<T, Eigen::Dynamic, Eigen::Dynamic> r(v.rows(), v.cols());
  switch (f.round) {
    case rounding::floor: r = v.floor(); break;
    case rounding::ceil: r = v.ceil(); break;
    case rounding::toward_zero: r = v.unaryExpr([](T a) { return std::trunc(a); }); break;
    case rounding::half_up: r = (v + T(0.5)).floor(); break;
    case rounding::half_away: r = v.unaryExpr([](T a) { return a < 0 ? -std::floor(-a + T(0.5)) : std::floor(a + T(0.5)); }); break;
    case rounding::half_even: r = v.unaryExpr([](T a) { return std::rint(a); }); break;
    case rounding::stochastic: break;
  }
  if (f.ovf == overflow::saturate_zero) {
    r = (r > hi || r < lo).select(T(0), r);
  } else {
    r = r.min(hi).max(lo);
  }
  return (r * down).eval();
}

}  // namespace detail

// The quantized arithmetic: layer i's products by the PE specs[i] (only conv2d and dense
// layers have products; other entries are ignored). Weights are quantized once per layer.
//
// Fast path (fast = true): a fixed PE whose products pe_gemm sums exactly (exact multiplier,
// no overflow possible, products on the accumulator's grid) and whose formats the array
// quantizer handles runs as float (or double) matrix products of the quantized values — the
// same exactness argument as pe_gemm's exact-sum kernel — and gives the same bits
// (unit.nn compares both paths).
class pe_arithmetic final : public arithmetic {
 public:
  explicit pe_arithmetic(std::vector<pe_spec> specs, std::uint32_t seed = lfsr32::default_seed, bool fast = true)
      : specs_(std::move(specs)), gen_(seed), fast_(fast) {}

  [[nodiscard]] matrix multiply(std::size_t index, const matrix& W, const matrix& X) override {
    if (index >= specs_.size())
      throw data_error("lop::nn::pe_arithmetic: no PE for layer " + std::to_string(index) + " (" +
                       std::to_string(specs_.size()) + " given)");
    const pe_spec& s = specs_[index];
    if (fast_ && s.a.is_fixed() && detail::array_quantizable(s.a) && detail::array_quantizable(s.b) &&
        detail::array_quantizable(s.out) && s.acc.fixed.round != rounding::stochastic &&
        lop::detail::exact_sum_bits(s, X.rows()) != 0 &&
        lop::detail::choose_kernel(s, X.rows()) == gemm_kernel::exact) {
      matrix& wq = fast_weights_[index];
      if (wq.rows() != W.rows() || wq.cols() != W.cols()) wq = detail::quantize_values(W.array(), s.a.fixed).matrix();
      const matrix xq = detail::quantize_values(X.array(), s.b.fixed).matrix();
      if (lop::detail::exact_sum_bits(s, X.rows()) == 24)
        return detail::quantize_values((wq * xq).array(), s.out.fixed).matrix();
      const Eigen::MatrixXd y = wq.cast<double>() * xq.cast<double>();
      return detail::quantize_values(y.array(), s.out.fixed).matrix().cast<float>();
    }
    raw_matrix& w = weights_[index];
    if (w.rows() != W.rows() || w.cols() != W.cols()) {
      w.resize(W.rows(), W.cols());
      for (long i = 0; i < W.rows(); ++i)
        for (long k = 0; k < W.cols(); ++k) w(i, k) = detail::quantize(s.a, W(i, k), draw(s.a));
    }
    raw_matrix x(X.rows(), X.cols());
    for (long k = 0; k < X.rows(); ++k)
      for (long j = 0; j < X.cols(); ++j) x(k, j) = detail::quantize(s.b, X(k, j), draw(s.b));
    const raw_matrix y = pe_gemm(s, w, x, gen_());
    matrix Y(y.rows(), y.cols());
    for (long i = 0; i < y.rows(); ++i)
      for (long j = 0; j < y.cols(); ++j) Y(i, j) = detail::dequantize(s.out, y(i, j));
    return Y;
  }
  [[nodiscard]] const std::vector<pe_spec>& specs() const noexcept { return specs_; }

 private:
  std::uint32_t draw(const number_format& f) { return rounding_of(f) == rounding::stochastic ? gen_() : 0U; }
  std::vector<pe_spec> specs_;
  std::map<std::size_t, raw_matrix> weights_;
  std::map<std::size_t, matrix> fast_weights_;
  lfsr32 gen_;
  bool fast_;
};

// ---------------------------------------------------------------------------------------
// Calibration and per-layer PEs
// ---------------------------------------------------------------------------------------

// What a calibration pass saw at each layer with products: the largest magnitudes of its
// weights, inputs and outputs (the inputs' and outputs' at the chosen percentile).
struct layer_range {
  float weights = 0;
  float inputs = 0;
  float outputs = 0;
};

enum class calibration_method : std::uint8_t { max_abs, percentile };

namespace detail {

// Records each product layer's inputs and outputs (float arithmetic).
class recording_arithmetic final : public arithmetic {
 public:
  std::map<std::size_t, std::vector<float>> inputs, outputs;
  std::map<std::size_t, float> weights;
  [[nodiscard]] matrix multiply(std::size_t index, const matrix& W, const matrix& X) override {
    matrix Y = W * X;
    weights[index] = W.cwiseAbs().maxCoeff();
    auto& in = inputs[index];
    in.insert(in.end(), X.data(), X.data() + X.size());
    auto& out = outputs[index];
    out.insert(out.end(), Y.data(), Y.data() + Y.size());
    return Y;
  }
};

[[nodiscard]] inline float magnitude_at(std::vector<float>& v, calibration_method m, double percentile) {
  if (v.empty()) return 0;
  for (float& x : v) x = std::abs(x);
  if (m == calibration_method::max_abs) return *std::max_element(v.begin(), v.end());
  const auto k = static_cast<std::size_t>(std::min(1.0, std::max(0.0, percentile / 100.0)) * static_cast<double>(v.size() - 1));
  std::nth_element(v.begin(), v.begin() + static_cast<long>(k), v.end());
  return v[k];
}

}  // namespace detail

// Ranges of every product layer (index -> range) over the calibration images, by the float
// reference. percentile applies to inputs and outputs with calibration_method::percentile.
[[nodiscard]] inline std::map<std::size_t, layer_range> calibrate(const network& net, const image_batch& images,
                                                                  calibration_method method = calibration_method::max_abs,
                                                                  double percentile = 99.99) {
  detail::recording_arithmetic rec;
  (void)net.forward(images, rec);
  std::map<std::size_t, layer_range> r;
  for (auto& [i, w] : rec.weights)
    r[i] = {w, detail::magnitude_at(rec.inputs[i], method, percentile), detail::magnitude_at(rec.outputs[i], method, percentile)};
  return r;
}

// The fraction bits that fit magnitude m into fixed format f's width (the most that keep m
// representable); formats with no range to fit (m == 0) keep their fraction.
[[nodiscard]] inline int fraction_for(const fixed_format& f, float m) {
  if (!(m > 0) || !std::isfinite(m)) return f.frac;
  const double top = std::ldexp(1.0, f.width - (f.is_signed ? 1 : 0)) - 1;  // largest raw
  return static_cast<int>(std::floor(std::log2(top / static_cast<double>(m))));
}

// A layer's arithmetic before calibration: the PE's formats with fractions to be chosen. Fixed
// formats of a (weights), b (inputs) and out get their frac from the ranges; a fixed
// accumulator gets the product's frac (a.frac + b.frac) plus acc_extra_frac.
struct layer_precision {
  pe_spec pe;
  int acc_extra_frac = 0;
};

// The PE of each product layer for its range (layers without products get a default spec).
[[nodiscard]] inline std::vector<pe_spec> layer_specs(const network& net, const std::map<std::size_t, layer_range>& ranges,
                                                      const std::vector<layer_precision>& per_layer) {
  std::vector<pe_spec> specs(net.layers.size());
  std::size_t product_layer = 0;
  for (std::size_t i = 0; i < net.layers.size(); ++i) {
    if (!std::holds_alternative<conv2d>(net.layers[i]) && !std::holds_alternative<dense>(net.layers[i])) continue;
    if (per_layer.empty()) throw data_error("lop::nn::layer_specs: no precision given");
    const layer_precision& p = per_layer[std::min(product_layer, per_layer.size() - 1)];
    ++product_layer;
    pe_spec s = p.pe;
    const auto it = ranges.find(i);
    if (it == ranges.end())
      throw data_error("lop::nn::layer_specs: layer " + std::to_string(i) + " has no calibration range");
    if (s.a.is_fixed()) s.a.fixed.frac = fraction_for(s.a.fixed, it->second.weights);
    if (s.b.is_fixed()) s.b.fixed.frac = fraction_for(s.b.fixed, it->second.inputs);
    if (s.acc.is_fixed() && s.a.is_fixed()) s.acc.fixed.frac = s.a.fixed.frac + s.b.fixed.frac + p.acc_extra_frac;
    if (s.out.is_fixed()) s.out.fixed.frac = fraction_for(s.out.fixed, it->second.outputs);
    if (const char* e = validate(s))
      throw data_error("lop::nn::layer_specs: layer " + std::to_string(i) + ": calibrated PE " + to_string(s) + " is invalid: " + e);
    specs[i] = s;
  }
  return specs;
}

}  // namespace lop::nn
