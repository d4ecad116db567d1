// Quantized inference: every multiply-accumulate of a lop::nn::network through a processing
// element (lop::pe_spec, per layer), computed by lop::pe_gemm bit for bit as the PE would:
// a layer's weights are quantized into the PE's `a` format, its inputs into `b`, and its
// outputs leave in `out` (docs/nn.md, "Quantized inference"). Fixed-point fractions come from
// calibration (max-abs or a percentile of the values a calibration set produces), so a
// configuration names widths and policies, not fraction bits.
#pragma once
#include <algorithm>
#include <array>
#include <bit>
#include <cmath>
#include <cstdint>
#include <map>
#include <optional>
#include <string>
#include <type_traits>
#include <vector>

#include "lop/nn/network.hpp"
#include "lop/pe_gemm.hpp"
#include "lop/separable_products.hpp"

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

// R_F of float values into float format F as float values, for the plain cases: F rounds
// half_even, has subnormals, 1..23 mantissa bits and an exponent range inside float's; x is
// finite and rounds to at most max_finite(F). operator() says false for anything else (the
// caller takes lop's general conversion).
class float_rounder {
 public:
  explicit float_rounder(const float_format& f)
      : m_(f.man_bits), emin_(min_exponent(f)), fnuz_(f.enc == specials::fnuz) {
    usable_ = f.round == rounding::half_even && f.subnormals && f.man_bits >= 1 && f.man_bits <= 23 &&
              emin_ >= -126 && emin_ - m_ >= -149 && max_exponent(f) <= 127;
    if (usable_) maxf_ = std::ldexp(static_cast<float>(max_finite(f).significand), max_finite(f).exponent);
  }
  [[nodiscard]] bool usable() const noexcept { return usable_; }
  bool operator()(float x, float& r) const noexcept {
    const auto u = std::bit_cast<std::uint32_t>(x);
    const std::uint32_t mag = u & 0x7FFFFFFFU;
    if (!usable_ || mag >= 0x7F800000U) return false;
    const int e = static_cast<int>(mag >> 23) - 127;
    if (e >= emin_) {  // normal in F: nearest-even at F's last mantissa bit (a carry bumps the exponent)
      const int drop = 23 - m_;
      std::uint32_t m = mag;
      if (drop > 0) {
        m += (std::uint32_t{1} << (drop - 1)) - 1U + ((mag >> drop) & 1U);
        m &= ~((std::uint32_t{1} << drop) - 1U);
      }
      r = std::bit_cast<float>((u & 0x80000000U) | m);
    } else {  // F's subnormals: multiples of 2^(emin - M); the scalings are exact
      r = std::ldexp(std::rint(std::ldexp(x, m_ - emin_)), emin_ - m_);
    }
    if (std::abs(r) > maxf_) return false;
    if (fnuz_ && r == 0) r = 0.0F;  // fnuz has no -0
    return true;
  }

 private:
  int m_;
  int emin_;
  bool fnuz_;
  bool usable_ = false;
  float maxf_ = 0;
};

// Whether every value of f is a float (so converting to f's values loses nothing).
[[nodiscard]] inline bool values_are_floats(const number_format& f) noexcept {
  if (f.is_fixed()) return f.fixed.width <= 24 && f.fixed.frac > -100 && f.fixed.frac < 140;
  return f.floating.man_bits <= 23 && min_exponent(f.floating) - f.floating.man_bits >= -149 &&
         max_exponent(f.floating) <= 127;
}

