// Co-simulation harness: drives a Verilated `lop-hwgen bundle` and compares every output bit
// with the C++ model (lop::detail::quantize_raw, exact i128 products/sums, lop::pe_model).
//
// A bundle's list file is read at run time (the same file lop-hwgen read at build time), the
// descriptors are parsed with lop::parse_fixed_format / lop::parse_pe_spec, and the output
// offsets are recomputed here: unit i occupies out[off_i + w_i - 1 : off_i], off_0 = 0.
#pragma once
#include <algorithm>
#include <array>
#include <cstdint>
#include <cstdlib>
#include <fstream>
#include <iostream>
#include <map>
#include <random>
#include <set>
#include <sstream>
#include <stdexcept>
#include <string>
#include <utility>
#include <vector>

#include "lop/detail/int128.hpp"
#include "lop/pe_spec.hpp"
#include "lop/pe.hpp"
#include "lop/rounding.hpp"

namespace lop_cosim {

using lop::detail::i128;
using lop::detail::u128;

// LOP_COSIM_SCALE multiplies the random vector counts (default 1).
[[nodiscard]] inline double scale() {
  const char* s = std::getenv("LOP_COSIM_SCALE");
  return s != nullptr ? std::atof(s) : 1.0;
}
#ifdef LOP_COSIM_LIST_DIR
// The path of a bundle list; LOP_COSIM_LIST_DIR in the environment overrides the directory
// (to debug a hand-edited copy).
[[nodiscard]] inline std::string list_path(const char* name) {
  const char* env = std::getenv("LOP_COSIM_LIST_DIR");
  return std::string(env != nullptr ? env : LOP_COSIM_LIST_DIR) + "/" + name;
}
#endif
[[nodiscard]] inline std::string read_file(const std::string& path) {
  std::ifstream in(path);
  if (!in) throw std::runtime_error("cannot open " + path);
  std::ostringstream s;
  s << in.rdbuf();
  return s.str();
}

[[nodiscard]] inline u128 mask(int w) { return w >= 128 ? ~u128{0} : (u128{1} << w) - 1; }
[[nodiscard]] inline std::uint64_t mask64(int w) {
  return w >= 64 ? ~std::uint64_t{0} : (std::uint64_t{1} << w) - 1;
}
[[nodiscard]] inline u128 to_bits(i128 v, int w) { return static_cast<u128>(v) & mask(w); }
[[nodiscard]] inline i128 from_bits(u128 bits, int w, bool is_signed) {
  return lop::detail::extend<i128>(bits, w, is_signed);
}

[[nodiscard]] inline std::string hex(u128 v) {
  static const char* digits = "0123456789abcdef";
  std::string s;
  do {
    s.insert(s.begin(), digits[static_cast<unsigned>(v & 15U)]);
    v >>= 4;
  } while (v != 0);
  return "0x" + s;
}
[[nodiscard]] inline std::string dec(i128 v) {
  const bool neg = v < 0;
  u128 m = neg ? u128{0} - static_cast<u128>(v) : static_cast<u128>(v);
  std::string s;
  do {
    s.insert(s.begin(), static_cast<char>('0' + static_cast<int>(m % 10)));
    m /= 10;
  } while (m != 0);
  return neg ? "-" + s : s;
}

// ---- bit access on Verilator ports (CData/SData/IData/QData or VlWide<N>) -------------------
template <class P>
[[nodiscard]] u128 get_bits(const P& port, int lo, int w) {
  if constexpr (requires { port.m_storage[0]; }) {
    u128 r = 0;
    int got = 0;
    int pos = lo;
    while (got < w) {
      const int wi = pos / 32;
      const int sh = pos % 32;
      const int take = std::min(32 - sh, w - got);
      const u128 v = (static_cast<u128>(port.m_storage[wi]) >> sh) & mask(take);
      r |= v << got;
      got += take;
      pos += take;
    }
    return r;
  } else {
    return (static_cast<u128>(port) >> lo) & mask(w);
  }
}

// ---- list file -------------------------------------------------------------------------------
enum class kind { quantize, mul, add, sub, pe };

struct unit {
  kind k = kind::quantize;
  std::string text;  // the list line, verbatim (trimmed)
  int line = 0;
  lop::fixed_format a{}, b{};  // quantize: a = input, b = output; mul/add: the operands
  lop::fixed_format res{};     // mul/add/sub: exact result format
  lop::pe_spec pe{};
  int off = 0;    // offset in `out`
  int width = 0;  // bits in `out`
  int wx = 0;     // input bits taken from x
  int wy = 0;     // input bits taken from y (stochastic rnd bits for quantizers)
  int d = 0;      // quantize: dropped fraction bits
};

[[nodiscard]] inline std::string trim(const std::string& s) {
  const auto b = s.find_first_not_of(" \t\r");
  if (b == std::string::npos) return {};
  const auto e = s.find_last_not_of(" \t\r");
  return s.substr(b, e - b + 1);
}

// Split "fixed<...> fixed<...>" at the end of the first bracketed descriptor.
inline std::pair<std::string, std::string> split_two(const std::string& s) {
  int depth = 0;
  for (std::size_t i = 0; i < s.size(); ++i) {
    if (s[i] == '<') ++depth;
    if (s[i] == '>' && --depth == 0) return {trim(s.substr(0, i + 1)), trim(s.substr(i + 1))};
  }
  throw std::runtime_error("expected two descriptors in \"" + s + "\"");
}

[[nodiscard]] inline std::vector<unit> read_list(const std::string& path) {
  std::ifstream in(path);
  if (!in) throw std::runtime_error("cannot open list file " + path);
  std::vector<unit> units;
  std::string raw;
  int lineno = 0;
  int off = 0;
  while (std::getline(in, raw)) {
    ++lineno;
    std::string s = raw.substr(0, raw.find('#'));
    s = trim(s);
    if (s.empty()) continue;
    const auto sp = s.find_first_of(" \t");
    const std::string word = s.substr(0, sp);
    const std::string rest = sp == std::string::npos ? "" : trim(s.substr(sp));
    if (word == "table") continue;  // the test registers the circuit's C++ model itself
    unit u;
    u.text = s;
    u.line = lineno;
    try {
      if (word == "quantize" || word == "mul" || word == "add" || word == "sub") {
        const auto [t1, t2] = split_two(rest);
        u.a = lop::parse_fixed_format(t1);
        u.b = lop::parse_fixed_format(t2);
        if (word == "quantize") {
          u.k = kind::quantize;
          u.d = u.a.frac - u.b.frac;
          u.wx = u.a.width;
          u.wy = u.d > 0 && u.b.round == lop::rounding::stochastic ? lop::detail::stochastic_bits(u.d) : 0;
          u.width = u.b.width;
        } else {
          u.k = word == "mul" ? kind::mul : word == "add" ? kind::add : kind::sub;
          u.res = u.k == kind::mul   ? lop::product_format(u.a, u.b)
                  : u.k == kind::add ? lop::sum_format(u.a, u.b)
                                     : lop::difference_format(u.a, u.b);
          u.wx = u.a.width;
          u.wy = u.b.width;
          u.width = u.res.width;
        }
      } else if (word == "pe") {
        u.k = kind::pe;
        u.pe = lop::parse_pe_spec(rest);
        if (!u.pe.float_operands()) {
          u.a = u.pe.a.fixed;
          u.b = u.pe.b.fixed;
        }
        u.wx = lop::width(u.pe.a);
        u.wy = lop::width(u.pe.b);
        u.width = lop::width(u.pe.out) + lop::width(u.pe.acc);
      } else {
        throw std::runtime_error("unknown unit kind '" + word + "'");
      }
    } catch (const std::exception& e) {
      throw std::runtime_error(path + ":" + std::to_string(lineno) + ": " + e.what());
    }
    if (u.wx > 64 || u.wy > 64)
      throw std::runtime_error(path + ":" + std::to_string(lineno) + ": operand wider than 64 bits");
    u.off = off;
    off += u.width;
    units.push_back(std::move(u));
  }
  return units;
}

[[nodiscard]] inline int total_width(const std::vector<unit>& us) {
  return us.empty() ? 0 : us.back().off + us.back().width;
}

// ---- the reference for combinational units ---------------------------------------------------
[[nodiscard]] inline u128 expected_comb(const unit& u, std::uint64_t x, std::uint64_t y) {
  const i128 va = from_bits(x & mask64(u.wx), u.a.width, u.a.is_signed);
  switch (u.k) {
    case kind::quantize: {
      const auto rnd = static_cast<std::uint32_t>(y & mask64(u.wy));
      return to_bits(lop::detail::quantize_raw<i128>(va, u.a.frac, u.b, rnd), u.width);
    }
    case kind::mul: {
      const i128 vb = from_bits(y & mask64(u.wy), u.b.width, u.b.is_signed);
      return to_bits(va * vb, u.width);
    }
    case kind::add:
    case kind::sub: {
      const i128 vb = from_bits(y & mask64(u.wy), u.b.width, u.b.is_signed);
      const i128 sa = lop::detail::shl(va, u.res.frac - u.a.frac);
      const i128 sb = lop::detail::shl(vb, u.res.frac - u.b.frac);
      return to_bits(u.k == kind::add ? sa + sb : sa - sb, u.width);
    }
    case kind::pe: break;
  }
  return 0;
}

// ---- failure log -----------------------------------------------------------------------------
struct failures {
  std::uint64_t count = 0;
  std::map<int, std::uint64_t> per_unit;
  std::ostringstream text;
  static constexpr std::uint64_t max_shown = 25;

