// lop's multiplier models (lop/approximate.hpp) against independent references written here
// from the published definitions, exhaustively over every operand pair of 8x8 (and mixed
// 6x5, 4x4) unsigned, signed and mixed-signedness operands; the descriptor text round trip
// and its errors; the PE model with an approximate multiplier against a hand-run MAC; and
// lop::metrics against known facts (an exact multiplier has no error, a truncated one's
// worst case is the all-ones dropped sum, constant correction centres the mean error within
// half a unit, Mitchell's worst relative error is 1/9).
#include <catch2/catch.hpp>

#include <algorithm>
#include <cstdint>
#include <string>
#include <vector>

#include "lop/approximate.hpp"
#include "lop/gemm.hpp"
#include "lop/metrics.hpp"
#include "lop/pe.hpp"
#include "lop/pe_spec.hpp"
#include "lop/separable_products.hpp"
#include "test_util.hpp"

namespace {

using lop::multiplier;
using lop::mul_correction;
using lop::operand_shape;
using lop::detail::i128;
using unit::checker;

// The value weight of bit i of an operand: -2^(w-1) for a signed operand's top bit.
i128 weight(operand_shape s, int i) {
  const i128 w = static_cast<i128>(1) << i;
  return s.is_signed && i == s.width - 1 ? -w : w;
}
int bit(i128 v, int i) { return static_cast<int>((v >> i) & 1); }  // two's complement bits

// Sum of the kept cells (i, j) of the partial-product array: keep(i, j) decides.
template <class Keep>
i128 array_sum(i128 a, operand_shape sa, i128 b, operand_shape sb, Keep keep) {
  i128 s = 0;
  for (int i = 0; i < sa.width; ++i)
    for (int j = 0; j < sb.width; ++j)
      if (keep(i, j) && bit(a, i) == 1 && bit(b, j) == 1) s += weight(sa, i) * weight(sb, j);
  return s;
}

// Truncated multiplier with Schulte & Swartzlander's constant: the dropped cells' expected
// value (each cell is 1 with probability 1/4), to the nearest integer, ties to even.
i128 ref_truncated(i128 a, operand_shape sa, i128 b, operand_shape sb, int t, mul_correction c) {
  i128 r = array_sum(a, sa, b, sb, [t](int i, int j) { return i + j >= t; });
  if (c == mul_correction::constant) {
    i128 four_e = 0;  // 4 * expected dropped value
    for (int i = 0; i < sa.width; ++i)
      for (int j = 0; j < sb.width; ++j)
        if (i + j < t) four_e += weight(sa, i) * weight(sb, j);
    // round(four_e / 4), ties to even, written with a remainder in [0, 4)
    i128 q = four_e / 4;
    i128 rem = four_e - 4 * q;
    if (rem < 0) {
      rem += 4;
      q -= 1;
    }
    if (rem > 2 || (rem == 2 && (q % 2 != 0))) q += 1;
    r += q;
  } else if (c == mul_correction::variable) {  // King & Swartzlander: column t-1 counted twice
    r += 2 * array_sum(a, sa, b, sb, [t](int i, int j) { return i + j == t - 1; });
  }
  return r;
}

i128 ref_broken_array(i128 a, operand_shape sa, i128 b, operand_shape sb, int h, int v) {
  return array_sum(a, sa, b, sb, [h, v](int i, int j) { return j >= h && i + j >= v; });
}

// Mitchell, with x = 2^k1 + f1, y = 2^k2 + f2: 2^(k1+k2) (1 + f1/2^k1 + f2/2^k2) is the
// integer 2^(k1+k2) + f1 2^k2 + f2 2^k1 when the fractions sum below 1, else
// 2^(k1+k2+1) (fraction sum) = 2 (f1 2^k2 + f2 2^k1). The corrected variant adds 1/16 to the
// fraction sum: in units of 2^(k1+k2)/16, then floored.
i128 ref_mitchell_mag(i128 x, i128 y, bool corrected) {
  if (x == 0 || y == 0) return 0;
  int k1 = 0, k2 = 0;
  while ((x >> (k1 + 1)) != 0) ++k1;
  while ((y >> (k2 + 1)) != 0) ++k2;
  const i128 p = static_cast<i128>(1) << (k1 + k2);
  const i128 s16 = 16 * ((x - (static_cast<i128>(1) << k1)) * (static_cast<i128>(1) << k2) +
                         (y - (static_cast<i128>(1) << k2)) * (static_cast<i128>(1) << k1)) +
                   (corrected ? p : 0);
  return s16 < 16 * p ? (16 * p + s16) / 16 : (2 * s16) / 16;
}

// DRUM: an operand >= 2^k keeps the k bits from its leading one down, with the lowest set to 1.
i128 ref_drum_mag(i128 x, i128 y, int k) {
  const auto seg = [k](i128 v, int& shift) {
    shift = 0;
    while ((v >> shift) >= (static_cast<i128>(1) << k)) ++shift;
    return shift == 0 ? v : ((v >> shift) | 1);
  };
  int sx = 0, sy = 0;
  const i128 a = seg(x, sx), b = seg(y, sy);
  return (a * b) << (sx + sy);
}

template <class Mag>
i128 sign_magnitude(i128 a, i128 b, Mag mag) {
  const i128 m = mag(a < 0 ? -a : a, b < 0 ? -b : b);
  return (a < 0) != (b < 0) ? -m : m;
}
// The published signed DRUM (Hashemi et al.): a negative operand enters bit-inverted (-a - 1),
// a negative result leaves bit-inverted (-p - 1).
template <class Mag>
i128 ones_complement_sign(i128 a, i128 b, Mag mag) {
  const i128 m = mag(a < 0 ? -a - 1 : a, b < 0 ? -b - 1 : b);
  return (a < 0) != (b < 0) ? -m - 1 : m;
}

// Ax-BxP from its definition (docs/axbxp.md): |a| and |b| in k-bit blocks; a keeps na blocks
// (fixed: the top na positions; dynamic: the na most significant non-zero blocks), b keeps nb;
// of the na x nb pairs of kept blocks, ranked by their ranks' sum and then by a's rank, the
// first l are multiplied, shifted to their place and summed; the sign is the product's.
struct kept_block {
  i128 value;
  int index;
};
// The n blocks operand v (w bits) keeps, most significant first; missing slots hold zero.
std::vector<kept_block> kept_blocks(i128 v, int w, int n, const multiplier& m) {
  std::vector<kept_block> r;
  for (int i = w / m.k - 1; i >= 0 && static_cast<int>(r.size()) < n; --i) {
    const i128 block = (v >> (i * m.k)) % (static_cast<i128>(1) << m.k);
    if (m.select == lop::block_select::fixed || block != 0) r.push_back({block, i});
  }
  r.resize(static_cast<std::size_t>(n), kept_block{0, 0});
  return r;
}
// The na x nb pairs of kept-block ranks in the order they are computed.
std::vector<std::pair<int, int>> ranked_pairs(int na, int nb) {
  std::vector<std::pair<int, int>> pairs;
  for (int s = 0; s < na; ++s)
    for (int t = 0; t < nb; ++t) pairs.emplace_back(s, t);
  std::stable_sort(pairs.begin(), pairs.end(), [](auto p, auto q) {
    return p.first + p.second != q.first + q.second ? p.first + p.second < q.first + q.second : p.first < q.first;
  });
  return pairs;
}
i128 axbxp_sum(const std::vector<kept_block>& ka, const std::vector<kept_block>& kb,
               const std::vector<std::pair<int, int>>& pairs, int l, int k) {
  i128 sum = 0;
  for (int n = 0; n < l; ++n) {
    const kept_block& p = ka[static_cast<std::size_t>(pairs[static_cast<std::size_t>(n)].first)];
    const kept_block& q = kb[static_cast<std::size_t>(pairs[static_cast<std::size_t>(n)].second)];
    sum += p.value * q.value * (static_cast<i128>(1) << (k * (p.index + q.index)));
  }
  return sum;
}
i128 ref_axbxp_mag(i128 x, int wa, i128 y, int wb, const multiplier& m) {
  return axbxp_sum(kept_blocks(x, wa, m.na, m), kept_blocks(y, wb, m.nb, m), ranked_pairs(m.na, m.nb), m.l, m.k);
}

i128 reference(const multiplier& m, i128 a, operand_shape sa, i128 b, operand_shape sb) {
  switch (m.kind) {
    case lop::multiplier_kind::exact: return a * b;
    case lop::multiplier_kind::truncated: return ref_truncated(a, sa, b, sb, m.t, m.correction);
    case lop::multiplier_kind::broken_array: return ref_broken_array(a, sa, b, sb, m.h, m.v);
    case lop::multiplier_kind::mitchell:
      return sign_magnitude(a, b, [&](i128 x, i128 y) { return ref_mitchell_mag(x, y, m.correction != mul_correction::none); });
    case lop::multiplier_kind::drum:
      if (m.negate == lop::mul_negate::exact) return sign_magnitude(a, b, [&](i128 x, i128 y) { return ref_drum_mag(x, y, m.k); });
      return ones_complement_sign(a, b, [&](i128 x, i128 y) { return ref_drum_mag(x, y, m.k); });
    case lop::multiplier_kind::axbxp:
      return sign_magnitude(a, b, [&](i128 x, i128 y) { return ref_axbxp_mag(x, sa.width, y, sb.width, m); });
    case lop::multiplier_kind::table: break;  // test_table_multiplier.cpp checks tables against their functions
  }
  return 0;
}

i128 lo_of(operand_shape s) { return s.is_signed ? -(static_cast<i128>(1) << (s.width - 1)) : 0; }
i128 hi_of(operand_shape s) {
  return s.is_signed ? (static_cast<i128>(1) << (s.width - 1)) - 1 : (static_cast<i128>(1) << s.width) - 1;
}

// Every family on wa x wb operands: a spread of each parameter, or (every_parameter) all of them.
std::vector<multiplier> family(int wa, int wb, bool every_parameter = false) {
  const int wp = wa + wb;
  const auto range = [every_parameter](int last, std::vector<int> spread) {
    if (!every_parameter) return spread;
    std::vector<int> all;
    for (int x = 0; x <= last; ++x) all.push_back(x);
    return all;
  };
  std::vector<multiplier> ms{multiplier::exact};
  for (int t : range(wp, {0, 1, 3, wp / 2, wp - 2, wp}))
    for (auto c : {mul_correction::none, mul_correction::constant, mul_correction::variable})
      if (!(c == mul_correction::variable && t == 0)) ms.push_back(multiplier::truncated(t, c));
  for (int h : range(wb, {0, 1, wb / 2, wb}))
    for (int v : range(wp, {0, 2, wp / 2, wp})) ms.push_back(multiplier::broken_array(h, v));
  ms.push_back(multiplier::mitchell());
  if (std::max(wa, wb) >= 4) ms.push_back(multiplier::mitchell(mul_correction::constant));
  for (int k = 2; k <= std::max(wa, wb); ++k) {
    ms.push_back(multiplier::drum(k));
    ms.push_back(multiplier::drum(k, lop::mul_negate::exact));
  }
  // Ax-BxP: block sizes dividing both widths; one block each, all blocks, and between (every
  // configuration of the 8-bit family is enumerated by its own test below).
  for (int k : {1, 2, 4})
    if (wa % k == 0 && wb % k == 0)
      for (int na : {1, (wa / k + 1) / 2, wa / k})
        for (int nb : {1, wb / k})
          for (int l : {1, (na * nb + 1) / 2, na * nb})
            for (auto sel : {lop::block_select::fixed, lop::block_select::dynamic})
              ms.push_back(multiplier::axbxp(k, na, nb, l, sel));
  return ms;
}

std::string shape_text(operand_shape s) { return (s.is_signed ? "s" : "u") + std::to_string(s.width); }

}  // namespace

