// Error metrics of a multiplier against the exact product (docs/multipliers.md, "Error
// metrics", states the conventions): over every operand pair when there are at most 2^24 of
// them, over seeded uniform samples otherwise (with 95 % confidence half-widths), or over a
// recorded operand trace.
#pragma once
#include <cmath>
#include <cstdint>
#include <limits>
#include <span>
#include <stdexcept>
#include <string>
#include <utility>

#include "lop/approximate.hpp"
#include "lop/multiplier.hpp"

namespace lop {

// e = approximate - exact for each operand pair.
struct error_metrics {
  enum class source : std::uint8_t { exhaustive, sampled, trace };
  source from = source::exhaustive;
  std::uint64_t pairs = 0;         // operand pairs evaluated
  std::uint64_t seed = 0;          // the sampling seed (sampled only)
  double error_rate = 0;           // fraction of pairs with e != 0
  double med = 0;                  // mean |e|
  double nmed = 0;                 // med / the largest |exact product| of the operand space
  double mred = 0;                 // mean |e| / |exact| over pairs with exact != 0
  double mse = 0;                  // mean e^2
  double wce = 0;                  // max |e|
  double wcre = 0;                 // max |e| / |exact| over pairs with exact != 0
  double bias = 0;                 // mean e (signed)
  std::uint64_t zero_products = 0;        // pairs with exact == 0 (left out of mred and wcre)
  std::uint64_t zero_products_wrong = 0;  // ... of which the multiplier did not return 0
  // 95 % confidence half-widths of the sampled means (normal approximation; 0 unless sampled).
  double error_rate_ci = 0, med_ci = 0, nmed_ci = 0, mred_ci = 0, bias_ci = 0;
};

// Operand spaces of up to 2^this pairs are enumerated.
inline constexpr int exhaustive_metric_bits = 24;

namespace detail {

// Sums of the per-pair quantities; means and confidence half-widths at the end.
class metric_sums {
 public:
  explicit metric_sums(double max_product) : max_product_(max_product) {}
  void add(i128 exact, i128 approx) {
    const auto e = static_cast<double>(approx - exact);
    const double ae = std::fabs(e);
    ++n_;
    const double wrong = e != 0 ? 1.0 : 0.0;
    rate_.add(wrong);
    med_.add(ae);
    bias_.add(e);
    mse_ += e * e;
    if (ae > wce_) wce_ = ae;
    if (exact == 0) {
      ++zero_;
      if (approx != 0) ++zero_wrong_;
    } else {
      const double re = ae / std::fabs(static_cast<double>(exact));
      mred_.add(re);
      if (re > wcre_) wcre_ = re;
    }
  }
  [[nodiscard]] error_metrics finish(error_metrics::source from, std::uint64_t seed) const {
    error_metrics m;
    m.from = from;
    m.seed = seed;
    m.pairs = n_;
    if (n_ == 0) return m;
    m.error_rate = rate_.mean();
    m.med = med_.mean();
    m.nmed = max_product_ > 0 ? m.med / max_product_ : 0;
    m.mred = mred_.mean();
    m.mse = mse_ / static_cast<double>(n_);
    m.wce = wce_;
    m.wcre = wcre_;
    m.bias = bias_.mean();
    m.zero_products = zero_;
    m.zero_products_wrong = zero_wrong_;
    if (from == error_metrics::source::sampled) {
      m.error_rate_ci = rate_.ci95();
      m.med_ci = med_.ci95();
      m.nmed_ci = max_product_ > 0 ? m.med_ci / max_product_ : 0;
      m.mred_ci = mred_.ci95();
      m.bias_ci = bias_.ci95();
    }
    return m;
  }