  // `where` describes the inputs; it is only needed (and only built) for the first max_shown.
  void add(const unit& u, std::size_t idx, const std::string& where, u128 exp, u128 got) {
    if (count < max_shown) {
      text << "MISMATCH unit #" << idx << " (list line " << u.line << ": " << u.text << ")\n  "
           << where << "\n  expected " << hex(exp) << " got " << hex(got) << " (" << u.width
           << " bits)\n";
    }
    ++count;
    ++per_unit[static_cast<int>(idx)];
  }
  [[nodiscard]] std::string summary() const {
    std::ostringstream s;
    s << count << " mismatching outputs";
    if (count != 0) {
      s << " in " << per_unit.size() << " units (unit#:count";
      int n = 0;
      for (const auto& [i, c] : per_unit) {
        if (n++ == 40) { s << " ..."; break; }
        s << ' ' << i << ':' << c;
      }
      s << ")\n" << text.str();
      if (count > max_shown) s << "  ... (" << count - max_shown << " more)\n";
    }
    return s.str();
  }
};

// Interesting raw bit patterns of a w-bit operand (masked to w bits).
[[nodiscard]] inline std::vector<std::uint64_t> operand_corners(int w) {
  const std::uint64_t m = mask64(w);
  const std::uint64_t half = std::uint64_t{1} << (w - 1);
  std::set<std::uint64_t> s{0, 1, 2, 3, m, m - 1, m - 2, half, half + 1, half - 1, half - 2,
                            m >> 2, (m >> 2) + 1, half | (half >> 1), 0x5555555555555555ULL & m,
                            0xAAAAAAAAAAAAAAAAULL & m};
  std::vector<std::uint64_t> v;
  for (auto c : s) v.push_back(c & m);
  std::sort(v.begin(), v.end());
  v.erase(std::unique(v.begin(), v.end()), v.end());
  return v;
}

// Quantizer inputs around rounding ties and around the output's saturation thresholds.
[[nodiscard]] inline std::vector<std::uint64_t> quantize_corners(const unit& u, std::mt19937_64& rng) {
  std::vector<std::uint64_t> v = operand_corners(u.wx);
  const int d = u.d;
  const i128 hi = lop::detail::raw_max(u.b);
  const i128 lo = lop::detail::raw_min(u.b);
  const i128 shi = u.b.is_signed ? -hi : lo;
  for (i128 t : {hi, hi + 1, hi - 1, lo, lo - 1, lo + 1, shi, shi - 1, shi + 1, i128{0}, i128{-1}, i128{1}}) {
    std::vector<i128> xs;
    if (d > 0 && d < 100) {
      const i128 base = lop::detail::shl(t, std::min(d, 100));
      const i128 h = d <= 64 ? lop::detail::shl(i128{1}, d - 1) : 0;
      for (i128 delta : {i128{0}, h, h - 1, h + 1, -h, -h - 1, -h + 1, i128{1}, i128{-1}, 2 * h - 1})
        xs.push_back(base + delta);
    } else if (d <= 0 && -d < 100) {
      const i128 base = lop::detail::asr(t, -d);
      for (i128 delta : {i128{0}, i128{1}, i128{-1}}) xs.push_back(base + delta);
    }
    for (i128 xv : xs) v.push_back(static_cast<std::uint64_t>(to_bits(xv, 64)) & mask64(u.wx));
  }
  // ties with random upper bits
  if (d > 0 && d <= 63) {
    for (int i = 0; i < 16; ++i) {
      const std::uint64_t r = rng();
      const std::uint64_t low = std::uint64_t{1} << (d - 1);
      v.push_back(((r & ~mask64(d)) | low) & mask64(u.wx));
    }
  }
  std::sort(v.begin(), v.end());
  v.erase(std::unique(v.begin(), v.end()), v.end());
  return v;
}

[[nodiscard]] inline std::vector<std::uint64_t> rnd_corners(int k, std::mt19937_64& rng) {
  if (k == 0) return {0, ~std::uint64_t{0}};
  const std::uint64_t m = mask64(k);
  std::vector<std::uint64_t> v{0, 1, m, m - 1, m >> 1, (m >> 1) + 1};
  for (int i = 0; i < 6; ++i) v.push_back(rng() & m);
  return v;
}

// ---- combinational bundles (quantize / mul / add) --------------------------------------------
struct comb_config {
  std::uint64_t seed = 0x10C0C051ULL;
  std::uint64_t random_vectors = 1'000'000;
  int exhaustive_max_bits = 16;
};

struct comb_stats {
  std::uint64_t vectors = 0;
  std::uint64_t checks = 0;
  std::size_t units = 0;
  std::size_t exhaustive_units = 0;
};

template <class Model>
comb_stats run_comb_bundle(Model& m, const std::vector<unit>& units, const comb_config& cfg,
                           failures& fail) {
  comb_stats st;
  st.units = units.size();
  m.clk = 0;
  m.rst = 0;
  m.en = 0;
  m.clear = 0;
  m.seed = 0;
  std::string phase;
  std::uint64_t vec_index = 0;
  // Evaluate one vector and check the units listed in `which`.
  auto apply = [&](std::uint64_t x, std::uint64_t y, const std::vector<std::size_t>& which) {
    m.x = x;
    m.y = y;
    m.eval();
    ++st.vectors;
    ++vec_index;
    for (const std::size_t i : which) {
      const unit& u = units[i];
      const u128 got = get_bits(m.out, u.off, u.width);
      const u128 exp = expected_comb(u, x, y);
      ++st.checks;
      if (got == exp) continue;
      std::string where;
      if (fail.count < failures::max_shown) {
        std::ostringstream w;
        w << "phase " << phase << ", vector " << vec_index << ", seed " << hex(cfg.seed)
          << ": x=" << hex(x) << " y=" << hex(y) << " -> a=" << hex(x & mask64(u.wx)) << " ("
          << dec(from_bits(x & mask64(u.wx), u.a.width, u.a.is_signed)) << ")";
        if (u.k == kind::quantize)
          w << " rnd=" << hex(y & mask64(u.wy)) << " (" << u.wy << " bits)";
        else
          w << " b=" << hex(y & mask64(u.wy)) << " ("
            << dec(from_bits(y & mask64(u.wy), u.b.width, u.b.is_signed)) << ")";
        where = w.str();
      }
      fail.add(u, i, where, exp, got);
    }
  };
  std::vector<std::size_t> random_units;
  std::map<std::pair<int, int>, std::vector<std::size_t>> by_footprint;
  for (std::size_t i = 0; i < units.size(); ++i) {
    const unit& u = units[i];
    if (u.wx + u.wy <= cfg.exhaustive_max_bits) {
      by_footprint[{u.wx, u.wy}].push_back(i);
      ++st.exhaustive_units;
    } else {
      random_units.push_back(i);
    }
  }

  // 1. Exhaustive: one sweep per distinct input footprint (wx, wy) with wx + wy <= 16,
  //    checking the units of that footprint on every (x, y) they can see.
  for (const auto& [fp, which] : by_footprint) {
    const auto [wx, wy] = fp;
    phase = "exhaustive(" + std::to_string(wx) + "+" + std::to_string(wy) + " bits)";
    vec_index = 0;
    const std::uint64_t n = std::uint64_t{1} << (wx + wy);
    for (std::uint64_t c = 0; c < n; ++c) apply(c & mask64(wx), c >> wx, which);
  }

  std::mt19937_64 rng(cfg.seed);
  // 2. Corner cases of every unit.
  phase = "corners";
  vec_index = 0;
  for (std::size_t i = 0; i < units.size(); ++i) {
    const unit& u = units[i];
    const std::vector<std::size_t> self{i};
    if (u.k == kind::quantize) {
      const auto xs = quantize_corners(u, rng);
      const auto ys = rnd_corners(u.wy, rng);
      for (auto x : xs)
        for (auto y : ys) apply(x | (rng() & ~mask64(u.wx)), y, self);
    } else {
      const auto xs = operand_corners(u.wx);
      const auto ys = operand_corners(u.wy);
      for (auto x : xs)
        for (auto y : ys) apply(x, y, self);
    }
  }

  // 3. Random vectors: uniform bits, and sparse/dense patterns that reach the extremes.
  phase = "random";
  vec_index = 0;
  auto pattern = [&]() -> std::uint64_t {
    switch (rng() % 8) {
      case 0: return rng() & rng();
      case 1: return rng() | rng();
      case 2: return ~std::uint64_t{0} << (rng() % 64);
      case 3: return (std::uint64_t{1} << (rng() % 64)) - 1;
      case 4: return rng() & rng() & rng();
      default: return rng();
    }
  };
  // (units with <= 16 input bits were covered exhaustively; random vectors go to the others)
  if (!random_units.empty())
    for (std::uint64_t i = 0; i < cfg.random_vectors; ++i) apply(pattern(), pattern(), random_units);
  return st;
}

// ---- PE bundles ------------------------------------------------------------------------------

// A float operand for the random phase of float PEs, in the low width(f) bits (random bits
// above): mode 0 uniform bits; 1 special values (NaN, +-Inf, +-0, smallest/largest subnormal,
// smallest normal, max finite, 1, 1 + ulp); 2 and 3 values near 1 with mantissas 0, 1, 10..0,
// 11..1 (exact ties and cancellations in the accumulator); 4 tiny and huge magnitudes
// (exponent field near 0 or near the top); 5 a mix of all.
[[nodiscard]] inline std::uint64_t float_operand(const lop::float_format& f, int mode, std::mt19937_64& rng) {
  const int w = lop::width(f);
  const int mb = f.man_bits;
  const std::uint64_t top = mask64(f.exp_bits);
  const std::uint64_t high = rng() & ~mask64(w);
  const std::uint64_t sign = (rng() & 1U) << (w - 1);
  if (mode == 5) mode = static_cast<int>(rng() % 5);
  auto pack = [&](std::uint64_t field, std::uint64_t man) {
    return high | sign | ((field & top) << mb) | (man & mask64(mb));
  };
  switch (mode) {
    case 1: {
      const std::uint64_t one = static_cast<std::uint64_t>(f.bias) & top;
      switch (rng() % 10) {
        case 0: return high | lop::nan_bits(f).value_or(0);
        case 1: return pack(top, 0);                   // Inf (ieee) or a top-binade number
        case 2: return pack(0, 0);                     // +-0
        case 3: return pack(0, 1);                     // smallest subnormal
        case 4: return pack(0, mask64(mb));            // largest subnormal
        case 5: return pack(1, 0);                     // smallest normal
        case 6: return high | sign | lop::max_finite_bits(f);
        case 7: return pack(one, 0);                   // 1
        case 8: return pack(one, 1);                   // 1 + ulp
        default: return pack(top, mask64(mb));         // NaN (fn) or the top encoding
      }
    }
    case 2:
    case 3: {
      const std::uint64_t field = static_cast<std::uint64_t>(f.bias + static_cast<int>(rng() % 7) - 3) & top;
      static constexpr int kinds = 5;
      std::uint64_t man = 0;
      switch (rng() % kinds) {
        case 0: man = 0; break;
        case 1: man = 1; break;
        case 2: man = mb > 0 ? std::uint64_t{1} << (mb - 1) : 0; break;
        case 3: man = mask64(mb); break;
        default: man = rng(); break;
      }
      return pack(field == 0 ? 1 : field, man);
    }
    case 4: {
      const std::uint64_t field = rng() % 2 == 0 ? rng() % 3 : top - rng() % 3;
      return pack(field, rng());
    }
    default: return rng();
  }
}

struct pe_config {
  std::uint64_t seed = 0x9E3779B97F4A7C15ULL;
  // Float-operand PEs: the exhaustive pairs are applied in a shuffled order with this clear
  // rate (so that they meet many accumulator states), and the random phase draws operands
  // from float_operand() (special values, ties, cancellations) instead of the fixed patterns.
  double exhaustive_clear_rate = 1.0 / 3000.0;
  bool shuffle_exhaustive = false;
  std::uint64_t random_macs = 1'000'000;  // en cycles in the random phase (all segments)
  std::vector<std::uint32_t> lfsr_seeds{0xACE1ACE1U, 1U, 0U, 0xFFFFFFFFU, 0x12345678U};
  int exhaustive_max_bits = 16;
};

struct pe_stats {
  std::uint64_t cycles = 0;
  std::uint64_t checks = 0;
  std::uint64_t min_macs = 0;
  std::size_t clipping_units = 0;  // PEs whose accumulator overflowed at least 100 times
  std::size_t units = 0;
  std::size_t exhaustive_units = 0;
};

struct stage_in {
  std::uint64_t x = 0, y = 0;
  bool en = false, clear = false;
};

struct pe_state {
  lop::pe_model model;
  std::array<stage_in, lop::max_pipeline> line{};
  std::uint64_t macs = 0;
  std::uint64_t overflows = 0;  // MACs whose exact sum fell outside acc's range
  lop::fixed_format prod, sum;
  i128 acc_lo, acc_hi;  // range of acc, scaled to sum's fraction bits
  explicit pe_state(const lop::pe_spec& s)
      : model(s), prod(lop::product_format(s.a.fixed, s.b.fixed)), sum(lop::sum_format(s.acc.fixed, prod)),
        acc_lo(lop::detail::shl(lop::detail::raw_min(s.acc.fixed), sum.frac - s.acc.fixed.frac)),
        acc_hi(lop::detail::shl(lop::detail::raw_max(s.acc.fixed), sum.frac - s.acc.fixed.frac)) {}
};

template <class Model>
pe_stats run_pe_bundle(Model& m, const std::vector<unit>& units, const pe_config& cfg,
                       failures& fail) {
  pe_stats st;
  st.units = units.size();
  std::vector<pe_state> pes;
  for (const unit& u : units) {
    if (u.k != kind::pe) throw std::runtime_error("PE bundle holds a non-PE unit: " + u.text);
    pes.emplace_back(u.pe);
  }
  std::string phase;
  std::uint64_t cycle = 0;
  std::uint32_t seed_now = 0;
  // Recent inputs, for failure messages.
  struct hist_entry {
    std::uint64_t cycle, x, y;
    bool rst, en, clear;
    std::uint32_t seed;
  };
  std::array<hist_entry, 6> history{};

  m.clk = 0;
  m.rst = 0;
  m.en = 0;
  m.clear = 0;
  m.seed = 0;
  m.x = 0;
  m.y = 0;
  m.eval();

  auto step = [&](std::uint64_t x, std::uint64_t y, bool en, bool clear, bool rst, std::uint32_t seed) {
    m.x = x;
    m.y = y;
    m.en = en ? 1 : 0;
    m.clear = clear ? 1 : 0;
    m.rst = rst ? 1 : 0;
    m.seed = seed;
    m.clk = 1;
    m.eval();
    ++st.cycles;
    ++cycle;
    history[cycle % history.size()] = {cycle, x, y, rst, en, clear, seed};
    const stage_in cur{x, y, en, clear};
    for (std::size_t i = 0; i < units.size(); ++i) {
      const unit& u = units[i];
      pe_state& p = pes[i];
      if (rst) {
        p.model.reset(seed);
        p.line = {};
      } else {
        const int depth = u.pe.pipeline;
        const stage_in s = depth == 0 ? cur : p.line[static_cast<std::size_t>(depth - 1)];
        for (int k = depth - 1; k > 0; --k) p.line[static_cast<std::size_t>(k)] = p.line[static_cast<std::size_t>(k - 1)];
        if (depth > 0) p.line[0] = cur;
        if (s.en) {
          const i128 a = lop::detail::raw_from_bits(u.pe.a, s.x & mask64(u.wx));
          const i128 b = lop::detail::raw_from_bits(u.pe.b, s.y & mask64(u.wy));
          const i128 before = p.model.acc();
          p.model.mac(a, b, s.clear);
          ++p.macs;
          if (!u.pe.float_operands()) {
            const i128 exact = lop::detail::shl(s.clear ? i128{0} : before, p.sum.frac - u.pe.acc.fixed.frac) +
                               lop::detail::shl(a * b, p.sum.frac - p.prod.frac);
            if (exact < p.acc_lo || exact > p.acc_hi) ++p.overflows;
          }
        } else if (s.clear) {
          p.model.clear();
        }
      }
      {
        const int wout = lop::width(u.pe.out);
        const int wacc = lop::width(u.pe.acc);
        const u128 go = get_bits(m.out, u.off, wout);
        const u128 ga = get_bits(m.out, u.off + wout, wacc);
        const u128 eo = to_bits(p.model.out(), wout);
        const u128 ea = to_bits(p.model.acc(), wacc);
        st.checks += 2;
        if (go != eo || ga != ea) {
          if (fail.count >= failures::max_shown) {
            fail.add(u, i, {}, 0, 1);
            continue;
          }
          std::ostringstream w;
          w << "phase " << phase << ", cycle " << cycle << ", stimulus seed " << hex(cfg.seed)
            << ", lfsr seed " << hex(seed_now) << ", MACs so far " << p.macs
            << "\n  recent inputs (oldest first):";
          for (std::uint64_t c = cycle >= 5 ? cycle - 5 : 1; c <= cycle; ++c) {
            const hist_entry& h = history[c % history.size()];
            w << "\n    cycle " << h.cycle << ": rst=" << h.rst << " en=" << h.en << " clear=" << h.clear
              << " x=" << hex(h.x) << " y=" << hex(h.y) << " seed=" << hex(h.seed);
          }
          w << "\n  out: expected " << hex(eo) << " got " << hex(go) << "; acc: expected " << hex(ea)
            << " got " << hex(ga) << " (acc " << dec(p.model.acc()) << ")";
          fail.add(u, i, w.str(), (static_cast<u128>(ea) << wout) | eo, (static_cast<u128>(ga) << wout) | go);
        }
      }
    }
    m.clk = 0;
    m.eval();
  };
  auto reset = [&](std::uint32_t seed) {
    seed_now = seed;
    step(0, 0, false, false, true, seed);
  };

  std::mt19937_64 rng(cfg.seed);
  auto chance = [&](double p) { return std::uniform_real_distribution<double>(0.0, 1.0)(rng) < p; };

  // Sign-bit masks of the signed operands, to steer products positive or negative.
  std::uint64_t sign_a = 0, sign_b = 0;
  std::vector<lop::float_format> float_formats;  // the float operand formats of the bundle
  for (const unit& u : units) {
    if (u.pe.float_operands()) {
      for (const lop::float_format& f : {u.pe.a.floating, u.pe.b.floating})
        if (std::find(float_formats.begin(), float_formats.end(), f) == float_formats.end()) float_formats.push_back(f);
      continue;
    }
    if (u.a.is_signed) sign_a |= std::uint64_t{1} << (u.wx - 1);
    if (u.b.is_signed) sign_b |= std::uint64_t{1} << (u.wy - 1);
  }

  // 1. Exhaustive (a, b) streams per distinct footprint with wa + wb <= 16: every pair is
  //    MACed (the counter advances only on en cycles), clears are rare.
  std::set<std::pair<int, int>> footprints;
  for (const unit& u : units)
    if (u.wx + u.wy <= cfg.exhaustive_max_bits) {
      footprints.insert({u.wx, u.wy});
      ++st.exhaustive_units;
    }
  std::size_t fp_index = 0;
  for (const auto& [wx, wy] : footprints) {
    phase = "exhaustive(" + std::to_string(wx) + "+" + std::to_string(wy) + " bits)";
    reset(cfg.lfsr_seeds[fp_index++ % cfg.lfsr_seeds.size()]);
    const std::uint64_t n = std::uint64_t{1} << (wx + wy);
    std::vector<std::uint32_t> order;
    if (cfg.shuffle_exhaustive) {
      order.resize(n);
      for (std::uint64_t k = 0; k < n; ++k) order[k] = static_cast<std::uint32_t>(k);
      std::shuffle(order.begin(), order.end(), rng);
    }
    std::uint64_t c = 0;
    while (c < n) {
      const bool en = chance(0.85);
      const bool clear = chance(cfg.exhaustive_clear_rate);
      const std::uint64_t hi_bits = rng() & ~mask64(wx);
      const std::uint64_t pair = cfg.shuffle_exhaustive ? order[c] : c;
      step((pair & mask64(wx)) | hi_bits, (pair >> wx) | (rng() & ~mask64(wy)), en, clear, false, seed_now);
      if (en) ++c;
    }
  }

  // 2. Random streams in segments, each starting with a reset to one of the LFSR seeds.
  //    Modes change every few thousand cycles: uniform, drift up, drift down (to saturate),
  //    extreme values; en duty and clear rate vary.
  const std::uint64_t segments = cfg.lfsr_seeds.size();
  const std::uint64_t per_seg = cfg.random_macs / segments + 1 + lop::max_pipeline;
  for (std::uint64_t sgi = 0; sgi < segments; ++sgi) {
    phase = "random(segment " + std::to_string(sgi) + ")";
    reset(cfg.lfsr_seeds[sgi]);
    std::uint64_t left = 0;
    int mode = 0;
    double p_en = 1.0, p_clear = 0.0;
    for (std::uint64_t macs = 0; macs < per_seg;) {
      if (left == 0) {
        left = 64 + rng() % 8192;
        mode = static_cast<int>(rng() % 6);
        static constexpr double ens[] = {1.0, 0.95, 0.8, 0.5, 0.1};
        static constexpr double clears[] = {0.0, 0.0, 1.0 / 5000, 1.0 / 500, 1.0 / 20, 1.0 / 3};
        p_en = ens[rng() % 5];
        p_clear = clears[rng() % 6];
      }
      --left;
      std::uint64_t x = rng();
      std::uint64_t y = rng();
      if (!float_formats.empty()) {
        const lop::float_format& f = float_formats[rng() % float_formats.size()];
        x = float_operand(f, mode, rng);
        y = float_operand(f, mode, rng);
      } else switch (mode) {
        case 1: x &= ~sign_a; y &= ~sign_b; break;                       // products >= 0
        case 2: x &= ~sign_a; y |= sign_b; break;                        // signed products < 0
        case 3: x = chance(0.5) ? ~std::uint64_t{0} : ~sign_a; y = chance(0.5) ? ~std::uint64_t{0} : sign_b; break;
        case 4: x = rng() & 7; y = rng() & 7; if (chance(0.5)) { x = ~x; } break;  // small magnitudes
        default: break;
      }
      const bool en = chance(p_en);
      step(x, y, en, chance(p_clear), false, seed_now);
      if (en) ++macs;
    }
  }

  st.min_macs = ~std::uint64_t{0};
  for (const pe_state& p : pes) {
    st.min_macs = std::min(st.min_macs, p.macs);
    if (p.overflows >= 100) ++st.clipping_units;
  }
  return st;
}

}  // namespace lop_cosim