TEST_CASE("multipliers: every operand pair against the references", "[mul]") {
  const std::vector<std::pair<operand_shape, operand_shape>> shapes{
      {{8, false}, {8, false}}, {{8, true}, {8, true}}, {{8, true}, {8, false}}, {{6, false}, {5, true}},
      {{4, true}, {4, true}},   {{4, false}, {4, false}}};
  for (const auto& [sa, sb] : shapes) {
    for (const multiplier& m : family(sa.width, sb.width)) {
      REQUIRE(lop::validate(m, sa.width, sb.width) == nullptr);
      checker c(lop::to_string(m) + " " + shape_text(sa) + "x" + shape_text(sb), 4);
      for (i128 a = lo_of(sa); a <= hi_of(sa); ++a)
        for (i128 b = lo_of(sb); b <= hi_of(sb); ++b) {
          const i128 got = lop::multiply_raw(m, a, sa, b, sb);
          const i128 want = reference(m, a, sa, b, sb);
          c.expect(got == want, [&] {
            return std::to_string(static_cast<long long>(a)) + " * " + std::to_string(static_cast<long long>(b)) +
                   " = " + std::to_string(static_cast<long long>(got)) + ", want " +
                   std::to_string(static_cast<long long>(want));
          });
        }
      c.done();
    }
  }
}

