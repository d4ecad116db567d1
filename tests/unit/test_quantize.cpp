// Quantization between formats against the reference (tests/unit/reference.hpp):
// exhaustive over every raw value of every source format up to 8 bits, into destination
// formats of widths 1..9 with fracs around the source's, in every rounding x overflow mode;
// at run time through lop::detail::quantize_raw (all three compute types) and for a
// representative set of formats through the typed API (conversion, lop::quantize).
#include <cstdint>
#include <vector>

#include "lop/fixed.hpp"
#include "lop/rounding.hpp"
#include "test_util.hpp"

namespace {

using namespace unit;
using lop::fixed_format;

// Destination frac offsets relative to the source frac: d = src_frac - dst_frac.
const std::vector<int>& shifts() {
  static const std::vector<int> v = [] {
    std::vector<int> r;
    for (int d = -11; d <= 12; ++d) r.push_back(d);
    for (int d : {-40, 31, 32, 33, 40, 64, 127, 1000, -1000, 4096}) r.push_back(d);
    return r;
  }();
  return v;
}

template <class T>
i128 lop_quantize(i128 x, int src_frac, const fixed_format& dst, std::uint32_t rnd) {
  return lop::detail::quantize_raw<T>(static_cast<T>(x), src_frac, dst, rnd);
}

}  // namespace

TEST_CASE("quantize_raw: exhaustive over sources of <= 8 bits, every rounding x overflow mode",
          "[quantize][exhaustive]") {
  checker c("quantize_raw exhaustive");
  for (int sw = 1; sw <= 8; ++sw) {
    for (bool ss : {true, false}) {
      for (int sf : {0, 5, -3}) {
        const fixed_format src{sw, sf, ss, lop::rounding::floor, lop::overflow::wrap};
        const i128 lo = ref::raw_min(src), hi = ref::raw_max(src);
        for (int d : shifts()) {
          if (sf != 0 && (d < -11 || d > 12)) continue;  // far shifts: once per source width
          for (int dw = 1; dw <= 9; ++dw) {
            for (bool ds : {true, false}) {
              for (auto r : all_roundings) {
                for (auto o : all_overflows) {
                  const fixed_format dst{dw, sf - d, ds, r, o};
                  const bool stoch = r == lop::rounding::stochastic && d > 0;
                  const std::vector<std::uint32_t> rnds =
                      stoch ? rnd_values(d < 32 ? d : 32) : std::vector<std::uint32_t>{0U, 0xFFFFFFFFU};
                  for (i128 x = lo; x <= hi; ++x) {
                    for (std::uint32_t rnd : rnds) {
                      const i128 want = ref::quantize(x, sf, dst, stoch ? rnd : 0U);
                      // The three compute types lop uses: each holds x and dst with a bit to spare.
                      const i128 g32 = lop_quantize<std::int32_t>(x, sf, dst, rnd);
                      const i128 g64 = lop_quantize<std::int64_t>(x, sf, dst, rnd);
                      const i128 g128 = lop_quantize<lop::detail::i128>(x, sf, dst, rnd);
                      c.expect(want == g32 && want == g64 && want == g128, [&] {
                        return "x=" + str(x) + " src_frac=" + std::to_string(sf) + " -> " + fmt(dst) +
                               " rnd=" + std::to_string(rnd) + ": want " + str(want) + ", got " + str(g32) +
                               "/" + str(g64) + "/" + str(g128);
                      });
                    }
                  }
                }
              }
            }
          }
        }
      }
    }
  }
  c.done();
}

TEST_CASE("quantize_raw: stochastic rounding uses exactly the top k = min(d, 32) dropped bits",
          "[quantize][stochastic]") {
  // For d dropped bits, the rounding goes up for exactly (top k dropped bits) of the 2^k
  // values of rnd mod 2^k (an unbiased rule); checked by counting over all rnd when k <= 12.
  checker c("stochastic counting");
  for (int d = 1; d <= 12; ++d) {
    const fixed_format dst{20, 0, true, lop::rounding::stochastic, lop::overflow::wrap};
    for (i128 x = -300; x <= 300; x += 7) {
      const i128 fl = ref::quantize(x, d, dst.with_rounding(lop::rounding::floor));
      std::uint64_t ups = 0;
      for (std::uint32_t rnd = 0; rnd < (1U << d); ++rnd) {
        const i128 q = lop::detail::quantize_raw<std::int32_t>(static_cast<std::int32_t>(x), d, dst, rnd);
        ups += q == fl + 1 ? 1U : 0U;
        c.expect(q == fl || q == fl + 1, [&] { return "x=" + str(x) + " d=" + std::to_string(d); });
      }
      const auto dropped = static_cast<std::uint64_t>(x - fl * (i128{1} << d));
      c.expect(ups == dropped, [&] {
        return "x=" + str(x) + " d=" + std::to_string(d) + ": rounds up for " + std::to_string(ups) +
               " rnd values, want " + std::to_string(dropped);
      });
    }
  }
  // d > 32: only the top 32 dropped bits matter.
  const fixed_format dst{8, 0, true, lop::rounding::stochastic, lop::overflow::wrap};
  const i128 x = (i128{5} << 40) | (i128{0x80000000} << 8) | 0xFF;  // 5 + 0.5 + tiny, d = 40
  c.expect(lop::detail::quantize_raw<lop::detail::i128>(x, 40, dst, 0x7FFFFFFFU) == 5, [] { return "below"; });
  c.expect(lop::detail::quantize_raw<lop::detail::i128>(x, 40, dst, 0x80000000U) == 6, [] { return "at"; });
  c.done();
}

