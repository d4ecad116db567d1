// Bit-exact co-simulation of the lop-hwgen float units (fconvert, fmul, fadd, fsub, ffma,
// ffromfixed) against the C++ model lop::detail::float_convert / float_mul / float_add /
// float_sub / float_fma / float_from_fixed.
//
// Two float bundles (lop-hwgen bundle with a float list, see docs/verilog-interface.md):
//  - float_small.list: mostly operands of <= 18 bits in total: every (a, b[, c]) tuple, every
//    rounding mode; stochastic units get a random `rnd` per vector (uniform, and patterns that
//    hit the D + rnd = 2^32 boundary), in two sweeps;
//  - float_wide.list: fp16 / bf16 / fp32 / fp64 (and mixes).
// Units too wide for a sweep get all pairs of special values and random vectors (1,000,000 by
// default for float_wide.list, 250,000 for the few fp8 fma units of float_small.list; the
// environment variable LOP_COSIM_SCALE multiplies the counts, e.g. 0.1 or 10).
// Pipelined units are checked against the inputs of `pipeline` clock edges earlier.
#include <catch2/catch.hpp>

#include <array>
#include <chrono>
#include <cstdint>
#include <cstdlib>
#include <fstream>
#include <iostream>
#include <map>
#include <random>
#include <set>
#include <sstream>
#include <string>
#include <vector>

#include "Vlop_cosim_float_small.h"
#include "Vlop_cosim_float_wide.h"
#include "cosim.hpp"
#include "lop/detail/float_core.hpp"
#include "lop/detail/int128.hpp"
#include "lop/float_format.hpp"
#include "lop/hw/float_units.hpp"

namespace {

using u64 = std::uint64_t;
using u32 = std::uint32_t;

using lop_cosim::hex;
using lop_cosim::list_path;
using lop_cosim::read_file;
using lop_cosim::scale;
using lop_cosim::mask64;

struct unit {
  lop::hw::float_unit u;
  std::string text;
  int off = 0, w = 0, wa = 0, wb = 0, wc = 0;
};

using kind = lop::hw::float_unit::kind;

std::vector<unit> load(const char* list) {
  const auto fus = lop::hw::parse_float_bundle_list(read_file(list_path(list)));
  std::vector<unit> us;
  int off = 0;
  for (const auto& f : fus) {
    unit u;
    u.u = f;
    u.text = lop::hw::to_string(f);
    u.off = off;
    u.w = lop::hw::output_width(f);
    u.wa = f.k == kind::from_fixed ? f.fx.width : lop::width(f.a);
    u.wb = f.k == kind::convert || f.k == kind::from_fixed || f.k == kind::to_fixed ? 0 : lop::width(f.b);
    u.wc = f.k == kind::fma ? lop::width(f.c) : 0;
    off += u.w;
    us.push_back(u);
  }
  return us;
}

// The C++ model of one unit.
u64 expected(const unit& u, u64 x, u64 y, u64 z, u32 rnd) {
  const u64 a = x & mask64(u.wa);
  const u64 b = y & mask64(u.wb);
  const u64 c = z & mask64(u.wc);
  const auto& f = u.u;
  switch (f.k) {
    case kind::convert: return lop::detail::float_convert(f.out, f.a, a, rnd);
    case kind::mul: return lop::detail::float_mul(f.out, f.a, a, f.b, b, rnd);
    case kind::add: return lop::detail::float_add(f.out, f.a, a, f.b, b, rnd);
    case kind::sub: return lop::detail::float_sub(f.out, f.a, a, f.b, b, rnd);
    case kind::fma: return lop::detail::float_fma(f.out, f.a, a, f.b, b, f.c, c, rnd);
    case kind::to_fixed:
      return static_cast<u64>(lop::detail::float_to_fixed(f.fx, f.a, a, rnd)) & mask64(u.w);
    case kind::from_fixed:
      return lop::detail::float_from_fixed(f.out, f.fx, lop::detail::extend<lop::detail::i128>(a, u.wa, f.fx.is_signed),
                                           rnd);
  }
  return 0;
}

template <class P>
u64 get_bits(const P& port, int lo, int w) {
  return static_cast<u64>(lop_cosim::get_bits(port, lo, w));
}

struct vec {
  u64 x = 0, y = 0, z = 0;
  u32 rnd = 0;
};

// Drives a float bundle one vector per clock cycle and checks the units it is told to check;
// a unit with `pipeline` N is compared with the vector applied N cycles earlier.
template <class Model>
class driver {
 public:
  driver(Model& m, const std::vector<unit>& us) : m_(m), us_(us) {
    m_.clk = 0;
    m_.x = 0;
    m_.y = 0;
    m_.z = 0;
    m_.rnd = 0;
    m_.eval();
  }