TEST_CASE("multipliers: every Ax-BxP configuration of 8-bit operands, every operand pair", "[mul][axbxp]") {
  // The reference's kept blocks of every 8-bit magnitude (0..255) are drawn once per block
  // rule; each configuration's magnitudes are then summed from them for all 256 x 256 pairs
  // and the model is checked on every pair of u8 x u8, s8 x u8 and s8 x s8 operands (u8 x u8
  // only for k = 1 with na != nb: the sign rule is the same in every configuration).
  const std::vector<std::pair<operand_shape, operand_shape>> shapes{
      {{8, false}, {8, false}}, {{8, true}, {8, false}}, {{8, true}, {8, true}}};
  long configs = 0;
  std::vector<i128> mag(256 * 256);
  for (int k : {1, 2, 4, 8})
    for (auto sel : {lop::block_select::fixed, lop::block_select::dynamic})
      for (int na = 1; na <= 8 / k; ++na)
        for (int nb = 1; nb <= 8 / k; ++nb) {
          const multiplier rule = multiplier::axbxp(k, na, nb, 1, sel);
          std::vector<std::vector<kept_block>> ka(256), kb(256);
          for (int v = 0; v < 256; ++v) {
            ka[static_cast<std::size_t>(v)] = kept_blocks(v, 8, na, rule);
            kb[static_cast<std::size_t>(v)] = kept_blocks(v, 8, nb, rule);
          }
          const auto pairs = ranked_pairs(na, nb);
          std::fill(mag.begin(), mag.end(), 0);
          for (int l = 1; l <= na * nb; ++l) {
            const multiplier m = multiplier::axbxp(k, na, nb, l, sel);
            // Configuration l computes configuration l - 1's pairs and one more.
            const auto [ps, pt] = pairs[static_cast<std::size_t>(l - 1)];
            for (int x = 0; x < 256; ++x)
              for (int y = 0; y < 256; ++y)
              {
                const kept_block& p = ka[static_cast<std::size_t>(x)][static_cast<std::size_t>(ps)];
                const kept_block& q = kb[static_cast<std::size_t>(y)][static_cast<std::size_t>(pt)];
                mag[static_cast<std::size_t>(x * 256 + y)] += p.value * q.value * (static_cast<i128>(1) << (k * (p.index + q.index)));
              }
            for (const auto& [sa, sb] : shapes) {
              // k = 1 (2,592 configurations, 88 % of the time): signed shapes when na = nb.
              if (k == 1 && sa.is_signed && na != nb) continue;
              REQUIRE(lop::validate(m, sa.width, sb.width) == nullptr);
              ++configs;
              checker c(lop::to_string(m) + " " + shape_text(sa) + "x" + shape_text(sb), 4);
              for (i128 a = lo_of(sa); a <= hi_of(sa); ++a)
                for (i128 b = lo_of(sb); b <= hi_of(sb); ++b) {
                  const i128 got = lop::multiply_raw(m, a, sa, b, sb);
                  const i128 p = mag[static_cast<std::size_t>((a < 0 ? -a : a) * 256 + (b < 0 ? -b : b))];
                  const i128 want = (a < 0) != (b < 0) ? -p : p;
                  c.expect(got == want, [&] {
                    return std::to_string(static_cast<long long>(a)) + " * " + std::to_string(static_cast<long long>(b)) +
                           " = " + std::to_string(static_cast<long long>(got)) + ", want " +
                           std::to_string(static_cast<long long>(want));
                  });
                }
              c.done();
            }
          }
        }
  // Per k, the sum over na, nb of na * nb configurations (2,592 for k = 1, of which 2 * 204
  // have na = nb), times 2 selections.
  CHECK(configs == 2 * (36 * 36 + 2 * 204) + 3 * 2 * (10 * 10 + 3 * 3 + 1));
  // All blocks and all products: the exact product, whatever the selection.
  const operand_shape s8{8, true};
  for (auto sel : {lop::block_select::fixed, lop::block_select::dynamic})
    for (i128 a = -128; a < 128; a += 7)
      for (i128 b = -128; b < 128; b += 5) CHECK(lop::multiply_raw(multiplier::axbxp(2, 4, 4, 16, sel), a, s8, b, s8) == a * b);
}