// The operand description of lop::gemm's float kernel, from float values (row-major).
[[nodiscard]] inline lop::detail::float_operands float_operands_of(std::vector<float> values) {
  lop::detail::float_operands r;
  for (float x : values) {
    const std::uint32_t mag = std::bit_cast<std::uint32_t>(x) & 0x7FFFFFFFU;
    if (mag >= 0x7F800000U) {
      r.finite = false;
    } else if (mag != 0) {
      const std::uint32_t field = mag >> 23;
      const std::uint32_t sig = field == 0 ? mag : ((mag & 0x7FFFFFU) | 0x800000U);
      const int e = field == 0 ? -149 : static_cast<int>(field) - 150;  // x = sig * 2^e
      r.top = std::max(r.top, e + static_cast<int>(std::bit_width(sig)) - 1);
      r.bottom = std::min(r.bottom, e + std::countr_zero(sig));
    }
  }
  r.values = std::move(values);
  return r;
}

}  // namespace detail

// The quantized arithmetic: layer i's products by the PE specs[i] (only conv2d and dense
// layers have products; other entries are ignored). Weights are quantized once per layer.
//
// Inputs are converted into b once per layer (convert_inputs), not once per patch.
//
// Fast paths (fast = true), each giving pe_gemm's bits (unit.nn compares them):
// - a fixed PE whose products pe_gemm sums exactly (exact multiplier, no overflow possible,
//   products on the accumulator's grid) and whose formats the array quantizer handles runs
//   as float (or double) matrix products of the quantized values — the same exactness
//   argument as pe_gemm's exact-sum kernel;
// - any other fixed PE whose input format the array quantizer handles gets its inputs' raws
//   from it (pe_gemm then computes the products);
// - a float PE of lop::gemm's fp32 kernel runs that kernel on the operands' float values,
//   rounded into the formats by float_rounder, without raw bit patterns.
class pe_arithmetic final : public arithmetic {
 public:
  explicit pe_arithmetic(std::vector<pe_spec> specs, std::uint32_t seed = lfsr32::default_seed, bool fast = true)
      : specs_(std::move(specs)), gen_(seed), fast_(fast) {}

  [[nodiscard]] matrix convert_inputs(std::size_t index, const matrix& act) override {
    if (index >= specs_.size() || !detail::values_are_floats(specs_[index].b)) return act;
    converted_ = index;
    return values_in(specs_[index].b, act);
  }