// --- the typed API -------------------------------------------------------------------------

namespace {

// Out of line so that each typed instantiation stays small.
void expect_conv(checker& c, bool ok, const char* how, const fixed_format& g, i128 x, const fixed_format& f,
                 std::uint32_t rnd, i128 want, i128 got) {
  c.expect(ok, [&] {
    return std::string(how) + " " + fmt(g) + " raw " + str(x) + " -> " + fmt(f) + " rnd=" + std::to_string(rnd) +
           ": want " + str(want) + ", got " + str(got);
  });
}

template <fixed_format G, fixed_format F>
void typed_conversion(checker& c) {
  using Src = lop::fixed<G>;
  using Dst = lop::fixed<F>;
  const int d = G.frac - F.frac;
  const bool stoch = F.round == lop::rounding::stochastic && d > 0;
  const int draws = stoch ? 1 : 0;
  const std::vector<std::uint32_t> rnds = stoch ? rnd_values(d < 32 ? d : 32) : std::vector<std::uint32_t>{7U};
  for (i128 x = ref::raw_min(G); x <= ref::raw_max(G); ++x) {
    const Src s = Src::from_bits(static_cast<std::uint64_t>(x));
    for (std::uint32_t rnd : rnds) {
      const i128 want = ref::quantize(x, G.frac, F, stoch ? rnd : 0U);
      scripted_gen g1{rnd}, g2{rnd};
      const Dst y1(s, g1);
      const Dst y2 = lop::quantize<F>(s, g2);
      expect_conv(c, y1.raw() == want && g1.calls == draws, "fixed<F>(x, gen)", G, x, F, rnd, want, y1.raw());
      expect_conv(c, y2.raw() == want && g2.calls == draws, "quantize<F>(x, gen)", G, x, F, rnd, want, y2.raw());
      expect_conv(c, ref::in_range(y1.raw(), F), "range", G, x, F, rnd, want, y1.raw());
    }
    // Without a generator: lop::default_generator() supplies rnd, once per stochastic conversion.
    std::uint32_t st = lop::default_generator().state();
    const Dst y3 = s;  // implicit conversion
    i128 want = ref::quantize(x, G.frac, F, stoch ? st : 0U);
    const bool stepped = lop::default_generator().state() == (stoch ? lop::lfsr32::next(st) : st);
    expect_conv(c, y3.raw() == want && stepped, "implicit", G, x, F, st, want, y3.raw());
    st = lop::default_generator().state();
    const Dst y4 = lop::quantize<F>(s);
    want = ref::quantize(x, G.frac, F, stoch ? st : 0U);
    expect_conv(c, y4.raw() == want, "quantize<F>(x)", G, x, F, st, want, y4.raw());
  }
}

template <fixed_format G, fixed_format Base, std::size_t... I>
void all_modes(checker& c, std::index_sequence<I...>) {
  (typed_conversion<G, Base.with_rounding(all_roundings[I / 4]).with_overflow(all_overflows[I % 4])>(c), ...);
}

template <fixed_format G>
void from_source(checker& c) {
  static_assert(std::is_same_v<decltype(lop::quantize<lop::sfix(4, 1)>(lop::fixed<G>{})), lop::fixed<lop::sfix(4, 1)>>);
  constexpr auto every = std::make_index_sequence<all_roundings.size() * all_overflows.size()>{};
  all_modes<G, lop::sfix(4, 1)>(c, every);
  all_modes<G, lop::ufix(6, 6)>(c, every);
  all_modes<G, lop::sfix(9, -1)>(c, every);
  // A few more shapes with a single mode pair each.
  typed_conversion<G, lop::sfix(1, 0, lop::rounding::half_even, lop::overflow::saturate)>(c);
  typed_conversion<G, lop::ufix(1, 3, lop::rounding::stochastic, lop::overflow::saturate_zero)>(c);
  typed_conversion<G, lop::sfix(8, 12, lop::rounding::half_away, lop::overflow::wrap)>(c);
  typed_conversion<G, lop::ufix(3, -4, lop::rounding::toward_zero, lop::overflow::saturate)>(c);
}

}  // namespace

TEST_CASE("fixed<G> -> fixed<F>: exhaustive typed conversions and lop::quantize", "[quantize][typed]") {
  checker c("typed conversion");
  from_source<lop::sfix(8, 4)>(c);
  from_source<lop::ufix(8, 3)>(c);
  from_source<lop::sfix(5, -2)>(c);
  from_source<lop::ufix(4, 10)>(c);
  from_source<lop::sfix(1, 0)>(c);
  from_source<lop::sfix(7, 40)>(c);  // d > 32 for every destination above: k = 32
  c.done();
}