TEST_CASE("multipliers: DRUM and Ax-BxP products are sums of separable terms", "[mul][axbxp]") {
  // lop::nn's fast path for these multipliers (lop/separable_products.hpp) checks each
  // decomposition against the product table over every operand pair and gives up on a
  // mismatch; here every configuration must pass that check, so the fast path is never lost.
  for (const operand_shape sa : {operand_shape{8, true}, operand_shape{8, false}, operand_shape{6, true}})
    for (const operand_shape sb : {operand_shape{8, false}, operand_shape{8, true}, operand_shape{4, true}}) {
      std::vector<multiplier> ms{multiplier::drum(3), multiplier::drum(4, lop::mul_negate::exact)};
      for (auto sel : {lop::block_select::fixed, lop::block_select::dynamic})
        for (int na = 1; na <= 2; ++na)
          for (int nb = 1; nb <= 2; ++nb)
            for (int l = 1; l <= na * nb; ++l) ms.push_back(multiplier::axbxp(2, na, nb, l, sel));
      for (const multiplier& m : ms) {
        if (lop::validate(m, sa.width, sb.width) != nullptr) continue;
        INFO(lop::to_string(m) << " " << shape_text(sa) << "x" << shape_text(sb));
        const auto sep = lop::detail::separate_products(lop::multiplier_model(m, sa, sb));
        REQUIRE(sep.has_value());
        CHECK(sep->term_bound > 0);
      }
    }
  CHECK_FALSE(lop::detail::separate_products(lop::multiplier_model(multiplier::mitchell(), {8, true}, {8, true})).has_value());
}

TEST_CASE("multipliers: DRUM's signed conventions", "[mul]") {
  const operand_shape s8{8, true};
  const multiplier published = multiplier::drum(4);
  const multiplier exact = multiplier::drum(4, lop::mul_negate::exact);
  // The published design: |x| - 1 in, -p - 1 out.
  CHECK(lop::multiply_raw(published, 0, s8, -5, s8) == -1);
  CHECK(lop::multiply_raw(published, 7, s8, -1, s8) == -1);
  CHECK(lop::multiply_raw(published, 2, s8, -3, s8) == -5);
  CHECK(lop::multiply_raw(exact, 0, s8, -5, s8) == 0);
  CHECK(lop::multiply_raw(exact, 7, s8, -1, s8) == -7);
  CHECK(lop::multiply_raw(exact, 2, s8, -3, s8) == -6);
  // 100 = 0b1100100 -> 0b1101 << 3 = 104; -100 likewise, negated exactly.
  CHECK(lop::multiply_raw(exact, -100, s8, 1, s8) == -104);
  // Exact negation: negating an operand negates the product (a = -128 has no 8-bit negation).
  for (i128 a = -127; a < 128; ++a)
    for (i128 b = -128; b < 128; ++b) REQUIRE(lop::multiply_raw(exact, a, s8, b, s8) == -lop::multiply_raw(exact, -a, s8, b, s8));
}