  [[nodiscard]] matrix multiply(std::size_t index, const matrix& W, const matrix& X) override {
    if (index >= specs_.size())
      throw data_error("lop::nn::pe_arithmetic: no PE for layer " + std::to_string(index) + " (" +
                       std::to_string(specs_.size()) + " given)");
    const pe_spec& s = specs_[index];
    const bool converted = converted_ == index;  // X's values are already b's
    converted_ = static_cast<std::size_t>(-1);
    if (fast_ && s.float_operands() && lop::detail::float32_kernel_applies(s) && detail::values_are_floats(s.a) &&
        detail::values_are_floats(s.b)) {
      std::vector<float>& wv = float_weights_[index];
      if (wv.size() != static_cast<std::size_t>(W.size())) {
        const matrix wq = values_in(s.a, W);
        wv.resize(static_cast<std::size_t>(W.size()));
        for (long i = 0; i < W.rows(); ++i)
          for (long k = 0; k < W.cols(); ++k) wv[static_cast<std::size_t>(i * W.cols() + k)] = wq(i, k);
      }
      matrix own;
      const matrix& xq = converted ? X : (own = values_in(s.b, X));
      std::vector<float> xv(static_cast<std::size_t>(X.size()));
      for (long k = 0; k < X.rows(); ++k)
        for (long j = 0; j < X.cols(); ++j) xv[static_cast<std::size_t>(k * X.cols() + j)] = xq(k, j);
      const lop::detail::float_operands a = detail::float_operands_of(wv);
      const lop::detail::float_operands b = detail::float_operands_of(std::move(xv));
      if (lop::detail::float32_products_exact(a, b)) {
        matrix Y(W.rows(), X.cols());
        lop::detail::float32_accumulate(a, b, static_cast<std::size_t>(W.rows()), static_cast<std::size_t>(W.cols()),
                                        static_cast<std::size_t>(X.cols()), [&](std::size_t i, std::size_t j, float v) {
                                          Y(static_cast<long>(i), static_cast<long>(j)) = v;
                                        });
        return values_in(s.out, Y);  // the fp32 accumulator into out
      }
    }
    // The exact-sum kernel's float width (0: it does not apply), for an accumulator that cannot
    // overflow (a wrapping one would need the modular reduction pe_gemm does).
    const int sum_bits = fast_ && s.a.is_fixed() && detail::array_quantizable(s.a) && detail::array_quantizable(s.b) &&
                                 detail::array_quantizable(s.out) &&
                                 lop::detail::choose_kernel(s, X.rows()) == gemm_kernel::exact
                             ? lop::detail::exact_sum_bits(s, X.rows())
                             : 0;
    if (sum_bits != 0) {
      matrix& wq = fast_weights_[index];
      if (wq.rows() != W.rows() || wq.cols() != W.cols()) wq = detail::quantize_values(W.array(), s.a.fixed).matrix();
      matrix own;
      const matrix& xq = converted ? X : (own = detail::quantize_values(X.array(), s.b.fixed).matrix());
      if (sum_bits == 24)
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
    if (fast_ && detail::array_quantizable(s.b) && detail::array_quantizable(s.out)) {
      separable_layer& sl = separable_[index];
      if (!sl.tried || (sl.sep && !sl.matches(w))) sl = separable_layer::of(s, w);
      if (sl.sep) {
        matrix own;
        const matrix& xq = converted ? X : (own = detail::quantize_values(X.array(), s.b.fixed).matrix());
        // The raws' low 8 bits (exact: xq * 2^frac is an integer of <= 8 bits), column-major.
        const float up = std::ldexp(1.0F, s.b.fixed.frac);
        std::vector<std::uint8_t> bits(static_cast<std::size_t>(xq.size()));
        for (std::size_t e = 0; e < bits.size(); ++e)
          bits[e] = static_cast<std::uint8_t>(static_cast<std::uint32_t>(static_cast<std::int32_t>(xq.data()[e] * up)) & 0xFFU);
        const double bound = sl.sep->term_bound * static_cast<double>(std::max<long>(W.cols(), 1));
        if (bound < 0x1p24) return sl.product<float>(bits, xq.rows(), xq.cols(), s);
        if (bound < 0x1p53) return sl.product<double>(bits, xq.rows(), xq.cols(), s);
      }
    }
    raw_matrix x(X.rows(), X.cols());
    if (fast_ && detail::array_quantizable(s.b)) {  // the whole array at once, then its raws (exact scalings)
      matrix own;
      const matrix& xq = converted ? X : (own = detail::quantize_values(X.array(), s.b.fixed).matrix());
      x = (xq.array() * std::ldexp(1.0F, s.b.fixed.frac)).cast<std::int64_t>().matrix();
    } else {
      for (long k = 0; k < X.rows(); ++k)
        for (long j = 0; j < X.cols(); ++j) x(k, j) = detail::quantize(s.b, X(k, j), converted ? 0U : draw(s.b));
    }
    const raw_matrix y = pe_gemm(s, w, x, gen_());
    matrix Y(y.rows(), y.cols());
    for (long i = 0; i < y.rows(); ++i)
      for (long j = 0; j < y.cols(); ++j) Y(i, j) = detail::dequantize(s.out, y(i, j));
    return Y;
  }
  [[nodiscard]] const std::vector<pe_spec>& specs() const noexcept { return specs_; }

 private:
  std::uint32_t draw(const number_format& f) { return rounding_of(f) == rounding::stochastic ? gen_() : 0U; }

  // The values of float values x converted into f.
  [[nodiscard]] matrix values_in(const number_format& f, const matrix& x) {
    if (detail::array_quantizable(f)) return detail::quantize_values(x.array(), f.fixed).matrix();
    matrix r(x.rows(), x.cols());
    const detail::float_rounder fast(f.is_float() ? f.floating : formats::fp32);
    const bool try_fast = f.is_float() && fast.usable();
    for (long i = 0; i < x.size(); ++i) {
      float v = 0;
      if (!(try_fast && fast(x.data()[i], v))) v = detail::dequantize(f, detail::quantize(f, x.data()[i], draw(f)));
      r.data()[i] = v;
    }
    return r;
  }
  // A layer whose approximate products are separable (lop/separable_products.hpp) and whose
  // accumulator cannot overflow, with its products on the accumulator's grid: its outputs are
  // sum_g F_g * H_g, exact small-integer matrix products, then out's rounding — the same
  // exactness argument as the exact-sum path above. F_g (the weights' terms) is kept.
  struct separable_layer {
    bool tried = false;
    std::optional<lop::detail::separable_products> sep;
    Eigen::MatrixXd F;   // [F_0 F_1 ...]: the weights' terms side by side, rows x (G * depth)
    Eigen::MatrixXf Ff;  // F in float, for sums below 2^24
    Eigen::VectorXd U;                // sum over k of u(w(i, k)), per row

    static separable_layer of(const pe_spec& s, const raw_matrix& w) {
      separable_layer r;
      r.tried = true;
      const fixed_format p = product_format(s.a.fixed, s.b.fixed);
      if (!s.a.is_fixed() || s.mul.is_exact() || s.acc.fixed.frac < p.frac ||
          lop::detail::choose_kernel(s, w.cols()) != gemm_kernel::exact)
        return r;
      r.sep = lop::detail::separate_products(lop::detail::multiplier_of(s));
      if (!r.sep) return r;
      const auto looked_up = [](const raw_matrix& m, const std::vector<double>& t) {
        return Eigen::MatrixXd(m.unaryExpr([&](std::int64_t v) { return t[static_cast<std::uint64_t>(v) & 0xFFU]; }));
      };
      const long K = w.cols();
      r.F.resize(w.rows(), static_cast<long>(r.sep->f.size()) * K);
      for (std::size_t g = 0; g < r.sep->f.size(); ++g) r.F.middleCols(static_cast<long>(g) * K, K) = looked_up(w, r.sep->f[g]);
      r.Ff = r.F.cast<float>();
      r.U = r.sep->u.empty() ? Eigen::VectorXd::Zero(w.rows()) : Eigen::VectorXd(looked_up(w, r.sep->u).rowwise().sum());
      return r;
    }
    [[nodiscard]] bool matches(const raw_matrix& w) const {
      return U.size() == w.rows() && F.cols() == static_cast<long>(sep->f.size()) * w.cols();
    }

    // The outputs for inputs whose raws' low 8 bits are `index` (rows x cols, column-major).
    template <class T>
    [[nodiscard]] matrix product(const std::vector<std::uint8_t>& index, long rows, long cols, const pe_spec& s) const {
      using M = Eigen::Matrix<T, Eigen::Dynamic, Eigen::Dynamic>;
      const auto table_of = [](const std::vector<double>& t) {
        std::array<T, 256> r{};
        for (std::size_t v = 0; v < 256; ++v) r[v] = static_cast<T>(t[v]);
        return r;
      };
      M y(U.size(), cols);
      y.colwise() = U.cast<T>();
      if (!sep->v.empty()) {
        const auto v = table_of(sep->v);
        for (long j = 0; j < cols; ++j) {
          T sum = 0;
          for (long k = 0; k < rows; ++k) sum += v[index[static_cast<std::size_t>(j * rows + k)]];
          y.col(j).array() += sum;
        }
      }
      // [H_0; H_1; ...] under each other, so that one matrix product sums every term.
      const std::size_t G = sep->h.size();
      M h(static_cast<long>(G) * rows, cols);
      for (std::size_t g = 0; g < G; ++g) {
        const auto t = table_of(sep->h[g]);
        for (long j = 0; j < cols; ++j) {
          T* out = h.data() + j * h.rows() + static_cast<long>(g) * rows;
          const std::uint8_t* in = index.data() + j * rows;
          for (long k = 0; k < rows; ++k) out[k] = t[in[k]];
        }
      }
      if constexpr (std::is_same_v<T, float>) {
        y.noalias() += Ff * h;
      } else {
        y.noalias() += F * h;
      }
      const int frac = product_format(s.a.fixed, s.b.fixed).frac;
      return detail::quantize_values((y.array() * std::ldexp(T(1), -frac)).eval(), s.out.fixed).matrix().template cast<float>();
    }
  };

  std::vector<pe_spec> specs_;
  std::map<std::size_t, separable_layer> separable_;
  std::map<std::size_t, raw_matrix> weights_;
  std::map<std::size_t, matrix> fast_weights_;
  std::map<std::size_t, std::vector<float>> float_weights_;
  std::size_t converted_ = static_cast<std::size_t>(-1);  // the layer whose inputs convert_inputs gave
  lfsr32 gen_;
  bool fast_;
};

// ---------------------------------------------------------------------------------------
// Operands recorded from a running network
// ---------------------------------------------------------------------------------------

// What one layer's PE sees: dot products of a row of the layer's quantized weights (raw a
// operands) with a column of its quantized inputs (raw b operands), `depth` MACs each, dot
// after dot — the stimulus for co-simulating the PE and measuring its switching activity.
struct layer_operands {
  std::size_t layer = 0;
  pe_spec spec;
  long depth = 0;
  std::vector<std::int64_t> a, b;
  long network_macs = 0;  // the layer's MACs on the images recorded (M x K x N), for weighting
  [[nodiscard]] long dots() const noexcept { return depth == 0 ? 0 : static_cast<long>(a.size()) / depth; }
};

namespace detail {

// pe_arithmetic, plus a record of `dots` (row, column) pairs per product layer drawn by a
// seeded generator. Activations come from the quantized network itself.
class operand_recorder final : public arithmetic {
 public:
  operand_recorder(const std::vector<pe_spec>& specs, long dots, std::uint64_t seed)
      : inner_(specs), dots_(dots), rng_(seed) {}
  std::vector<layer_operands> recorded;
  [[nodiscard]] matrix convert_inputs(std::size_t index, const matrix& act) override {
    return inner_.convert_inputs(index, act);
  }
  [[nodiscard]] matrix multiply(std::size_t index, const matrix& W, const matrix& X) override {
    const pe_spec& s = inner_.specs()[index];
    layer_operands r{index, s, W.cols(), {}, {}, W.rows() * W.cols() * X.cols()};
    r.a.reserve(static_cast<std::size_t>(dots_ * W.cols()));
    r.b.reserve(static_cast<std::size_t>(dots_ * W.cols()));
    for (long d = 0; d < dots_; ++d) {
      const auto i = static_cast<long>(rng_() % static_cast<std::uint64_t>(W.rows()));
      const auto j = static_cast<long>(rng_() % static_cast<std::uint64_t>(X.cols()));
      for (long k = 0; k < W.cols(); ++k) {
        r.a.push_back(quantize(s.a, W(i, k), 0));
        r.b.push_back(quantize(s.b, X(k, j), 0));
      }
    }
    recorded.push_back(std::move(r));
    return inner_.multiply(index, W, X);
  }

 private:
  pe_arithmetic inner_;
  long dots_;
  splitmix64 rng_;
};

}  // namespace detail

// Runs `images` through the network on the PEs `specs` (as pe_arithmetic) and records, per
// layer with products, `dots` of its dot products chosen at random (reproducible from `seed`).
// A stochastic operand format is recorded as rounded with a zero draw.
[[nodiscard]] inline std::vector<layer_operands> record_operands(const network& net, const image_batch& images,
                                                                 const std::vector<pe_spec>& specs, long dots,
                                                                 std::uint64_t seed = 1) {
  detail::operand_recorder rec(specs, dots, seed);
  (void)net.forward(images, rec);
  return std::move(rec.recorded);
}

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
