// Helpers shared by the unit tests: mismatch counting (exhaustive loops make millions of
// comparisons; Catch2 sees one CHECK per loop plus the first few mismatches in full),
// descriptor lists and a scripted random source.
#pragma once
#include <catch2/catch.hpp>

#include <array>
#include <cstdint>
#include <cstdio>
#include <sstream>
#include <string>
#include <utility>

#include "lop/format.hpp"
#include "reference.hpp"

namespace unit {

using ref::i128;
using ref::str;

inline constexpr std::array<lop::rounding, 7> all_roundings{
    lop::rounding::floor,     lop::rounding::toward_zero, lop::rounding::half_up,
    lop::rounding::half_away, lop::rounding::half_even,   lop::rounding::stochastic,
    lop::rounding::ceil};
inline constexpr std::array<lop::overflow, 4> all_overflows{
    lop::overflow::wrap, lop::overflow::saturate, lop::overflow::saturate_symmetric,
    lop::overflow::saturate_zero};

// Counts cases and mismatches; reports the first few mismatches to Catch2.
class checker {
 public:
  explicit checker(std::string what, int max_reports = 8) : what_(std::move(what)), max_reports_(max_reports) {}
  ~checker() = default;
  checker(const checker&) = delete;
  checker& operator=(const checker&) = delete;

  // Record one comparison; `msg` is only evaluated on mismatch.
  template <class Msg>
  bool expect(bool ok, Msg&& msg) {
    ++cases_;
    if (!ok) {
      if (failures_ < static_cast<std::uint64_t>(max_reports_)) FAIL_CHECK(what_ << ": " << msg());
      ++failures_;
    }
    return ok;
  }
  // Must be called at the end of the loop: one Catch2 assertion summarizing it.
  void done() const {
    std::printf("  %-40s %12llu cases, %llu mismatches\n", what_.c_str(), static_cast<unsigned long long>(cases_),
                static_cast<unsigned long long>(failures_));
    INFO(what_ << ": " << cases_ << " cases, " << failures_ << " mismatches");
    CHECK(failures_ == 0);
    CHECK(cases_ > 0);
  }
  [[nodiscard]] std::uint64_t cases() const { return cases_; }
  [[nodiscard]] std::uint64_t failures() const { return failures_; }

 private:
  std::string what_;
  int max_reports_;
  std::uint64_t cases_ = 0;
  std::uint64_t failures_ = 0;
};

// A random source returning a scripted value and counting calls (lop::detail::random_source).
struct scripted_gen {
  std::uint32_t value = 0;
  int calls = 0;
  std::uint32_t operator()() {
    ++calls;
    return value;
  }
};

// The stochastic random values worth trying when k bits are used: all of them when k is small,
// otherwise the boundaries and a few scattered ones; bits above k are set in some to check
// that only the low k bits count.
inline std::vector<std::uint32_t> rnd_values(int k) {
  std::vector<std::uint32_t> v;
  if (k <= 0) return {0U, 0xFFFFFFFFU};
  if (k <= 4) {
    for (std::uint32_t r = 0; r < (1U << k); ++r) v.push_back(r);
    v.push_back(0xFFFFFFF0U | 1U);
    v.push_back(0xDEADBEE0U);
    return v;
  }
  const std::uint64_t m = (std::uint64_t{1} << k) - 1;
  const auto lim = static_cast<std::uint32_t>(m);
  v = {0U, 1U, lim, lim - 1, static_cast<std::uint32_t>(m >> 1), static_cast<std::uint32_t>((m >> 1) + 1),
       static_cast<std::uint32_t>(0x9E3779B9U & m), static_cast<std::uint32_t>(0x7F4A7C15U & m),
       0xFFFFFFFFU, 0xA5A5A5A5U};
  return v;
}

// A raw value as i128 (raw types go up to unsigned __int128).
template <class T>
i128 raw_of(const T& x) {
  return static_cast<i128>(x.raw());
}

inline std::string fmt(const lop::fixed_format& f) { return lop::to_string(f); }

}  // namespace unit