TEST_CASE("multipliers: 16-bit operands, seeded random pairs", "[mul]") {
  lop::lfsr32 g(0x16161616U);
  for (const operand_shape s : {operand_shape{16, false}, operand_shape{16, true}}) {
    for (const multiplier& m : family(16, 16)) {
      checker c(lop::to_string(m) + " " + shape_text(s) + " random", 4);
      for (int n = 0; n < 3000; ++n) {
        auto draw = [&] {
          const i128 v = g() & 0xFFFF;
          return s.is_signed && v >= 0x8000 ? v - 0x10000 : v;
        };
        const i128 a = draw(), b = draw();
        c.expect(lop::multiply_raw(m, a, s, b, s) == reference(m, a, s, b, s), [&] { return n; });
      }
      c.done();
    }
  }
}

TEST_CASE("multipliers: text form, validation and errors", "[mul]") {
  for (const multiplier& m : family(8, 8)) {
    const std::string text = lop::to_string(m);
    CHECK(lop::parse_multiplier(text) == m);
  }
  CHECK(lop::parse_multiplier("truncated<correction=variable,t=5>") == multiplier::truncated(5, mul_correction::variable));
  CHECK(lop::parse_multiplier("broken_array<v=7, h=2>") == multiplier::broken_array(2, 7));
  const auto fails = [](const std::string& text, const std::string& msg) {
    INFO(text);
    CHECK_THROWS_WITH(lop::parse_multiplier(text), Catch::Contains(msg));
  };
  fails("drum", "drum<k=N>");
  fails("drum<k=1>", "k >= 2");
  fails("truncated", "truncated<t=N>");
  fails("broken_array<h=2>", "broken_array<h=N,v=N>");
  fails("mitchell<correction=variable>", "mitchell takes correction=none or correction=constant");
  fails("drum<k=4,t=3>", "does not take");
  fails("drum<k=4,k=5>", "given twice");
  fails("booth", "unknown multiplier 'booth'");
  fails("drum<k=4,negate=sometimes>", "unknown negation 'sometimes'");
  fails("axbxp<k=2,na=2>", "axbxp<k=K,na=A,nb=B,l=L>");
  fails("axbxp<k=2,n=2,l=5>", "l (block products computed) must be 1 to na*nb");
  fails("axbxp<k=2,n=0,l=1>", "na and nb (blocks kept of a and of b) must be at least 1");
  fails("axbxp<k=9,n=1,l=1>", "block size k must be 1 to 8 bits");
  fails("axbxp<k=2,n=2,l=2,select=random>", "unknown block selection 'random'");
  fails("mitchell<negate=exact>", "does not take");
  CHECK(lop::parse_multiplier("axbxp<n=3,l=4,k=2,select=dynamic>") ==
        multiplier::axbxp(2, 3, 3, 4, lop::block_select::dynamic));
  CHECK(lop::to_string(lop::parse_multiplier("axbxp<k=2,n=3,l=4>")) == "axbxp<k=2,na=3,nb=3,l=4,select=fixed>");
  CHECK(lop::to_string(multiplier::drum(4, lop::mul_negate::exact)) == "drum<k=4,negate=exact>");
  CHECK_THROWS_WITH(lop::parse_pe_spec("pe<a=fixed<8,4>,b=fixed<7,4>,acc=fixed<20,8>,out=fixed<8,4>,mul=axbxp<k=2,n=2,l=2>>"),
                    Catch::Contains("k must divide both operand widths"));
  CHECK_THROWS_WITH(lop::parse_pe_spec("pe<a=fixed<8,4>,b=fixed<8,4>,acc=fixed<20,8>,out=fixed<8,4>,mul=axbxp<k=4,n=3,l=2>>"),
                    Catch::Contains("at most the blocks an operand has"));
  fails("truncated<t=3,correction=maybe>", "unknown correction 'maybe'");

  const auto pe = lop::parse_pe_spec(
      "pe<a=fixed<8,4,unsigned>,b=fixed<8,4,unsigned>,acc=fixed<20,8>,out=fixed<8,4>,mul=drum<k=4>>");
  CHECK(pe.mul == multiplier::drum(4));
  CHECK(lop::to_string(pe).find("mul=drum<k=4>") != std::string::npos);
  CHECK(lop::parse_pe_spec(lop::to_string(pe)) == pe);
  CHECK_THROWS_WITH(lop::parse_pe_spec("pe<a=fixed<8,4>,b=fixed<8,4>,acc=fixed<20,8>,out=fixed<8,4>,mul=drum<k=9>>"),
                    Catch::Contains("k must be at most the wider operand's width"));
  CHECK_THROWS_WITH(lop::parse_pe_spec("pe<a=fixed<8,4>,b=fixed<8,4>,acc=fixed<20,8>,out=fixed<8,4>,mul=truncated<t=17>>"),
                    Catch::Contains("t must be at most the product width"));
  CHECK_THROWS_WITH(lop::parse_pe_spec("pe<a=fp8_e4m3fn,b=fp8_e4m3fn,acc=fp32,out=fp32,mul=mitchell>"),
                    Catch::Contains("float operands take the exact multiplier only"));
  CHECK_THROWS_WITH(lop::parse_pe_spec("pe<a=fixed<40,4>,b=fixed<8,4>,acc=fixed<64,8>,out=fixed<8,4>,mul=mitchell>"),
                    Catch::Contains("at most 32 bits"));
}

