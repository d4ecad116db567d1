// Approximate products that are sums of separable terms, product(a, b) = u(a) + v(b) + sum
// over g of f_g(a) * h_g(b), so that a matrix of such products summed over k is a sum of G
// exact matrix products of transformed operands — small-integer GEMMs a BLAS kernel runs at
// native speed — plus a row and a column vector. lop::nn::pe_arithmetic uses it when the PE's
// accumulator provably cannot overflow.
//
//   DRUM, exact negation    one term: each operand replaced by its DRUM approximation
//                           (sign * segment << shift), the product of the two is DRUM's;
//   DRUM, published         that term with ~a's approximation for a negative a, and the
//                           bit-inverted result's -1 for a negative product:
//                           -[a < 0 xor b < 0] = -[a < 0] - [b < 0] + [a < 0] * 2 [b < 0]
//                           (the last term only when both operands can be negative);
//   Ax-BxP                  one term per slot s of a that takes part in a computed pair:
//                           a's slot s (sign * block << k * index) times the sum of b's slots
//                           t paired with s (the computed pairs of a slot are a prefix in t).
//
// Every decomposition is checked against the multiplier's product table over every operand
// pair before it is returned, so a wrong one can only cost speed, never bits.
#pragma once
#include <algorithm>
#include <cstdint>
#include <optional>
#include <vector>

#include "lop/approximate.hpp"
#include "lop/gemm.hpp"

namespace lop::detail {

// f[g][x & 0xFF], h[g][y & 0xFF], u[x & 0xFF], v[y & 0xFF] for raws x, y of <= 8-bit operands
// (indexed by the low 8 bits as stored, like fill_product_table; u, v empty when zero);
// term_bound bounds the partial sums term by term: max|u| + max|v| + sum_g max|f_g| max|h_g|.
struct separable_products {
  std::vector<std::vector<double>> f, h;
  std::vector<double> u, v;
  double term_bound = 0;
};

[[nodiscard]] inline std::optional<separable_products> separate_products(const multiplier_model& mul) {
  const multiplier& m = mul.mul();
  const operand_shape A = mul.a(), B = mul.b();
  if (A.width > 8 || B.width > 8) return std::nullopt;
  if (m.kind != multiplier_kind::drum && m.kind != multiplier_kind::axbxp) return std::nullopt;
  const auto index = [](i128 v) { return static_cast<std::size_t>(static_cast<std::uint64_t>(v) & 0xFFU); };
  const auto for_values = [&](operand_shape s, auto&& fn) {
    for (std::uint32_t x = 0; x < (1U << s.width); ++x) fn(extend<i128>(x, s.width, s.is_signed));
  };
  separable_products r;
  const auto add_term = [&r] {
    r.f.emplace_back(256, 0.0);
    r.h.emplace_back(256, 0.0);
  };
  if (m.kind == multiplier_kind::drum) {
    const bool invert = m.negate == mul_negate::invert;
    const auto approx = [&](i128 v) {  // sign * DRUM's approximation of the magnitude that enters
      const auto x = static_cast<std::uint64_t>(v < 0 ? (invert ? ~v : -v) : v);
      const auto a = static_cast<double>(drum_magnitude(x, 1, m.k));
      return v < 0 ? -a : a;
    };
    add_term();
    for_values(A, [&](i128 v) { r.f[0][index(v)] = approx(v); });
    for_values(B, [&](i128 v) { r.h[0][index(v)] = approx(v); });
    if (invert) {
      r.u.assign(256, 0.0);
      r.v.assign(256, 0.0);
      for_values(A, [&](i128 v) { r.u[index(v)] = v < 0 ? -1.0 : 0.0; });
      for_values(B, [&](i128 v) { r.v[index(v)] = v < 0 ? -1.0 : 0.0; });
      if (A.is_signed && B.is_signed) {
        add_term();
        for_values(A, [&](i128 v) { r.f[1][index(v)] = v < 0 ? 1.0 : 0.0; });
        for_values(B, [&](i128 v) { r.h[1][index(v)] = v < 0 ? 2.0 : 0.0; });
      }
    }
  } else {
    // slot values: sign * block << k * index, per slot of each operand
    const auto slots = [&](i128 v, int width, int kept) {
      const auto x = static_cast<std::uint64_t>(v < 0 ? -v : v);
      const axbxp_operand s = axbxp_slots(x, m.k, width / m.k, kept, m.select);
      std::vector<double> out(static_cast<std::size_t>(kept));
      for (int i = 0; i < kept; ++i) {
        const auto& b = s[static_cast<std::size_t>(i)];
        const double value = static_cast<double>(b.value << (m.k * b.index));
        out[static_cast<std::size_t>(i)] = v < 0 ? -value : value;
      }
      return out;
    };
    std::vector<std::vector<int>> partners(static_cast<std::size_t>(m.na));
    for_each_axbxp_pair(m.na, m.nb, m.l, [&](int s, int t) { partners[static_cast<std::size_t>(s)].push_back(t); });
    std::vector<int> terms;  // slots of a with partners
    for (int s = 0; s < m.na; ++s)
      if (!partners[static_cast<std::size_t>(s)].empty()) terms.push_back(s);
    for (std::size_t g = 0; g < terms.size(); ++g) add_term();
    for_values(A, [&](i128 v) {
      const std::vector<double> sa = slots(v, A.width, m.na);
      for (std::size_t g = 0; g < terms.size(); ++g) r.f[g][index(v)] = sa[static_cast<std::size_t>(terms[g])];
    });
    for_values(B, [&](i128 v) {
      const std::vector<double> sb = slots(v, B.width, m.nb);
      for (std::size_t g = 0; g < terms.size(); ++g) {
        double sum = 0;
        for (const int t : partners[static_cast<std::size_t>(terms[g])]) sum += sb[static_cast<std::size_t>(t)];
        r.h[g][index(v)] = sum;
      }
    });
  }
  const std::vector<std::int32_t> table = fill_product_table(mul);
  bool same = true;
  for_values(A, [&](i128 a) {
    for_values(B, [&](i128 b) {
      const std::size_t x = index(a), y = index(b);
      double p = (r.u.empty() ? 0.0 : r.u[x]) + (r.v.empty() ? 0.0 : r.v[y]);
      for (std::size_t g = 0; g < r.f.size(); ++g) p += r.f[g][x] * r.h[g][y];
      same = same && p == static_cast<double>(table[(x << 8) | y]);
    });
  });
  if (!same) return std::nullopt;
  const auto max_abs = [](const std::vector<double>& t) {
    double mx = 0;
    for (const double v : t) mx = std::max(mx, v < 0 ? -v : v);
    return mx;
  };
  r.term_bound = max_abs(r.u) + max_abs(r.v);
  for (std::size_t g = 0; g < r.f.size(); ++g) {
    double fm = 0, hm = 0;
    for (const double v : r.f[g]) fm = std::max(fm, v < 0 ? -v : v);
    for (const double v : r.h[g]) hm = std::max(hm, v < 0 ? -v : v);
    r.term_bound += fm * hm;
  }
  return r;
}

}  // namespace lop::detail