 private:
  // Mean and variance by Welford's update (stable for millions of terms).
  struct running {
    std::uint64_t n = 0;
    double mean_ = 0, m2 = 0;
    void add(double x) {
      ++n;
      const double d = x - mean_;
      mean_ += d / static_cast<double>(n);
      m2 += d * (x - mean_);
    }
    [[nodiscard]] double mean() const { return mean_; }
    [[nodiscard]] double ci95() const {
      return n > 1 ? 1.959963984540054 * std::sqrt(m2 / static_cast<double>(n - 1) / static_cast<double>(n)) : 0;
    }
  };
  double max_product_;
  std::uint64_t n_ = 0, zero_ = 0, zero_wrong_ = 0;
  running rate_, med_, mred_, bias_;
  double mse_ = 0, wce_ = 0, wcre_ = 0;
};

[[nodiscard]] constexpr i128 operand_min(operand_shape s) noexcept {
  return s.is_signed ? -(static_cast<i128>(1) << (s.width - 1)) : 0;
}
[[nodiscard]] constexpr i128 operand_max(operand_shape s) noexcept {
  return s.is_signed ? (static_cast<i128>(1) << (s.width - 1)) - 1 : (static_cast<i128>(1) << s.width) - 1;
}
// The largest |a * b| over the operand space (NMED's normalization).
[[nodiscard]] constexpr double max_abs_product(operand_shape a, operand_shape b) noexcept {
  const auto mag = [](operand_shape s) {
    const i128 lo = operand_min(s);
    const i128 hi = operand_max(s);
    return -lo > hi ? -lo : hi;
  };
  return static_cast<double>(mag(a) * mag(b));
}

inline void check_metric_operands(const multiplier& m, operand_shape a, operand_shape b) {
  if (a.width < 1 || b.width < 1) throw std::invalid_argument("lop::metrics: operand widths must be at least 1");
  if (const char* e = validate(m, a.width, b.width))
    throw std::invalid_argument("lop::metrics: " + to_string(m) + " on " + std::to_string(a.width) + " x " +
                                std::to_string(b.width) + "-bit operands: " + e);
  if (a.width > max_approximate_operand_width || b.width > max_approximate_operand_width)
    throw std::invalid_argument("lop::metrics: operands of at most 32 bits");
}

}  // namespace detail

// Every operand pair when a.width + b.width <= 24, else `samples` pairs of uniform raw bit
// patterns from a SplitMix64 sequence seeded with `seed` (reproducible; a first, then b).
[[nodiscard]] inline error_metrics metrics(const multiplier& m, operand_shape a, operand_shape b,
                                           std::uint64_t samples = std::uint64_t{1} << 22,
                                           std::uint64_t seed = 1) {
  using detail::i128;
  detail::check_metric_operands(m, a, b);
  const multiplier_model mul(m, a, b);
  detail::metric_sums sums(detail::max_abs_product(a, b));
  if (a.width + b.width <= exhaustive_metric_bits) {
    for (i128 x = detail::operand_min(a); x <= detail::operand_max(a); ++x)
      for (i128 y = detail::operand_min(b); y <= detail::operand_max(b); ++y) sums.add(x * y, mul(x, y));
    return sums.finish(error_metrics::source::exhaustive, 0);
  }
  if (samples == 0) throw std::invalid_argument("lop::metrics: an operand space above 2^24 pairs needs samples > 0");
  splitmix64 rng(seed);
  const auto draw = [&](operand_shape s) {
    const i128 bits = static_cast<i128>(rng() & detail::all_ones(s.width));
    return s.is_signed && ((bits >> (s.width - 1)) & 1) != 0 ? bits - (static_cast<i128>(1) << s.width) : bits;
  };
  for (std::uint64_t i = 0; i < samples; ++i) {
    const i128 x = draw(a);
    const i128 y = draw(b);
    sums.add(x * y, mul(x, y));
  }
  return sums.finish(error_metrics::source::sampled, seed);
}

// Over a recorded trace of raw operand pairs (e.g. a network's activations and weights).
[[nodiscard]] inline error_metrics metrics(const multiplier& m, operand_shape a, operand_shape b,
                                           std::span<const std::pair<std::int64_t, std::int64_t>> trace) {
  using detail::i128;
  detail::check_metric_operands(m, a, b);
  const multiplier_model mul(m, a, b);
  detail::metric_sums sums(detail::max_abs_product(a, b));
  for (const auto& [x, y] : trace) {
    if (x < detail::operand_min(a) || x > detail::operand_max(a) || y < detail::operand_min(b) ||
        y > detail::operand_max(b))
      throw std::invalid_argument("lop::metrics: trace operand pair (" + std::to_string(x) + ", " +
                                  std::to_string(y) + ") is outside the operand shapes");
    sums.add(static_cast<i128>(x) * y, mul(x, y));
  }
  return sums.finish(error_metrics::source::trace, 0);
}

}  // namespace lop