TEST_CASE("multipliers: lop::multiply and the PE model use the approximate product", "[mul]") {
  constexpr lop::fixed_format q{8, 4, true, lop::rounding::floor, lop::overflow::wrap};
  constexpr multiplier drum3 = multiplier::drum(3);
  const auto x = lop::fixed<q>::from_bits(0x5B);  // 91/16
  const auto y = lop::fixed<q>::from_bits(0xD3);  // -45/16
  const auto p = lop::multiply<drum3>(x, y);
  // 91 = 0b1011011 -> segment 0b101 | 1 = 0b101, shift 4: 80; -45 enters as ~(-45) = 44 =
  // 0b101100 -> 0b101, shift 3: 40; 5 * 5 << 7 = 3200, negative: ~3200 = -3201.
  CHECK(static_cast<long long>(p.raw()) == -3201);

  lop::pe_spec s{q, q, lop::fixed_format{24, 8, true, lop::rounding::floor, lop::overflow::wrap}, q, drum3, 0};
  REQUIRE(lop::validate(s) == nullptr);
  lop::pe_model pe(s);
  pe.mac(91, -45, true);  // raw values
  CHECK(static_cast<long long>(pe.acc()) == -3201);  // product frac 8 = acc frac 8
  pe.mac(91, 91);
  CHECK(static_cast<long long>(pe.acc()) == -3201 + 80 * 80);
}

TEST_CASE("metrics: known values", "[mul][metrics]") {
  const operand_shape u8{8, false};
  const auto exact = lop::metrics(multiplier::exact, u8, u8);
  CHECK(exact.from == lop::error_metrics::source::exhaustive);
  CHECK(exact.pairs == 65536);
  CHECK(exact.error_rate == 0);
  CHECK(exact.wce == 0);
  CHECK(exact.zero_products == 511);  // a == 0 or b == 0

  // Truncation only drops non-negative cells here: the worst case is all of them.
  const auto tr = lop::metrics(multiplier::truncated(6), u8, u8);
  double all_dropped = 0;
  for (int i = 0; i < 8; ++i)
    for (int j = 0; j < 8; ++j)
      if (i + j < 6) all_dropped += static_cast<double>(1 << (i + j));
  CHECK(tr.wce == all_dropped);
  CHECK(tr.bias < 0);
  CHECK(tr.bias == Approx(-all_dropped / 4).epsilon(1e-12));  // each cell is 1 for a quarter of the pairs
  // Constant correction adds round(all_dropped / 4): the mean error moves within 1/2 of 0.
  const auto trc = lop::metrics(multiplier::truncated(6, mul_correction::constant), u8, u8);
  CHECK(std::abs(trc.bias) <= 0.5);
  CHECK(trc.med < tr.med);

  // Mitchell never overestimates; its worst relative error, 1/9, is at fractions 1/2 and 1/2.
  const auto mi = lop::metrics(multiplier::mitchell(), u8, u8);
  CHECK(mi.bias < 0);
  CHECK(mi.wcre == Approx(1.0 / 9.0).epsilon(1e-12));
  CHECK(mi.zero_products_wrong == 0);
  const auto mic = lop::metrics(multiplier::mitchell(mul_correction::constant), u8, u8);
  CHECK(std::abs(mic.bias) < std::abs(mi.bias));

  // DRUM with k >= the width is exact.
  CHECK(lop::metrics(multiplier::drum(8), u8, u8).error_rate == 0);
  CHECK(lop::metrics(multiplier::drum(4), u8, u8).error_rate > 0);

  // Beyond 2^24 pairs: sampled, reproducible, with a confidence statement.
  const operand_shape u16{16, false};
  const auto s1 = lop::metrics(multiplier::drum(6), u16, u16, 200000, 7);
  const auto s2 = lop::metrics(multiplier::drum(6), u16, u16, 200000, 7);
  CHECK(s1.from == lop::error_metrics::source::sampled);
  CHECK(s1.pairs == 200000);
  CHECK(s1.mred == s2.mred);
  CHECK(s1.mred_ci > 0);
  CHECK(s1.mred_ci < s1.mred);

  // A trace: the metrics of exactly those pairs.
  const std::vector<std::pair<std::int64_t, std::int64_t>> trace{{3, 5}, {200, 100}, {0, 7}};
  const auto tm = lop::metrics(multiplier::mitchell(), u8, u8, trace);
  CHECK(tm.pairs == 3);
  CHECK(tm.zero_products == 1);
  const double e2 = static_cast<double>(ref_mitchell_mag(200, 100, false) - 20000);
  const double e1 = static_cast<double>(ref_mitchell_mag(3, 5, false) - 15);
  CHECK(tm.bias == Approx((e1 + e2) / 3));
  CHECK_THROWS_WITH(lop::metrics(multiplier::mitchell(), u8, u8,
                                 std::vector<std::pair<std::int64_t, std::int64_t>>{{256, 1}}),
                    Catch::Contains("outside the operand shapes"));
  CHECK_THROWS_WITH(lop::metrics(multiplier::drum(9), u8, u8), Catch::Contains("k must be at most"));
}