  void step(const vec& v, const std::vector<std::size_t>& which) {
    m_.x = v.x;
    m_.y = v.y;
    m_.z = v.z;
    m_.rnd = v.rnd;
    m_.clk = 0;
    m_.eval();
    hist_[cycle_ % hist_.size()] = v;
    for (const std::size_t i : which) {
      const unit& u = us_[i];
      const int lat = u.u.pipeline;
      if (static_cast<u64>(lat) > cycle_) continue;
      const vec& in = hist_[(cycle_ - static_cast<u64>(lat)) % hist_.size()];
      const u64 got = get_bits(m_.out, u.off, u.w);
      const u64 exp = expected(u, in.x, in.y, in.z, in.rnd);
      ++checks;
      if (got != exp) fail(i, in, exp, got);
    }
    m_.clk = 1;
    m_.eval();
    ++cycle_;
    ++vectors;
  }

  u64 vectors = 0;
  u64 checks = 0;
  u64 mismatches = 0;
  std::map<std::size_t, u64> per_unit;
  std::ostringstream log;
  std::string phase;

 private:
  void fail(std::size_t i, const vec& in, u64 exp, u64 got) {
    const unit& u = us_[i];
    if (mismatches < 30)
      log << "MISMATCH unit #" << i << " (" << u.text << "), phase " << phase << ": a=" << hex(in.x & mask64(u.wa))
          << (u.wb > 0 ? " b=" + hex(in.y & mask64(u.wb)) : std::string())
          << (u.wc > 0 ? " c=" + hex(in.z & mask64(u.wc)) : std::string()) << " rnd=" << hex(in.rnd)
          << ": model " << hex(exp) << ", hardware " << hex(got) << "\n";
    ++mismatches;
    ++per_unit[i];
  }
  Model& m_;
  const std::vector<unit>& us_;
  std::array<vec, lop::hw::max_float_pipeline + 2> hist_{};
  u64 cycle_ = 0;
};

// Random draws for stochastic rounding: uniform, or a random top part followed by all zeros or
// all ones (the exact results of small formats have few bits, so D + rnd = 2^32 is hit).
u32 random_rnd(std::mt19937_64& rng) {
  const u64 r = rng();
  switch (r % 4) {
    case 0: {
      const int k = static_cast<int>((r >> 8) % 33);
      const u32 top = static_cast<u32>((rng() & mask64(k)) << (32 - k));
      return top;
    }
    case 1: {
      const int k = static_cast<int>((r >> 8) % 33);
      const u32 top = static_cast<u32>((rng() & mask64(k)) << (32 - k));
      return top | (k == 32 ? 0U : static_cast<u32>((u64{1} << (32 - k)) - 1));
    }
    default: return static_cast<u32>(rng() >> 16);
  }
}

// Special and boundary encodings of a format (masked to its width).
std::vector<u64> specials_of(const lop::float_format& f) {
  const int w = lop::width(f);
  const int mb = f.man_bits;
  const u64 sb = lop::sign_bit(f);
  const u64 maxf = lop::max_finite_bits(f);
  std::set<u64> s{0, 1, 2, 3, mask64(mb), mask64(mb) - 1, u64{1} << mb, (u64{1} << mb) + 1, maxf, maxf - 1, maxf - 2,
                  maxf >> 1, (u64{1} << (w - 2)), (u64{1} << (w - 2)) - 1, (u64{1} << (w - 2)) + 1};
  const u64 one = static_cast<u64>(f.bias > 0 && f.bias < (1 << f.exp_bits) ? f.bias : 1) << mb;
  for (u64 v : {one, one + 1, one - 1, one | (u64{1} << (mb > 0 ? mb - 1 : 0)), one + (u64{2} << mb)}) s.insert(v);
  if (auto v = lop::infinity_bits(f)) s.insert(*v);
  if (auto v = lop::nan_bits(f)) s.insert(*v & ~sb);
  s.insert(mask64(w - 1));  // all-ones magnitude (NaN / Inf / max)
  std::vector<u64> out;
  for (u64 v : s) {
    out.push_back(v & mask64(w));
    out.push_back((v | sb) & mask64(w));
  }
  return out;
}

// Units with at most this many operand bits are swept exhaustively; the environment variable
// LOP_COSIM_FLOAT_EXHAUSTIVE_BITS changes it (24 sweeps the fp8 fma units too: minutes).
int exhaustive_max_bits() {
  const char* s = std::getenv("LOP_COSIM_FLOAT_EXHAUSTIVE_BITS");
  return s != nullptr ? std::atoi(s) : 18;
}

template <class Model>
void run_bundle(const char* list, u64 seed, u64 base_random) {
  const std::vector<unit> us = load(list);
  REQUIRE(!us.empty());
  Model m;
  driver<Model> drv(m, us);
  std::mt19937_64 rng(seed);
  const auto t0 = std::chrono::steady_clock::now();

  std::map<std::array<int, 3>, std::vector<std::size_t>> footprints;
  std::vector<std::size_t> random_units;
  std::vector<std::size_t> fma_units;
  for (std::size_t i = 0; i < us.size(); ++i) {
    if (us[i].wa + us[i].wb + us[i].wc <= exhaustive_max_bits()) {
      footprints[{us[i].wa, us[i].wb, us[i].wc}].push_back(i);
    } else {
      random_units.push_back(i);
      if (us[i].u.k == kind::fma) fma_units.push_back(i);
    }
  }

  // 1. Exhaustive sweeps per input footprint; stochastic units get two sweeps.
  u64 exhaustive_units = 0;
  for (const auto& [fp, which] : footprints) {
    exhaustive_units += which.size();
    const auto [wa, wb, wc] = fp;
    bool any_st = false;
    for (std::size_t i : which) any_st = any_st || us[i].u.out.round == lop::rounding::stochastic;
    const u64 n = u64{1} << (wa + wb + wc);
    for (int sweep = 0; sweep < (any_st ? 2 : 1); ++sweep) {
      drv.phase = "exhaustive(" + std::to_string(wa) + "+" + std::to_string(wb) + "+" + std::to_string(wc) +
                  " bits, sweep " + std::to_string(sweep) + ")";
      for (u64 c = 0; c < n; ++c) {
        vec v;  // unused high bits random
        v.x = (c & mask64(wa)) | (rng() << wa);
        v.y = ((c >> wa) & mask64(wb)) | (wb < 64 ? rng() << wb : 0);
        v.z = (c >> (wa + wb)) | (wc < 64 ? rng() << wc : 0);
        v.rnd = sweep == 0 ? static_cast<u32>(rng()) : random_rnd(rng);
        drv.step(v, which);
      }
    }
  }

  // 2. All pairs of special values of every operand format (each placed in the low bits).
  std::set<u64> spec_set;
  for (std::size_t i : random_units) {
    const unit& u = us[i];
    if (u.u.k != kind::from_fixed)
      for (u64 v : specials_of(u.u.a)) spec_set.insert(v);
    if (u.wb > 0)
      for (u64 v : specials_of(u.u.b)) spec_set.insert(v);
    if (u.wc > 0)
      for (u64 v : specials_of(u.u.c)) spec_set.insert(v);
  }
  const std::vector<u64> spec(spec_set.begin(), spec_set.end());
  drv.phase = "specials";
  for (u64 a : spec)
    for (u64 b : spec) drv.step({a, b, spec.empty() ? 0 : spec[rng() % spec.size()], random_rnd(rng)}, random_units);

  // 3. Random vectors for the units too wide for a sweep: uniform bits, nearby magnitudes
  //    (b = a + small delta, signs flipped at random: cancellation, ties, carries), operands
  //    with cleared low bits (exact products, ties), and special values mixed in.
  const u64 n_random = random_units.empty() ? 0 : static_cast<u64>(static_cast<double>(base_random) * scale());
  drv.phase = "random";
  for (u64 i = 0; i < n_random; ++i) {
    const u64 r = rng();
    u64 x = rng();
    u64 y = rng();
    u64 z = rng();
    switch (r % 8) {
      case 0:
      case 1:
      case 2: {  // nearby
        const int k = static_cast<int>((r >> 8) % 30);
        const u64 delta = rng() & mask64(k);
        y = (r >> 16) & 1 ? x + delta : x - delta;
        if ((r >> 17) & 1) y ^= u64{1} << 15;
        if ((r >> 18) & 1) y ^= u64{1} << 31;
        if ((r >> 19) & 1) y ^= u64{1} << 63;
        break;
      }
      case 3: {  // short significands
        const int kx = static_cast<int>((r >> 8) % 56);
        const int ky = static_cast<int>((r >> 16) % 56);
        x &= ~mask64(kx);
        y &= ~mask64(ky);
        break;
      }
      case 4:
        x = spec[rng() % spec.size()];
        break;
      case 5:
        y = spec[rng() % spec.size()];
        break;
      default: break;
    }
    if (!fma_units.empty()) {
      // c near +-(a * b) of one fma unit's formats (cancellation, ties), or a special value.
      const u64 q = rng();
      if (q % 8 == 0) {
        z = spec[rng() % spec.size()];
      } else if (q % 8 < 6) {
        const unit& f = us[fma_units[(q >> 3) % fma_units.size()]];
        const u64 p = lop::detail::float_mul(f.u.c, f.u.a, x & mask64(f.wa), f.u.b, y & mask64(f.wb), 0);
        const u64 delta = rng() & mask64(static_cast<int>((q >> 16) % 12));
        z = ((q >> 30) & 1 ? p + delta : p - delta) & mask64(f.wc);
        if ((q >> 31) & 1) z ^= u64{1} << (f.wc - 1);
      }
    }
    drv.step({x, y, z, random_rnd(rng)}, random_units);
  }

  m.final();
  const double secs = std::chrono::duration<double>(std::chrono::steady_clock::now() - t0).count();
  std::cout << "[cosim] " << list << ": " << us.size() << " float units (" << exhaustive_units
            << " exhaustive), " << drv.vectors << " vectors (" << n_random << " random), " << drv.checks
            << " unit checks, seed " << hex(seed) << ", " << secs << " s\n";
  std::ostringstream summary;
  summary << drv.mismatches << " mismatching outputs";
  if (drv.mismatches != 0) {
    summary << " (unit#:count";
    for (const auto& [i, c] : drv.per_unit) summary << ' ' << i << ':' << c;
    summary << ")\n" << drv.log.str();
  }
  INFO("bundle " << list << ": " << summary.str());
  CHECK(drv.mismatches == 0);
  if (!random_units.empty() && scale() >= 1.0) CHECK(n_random >= base_random);
}

}  // namespace

TEST_CASE("cosim: float units, exhaustive on small formats", "[cosim][float]") {
  run_bundle<Vlop_cosim_float_small>("float_small.list", 0xF10A7ULL, 250'000);
}

TEST_CASE("cosim: float units on fp16, bf16, fp32", "[cosim][float]") {
  run_bundle<Vlop_cosim_float_wide>("float_wide.list", 0xF10A7F32ULL, 1'000'000);
}