TEST_CASE("multipliers: lop::gemm with an approximate multiplier", "[mul]") {
  constexpr lop::fixed_format q{8, 3, true, lop::rounding::floor, lop::overflow::wrap};
  constexpr lop::fixed_format acc{32, 6, true, lop::rounding::floor, lop::overflow::wrap};
  constexpr lop::pe_spec S{q, q, acc, acc, multiplier::mitchell(), 0};
  CHECK(lop::gemm_kernel_for(S, 7) == lop::gemm_kernel::wrap);  // products from the 8-bit table
  using T = lop::fixed<q>;
  Eigen::Matrix<T, Eigen::Dynamic, Eigen::Dynamic> A(5, 7), B(7, 3);
  lop::lfsr32 g(5);
  for (Eigen::Index i = 0; i < A.size(); ++i) A.data()[i] = T::from_bits(g());
  for (Eigen::Index i = 0; i < B.size(); ++i) B.data()[i] = T::from_bits(g());
  const auto C = lop::gemm<S>(A, B);
  for (Eigen::Index i = 0; i < 5; ++i)
    for (Eigen::Index j = 0; j < 3; ++j) {
      i128 sum = 0;  // product frac 6 = acc frac 6; no overflow at these sizes
      for (Eigen::Index k = 0; k < 7; ++k)
        sum += sign_magnitude(A(i, k).raw(), B(k, j).raw(), [](i128 x, i128 y) { return ref_mitchell_mag(x, y, false); });
      CHECK(static_cast<long long>(C(i, j).raw()) == static_cast<long long>(sum));
    }
}

namespace {
// lop::gemm<S> against one pe_model run per output (clear, K MACs in k order).
template <lop::pe_spec S>
void gemm_matches_pe(lop::gemm_kernel expected_kernel, long K, long N = 37) {
  INFO(lop::to_string(S) << ", K = " << K << ", N = " << N);
  CHECK(lop::gemm_kernel_for(S, K) == expected_kernel);
  using TA = lop::fixed<S.a.fixed>;
  using TB = lop::fixed<S.b.fixed>;
  Eigen::Matrix<TA, Eigen::Dynamic, Eigen::Dynamic> A(4, K);
  Eigen::Matrix<TB, Eigen::Dynamic, Eigen::Dynamic> B(K, N);
  lop::lfsr32 g(11);
  for (Eigen::Index i = 0; i < A.size(); ++i) A.data()[i] = TA::from_bits(g());
  for (Eigen::Index i = 0; i < B.size(); ++i) B.data()[i] = TB::from_bits(g());
  const auto C = lop::gemm<S>(A, B);
  int bad = 0;
  for (Eigen::Index i = 0; i < A.rows(); ++i)
    for (Eigen::Index j = 0; j < B.cols(); ++j) {
      lop::pe_model pe(S);
      for (Eigen::Index k = 0; k < K; ++k) pe.mac(A(i, k).raw(), B(k, j).raw(), k == 0);
      if (static_cast<long long>(pe.out()) != static_cast<long long>(C(i, j).raw())) ++bad;
    }
  CHECK(bad == 0);
}
}  // namespace

TEST_CASE("multipliers: lop::gemm's kernels with approximate products follow the PE", "[mul]") {
  constexpr lop::fixed_format s8{8, 4, true, lop::rounding::floor, lop::overflow::wrap};
  constexpr lop::fixed_format u6{6, 2, false, lop::rounding::floor, lop::overflow::wrap};
  constexpr lop::fixed_format s12{12, 6, true, lop::rounding::floor, lop::overflow::wrap};
  constexpr lop::fixed_format wrap16{16, 6, true, lop::rounding::floor, lop::overflow::wrap};
  constexpr lop::fixed_format sat14{14, 6, true, lop::rounding::floor, lop::overflow::saturate};
  constexpr lop::fixed_format big{40, 8, true, lop::rounding::floor, lop::overflow::saturate};
  constexpr lop::fixed_format out8{8, 2, true, lop::rounding::half_even, lop::overflow::saturate};
  // Table products: wrap (overflowing often), saturating per MAC, and provably exact sums.
  gemm_matches_pe<lop::pe_spec{s8, s8, wrap16, out8, multiplier::drum(3)}>(lop::gemm_kernel::wrap, 50);
  gemm_matches_pe<lop::pe_spec{s8, u6, sat14, out8, multiplier::truncated(5, mul_correction::constant)}>(
      lop::gemm_kernel::saturating, 50);
  gemm_matches_pe<lop::pe_spec{u6, u6, big, out8, multiplier::mitchell(mul_correction::constant)}>(
      lop::gemm_kernel::exact, 50);
  // N >= 256 columns: the value-indexed kernel (products of each A column with all 256 b
  // values), in each accumulation mode, incl. saturate_zero and int32 sums.
  constexpr lop::fixed_format satz14{14, 6, true, lop::rounding::floor, lop::overflow::saturate_zero};
  constexpr lop::fixed_format sym14{14, 6, true, lop::rounding::floor, lop::overflow::saturate_symmetric};
  constexpr lop::fixed_format acc24{24, 6, true, lop::rounding::floor, lop::overflow::saturate};
  gemm_matches_pe<lop::pe_spec{s8, s8, wrap16, out8, multiplier::drum(3)}>(lop::gemm_kernel::wrap, 50, 300);
  gemm_matches_pe<lop::pe_spec{s8, u6, sat14, out8, multiplier::truncated(5, mul_correction::constant)}>(
      lop::gemm_kernel::saturating, 50, 300);
  gemm_matches_pe<lop::pe_spec{s8, s8, satz14, out8, multiplier::axbxp(2, 3, 3, 5, lop::block_select::dynamic)}>(
      lop::gemm_kernel::saturating, 40, 257);
  gemm_matches_pe<lop::pe_spec{s8, s8, sym14, out8, multiplier::drum(4, lop::mul_negate::exact)}>(
      lop::gemm_kernel::saturating, 40, 256);
  gemm_matches_pe<lop::pe_spec{u6, u6, big, out8, multiplier::mitchell(mul_correction::constant)}>(
      lop::gemm_kernel::exact, 50, 300);
  gemm_matches_pe<lop::pe_spec{s8, s8, acc24, out8, multiplier::axbxp(2, 4, 4, 9, lop::block_select::fixed)}>(
      lop::gemm_kernel::exact, 200, 260);
  gemm_matches_pe<lop::pe_spec{s8, s8, sat14, out8}>(lop::gemm_kernel::saturating, 60, 300);
  gemm_matches_pe<lop::pe_spec{s8, s8, wrap16, out8}>(lop::gemm_kernel::wrap, 60, 300);
  // Wider operands: the model per product.
  gemm_matches_pe<lop::pe_spec{s12, s12, sat14, out8, multiplier::broken_array(2, 9)}>(lop::gemm_kernel::saturating, 30);
  gemm_matches_pe<lop::pe_spec{s12, s8, wrap16, out8, multiplier::truncated(7, mul_correction::variable)}>(
      lop::gemm_kernel::wrap, 30);
}

TEST_CASE("multipliers: every approximate product fits one bit more than the exact one", "[mul]") {
  // The bound lop::gemm's kernels (and the hardware's P + 1 output bits) rely on, for every
  // family and parameter on 4..8-bit operands of each signedness.
  for (int wa : {4, 6, 8})
    for (int wb : {4, 5, 8})
      for (const bool sa : {false, true})
        for (const bool sb : {false, true}) {
          const operand_shape A{wa, sa}, B{wb, sb};
          const int P = wa + wb;
          const i128 lo = sa || sb ? -(static_cast<i128>(1) << P) : 0;
          const i128 hi = sa || sb ? (static_cast<i128>(1) << P) - 1 : (static_cast<i128>(1) << (P + 1)) - 1;
          for (const multiplier& m : family(wa, wb, true)) {
            i128 mn = 0, mx = 0;
            for (i128 a = lo_of(A); a <= hi_of(A); ++a)
              for (i128 b = lo_of(B); b <= hi_of(B); ++b) {
                const i128 p = lop::multiply_raw(m, a, A, b, B);
                mn = p < mn ? p : mn;
                mx = p > mx ? p : mx;
              }
            INFO(lop::to_string(m) << " " << shape_text(A) << "x" << shape_text(B));
            CHECK((mn >= lo && mx <= hi));
          }
        }
}

TEST_CASE("multipliers: element-wise on Eigen matrices of fixed values", "[mul]") {
  constexpr lop::fixed_format q{8, 3, true, lop::rounding::floor, lop::overflow::wrap};
  constexpr multiplier drum3 = multiplier::drum(3);
  using T = lop::fixed<q>;
  Eigen::Matrix<T, 3, 4> A, B;
  lop::lfsr32 g(21);
  for (Eigen::Index i = 0; i < A.size(); ++i) {
    A.data()[i] = T::from_bits(g());
    B.data()[i] = T::from_bits(g());
  }
  const auto P = lop::multiply<drum3>(A, B).eval();
  for (Eigen::Index i = 0; i < 3; ++i)
    for (Eigen::Index j = 0; j < 4; ++j) {
      const i128 want = ones_complement_sign(A(i, j).raw(), B(i, j).raw(), [](i128 x, i128 y) { return ref_drum_mag(x, y, 3); });
      CHECK(static_cast<long long>(P(i, j).raw()) == static_cast<long long>(want));
    }
  Eigen::Array<T, Eigen::Dynamic, 1> x(5), y(5);
  for (Eigen::Index i = 0; i < 5; ++i) {
    x[i] = T::from_bits(g());
    y[i] = T::from_bits(g());
  }
  const auto z = lop::multiply<multiplier::mitchell()>(x, y).eval();
  for (Eigen::Index i = 0; i < 5; ++i) CHECK(z[i] == lop::multiply<multiplier::mitchell()>(x[i], y[i]));
}
