// The C++ models of lop's multipliers (lop/multiplier.hpp): the raw product of two integer
// operands as each multiplier computes it, bit-exact with the generated hardware
// (docs/multipliers.md has the definitions). For fixed-point operands the product keeps the
// exact product's format (product_format(a, b)); only its raw value is approximate.
#pragma once
#include <algorithm>
#include <array>
#include <bit>
#include <cstdint>

#include "lop/detail/int128.hpp"
#include "lop/fixed.hpp"
#include "lop/format.hpp"
#include "lop/multiplier.hpp"
#include "lop/table_multiplier.hpp"

namespace lop {

namespace detail {

// The sum of the partial products a_i * b_j * 2^(i+j) of the operands' bit patterns, over the
// rows j >= h and the columns i + j >= v. Signed operands weigh their top bit -2^(w-1) (the
// two's complement value), so a term with exactly one sign bit is negative. With h = v = 0 it
// is the exact product.
[[nodiscard]] constexpr i128 partial_products(std::uint64_t a_bits, operand_shape sa, std::uint64_t b_bits,
                                              operand_shape sb, int h, int v) noexcept {
  i128 sum = 0;
  for (int j = h; j < sb.width; ++j) {
    if (((b_bits >> j) & 1U) == 0) continue;
    const int lo = std::max(0, v - j);
    if (lo >= sa.width) continue;
    const std::uint64_t kept = a_bits & ~((std::uint64_t{1} << lo) - 1U);
    i128 row = static_cast<i128>(kept);
    if (sa.is_signed && ((kept >> (sa.width - 1)) & 1U) != 0) row -= static_cast<i128>(1) << sa.width;
    if (sb.is_signed && j == sb.width - 1) row = -row;
    sum += row * (static_cast<i128>(1) << j);
  }
  return sum;
}

[[nodiscard]] constexpr std::uint64_t all_ones(int w) noexcept {
  return w >= 64 ? ~std::uint64_t{0} : (std::uint64_t{1} << w) - 1U;
}

// The truncated multiplier's constant correction: the expected value of the dropped bits for
// independent uniform operand bits (each product bit is 1 with probability 1/4), rounded to
// the nearest integer, ties to even.
[[nodiscard]] constexpr i128 truncation_constant(operand_shape sa, operand_shape sb, int t) noexcept {
  const std::uint64_t oa = all_ones(sa.width);
  const std::uint64_t ob = all_ones(sb.width);
  const i128 dropped = partial_products(oa, sa, ob, sb, 0, 0) - partial_products(oa, sa, ob, sb, 0, t);
  const i128 q = dropped >> 2;  // floor
  const auto r = static_cast<int>(dropped & 3);
  return q + ((r > 2 || (r == 2 && (q & 1) != 0)) ? 1 : 0);
}

// Mitchell's product of magnitudes x, y: log2 v ~ k + f with f = v / 2^k - 1 (k the leading
// one's position), the two logs added (plus 2^-4 with the constant correction) and the sum's
// antilog taken the same piecewise-linear way, 2^K (1 + f) for a fraction f < 1 and 2^(K+1) f
// otherwise; the fraction bits below the integer point are dropped. Fractions are kept with
// F bits, F the wider operand width: every operand's fraction fits exactly.
[[nodiscard]] constexpr u128 mitchell_magnitude(std::uint64_t x, std::uint64_t y, int F, bool corrected) noexcept {
  if (x == 0 || y == 0) return 0;
  const int k1 = std::bit_width(x) - 1;
  const int k2 = std::bit_width(y) - 1;
  const u128 one = static_cast<u128>(1) << F;
  u128 s = (static_cast<u128>(x - (std::uint64_t{1} << k1)) << (F - k1)) +
           (static_cast<u128>(y - (std::uint64_t{1} << k2)) << (F - k2));
  if (corrected) s += one >> 4;
  int e = k1 + k2;
  u128 mant = s;
  if (s < one) {
    mant = one + s;
  } else {
    e += 1;
  }
  return (mant << e) >> F;
}

// DRUM's product of magnitudes x, y (Hashemi, Bahar and Reda, ICCAD 2015): an operand below 2^k
// is used as is; otherwise its k bits from the leading one down, with the lowest of them set
// to 1 (which makes the truncation unbiased), and the product shifted back.
[[nodiscard]] constexpr u128 drum_magnitude(std::uint64_t x, std::uint64_t y, int k) noexcept {
  const auto segment = [k](std::uint64_t v, int& shift) {
    if (v < (std::uint64_t{1} << k)) {
      shift = 0;
      return v;
    }
    shift = std::bit_width(v) - k;
    return (v >> shift) | 1U;
  };
  int sx = 0;
  int sy = 0;
  const std::uint64_t a = segment(x, sx);
  const std::uint64_t b = segment(y, sy);
  return static_cast<u128>(a * b) << (sx + sy);
}

// One kept block of an Ax-BxP operand: its value and its block index (0 the least significant).
struct axbxp_block {
  std::uint64_t value;
  int index;
};
using axbxp_operand = std::array<axbxp_block, max_approximate_operand_width>;

// The slots of magnitude x (blocks blocks of k bits): slot 0 the most significant kept block.
// fixed: the `kept` top block positions, zero or not; dynamic: the `kept` most significant
// non-zero blocks (an empty slot is a zero block). Slots from `kept` on are left unset: this
// runs once per product, and clearing the whole array dominated its cost.
[[nodiscard]] constexpr axbxp_operand axbxp_slots(std::uint64_t x, int k, int blocks, int kept, block_select sel) noexcept {
  axbxp_operand slots;  // NOLINT: slots [0, kept) are all written below
  int s = 0;
  for (int i = blocks - 1; i >= 0 && s < kept; --i) {
    const std::uint64_t v = (x >> (i * k)) & all_ones(k);
    if (sel == block_select::dynamic && v == 0) continue;
    slots[static_cast<std::size_t>(s++)] = {v, i};
  }
  for (; s < kept; ++s) slots[static_cast<std::size_t>(s)] = {0, 0};
  return slots;
}

// Calls f(s, t) for the first l slot pairs of na x nb kept blocks in Ax-BxP's order: ranked
// by s + t (slot 0 being each operand's most significant kept block), ties by s.
template <class F>
constexpr void for_each_axbxp_pair(int na, int nb, int l, F&& f) {
  int computed = 0;
  for (int d = 0; d <= na + nb - 2; ++d)
    for (int s = std::max(0, d - (nb - 1)); s <= std::min(d, na - 1); ++s) {
      if (computed++ == l) return;
      f(s, d - s);
    }
}

// Ax-BxP's product of magnitudes x (blocks_a blocks) and y (blocks_b blocks) of k-bit blocks.
[[nodiscard]] constexpr u128 axbxp_magnitude(std::uint64_t x, int blocks_a, std::uint64_t y, int blocks_b,
                                             const multiplier& m) noexcept {
  const auto a = axbxp_slots(x, m.k, blocks_a, m.na, m.select);
  const auto b = axbxp_slots(y, m.k, blocks_b, m.nb, m.select);
  u128 sum = 0;
  for_each_axbxp_pair(m.na, m.nb, m.l, [&](int s, int t) {
    const axbxp_block& p = a[static_cast<std::size_t>(s)];
    const axbxp_block& q = b[static_cast<std::size_t>(t)];
    sum += static_cast<u128>(p.value * q.value) << (m.k * (p.index + q.index));
  });
  return sum;
}

}  // namespace detail

// The raw product of raw operands a (shape sa) and b (shape sb) under multiplier m. The
// array-based multipliers drop bits of the two's-complement partial-product array; signed
// Mitchell multiplies the magnitudes and gives the product the sign of a * b; signed DRUM
// does what its published design does, one's complement in and out (~a for a negative
// operand, ~p for a negative product), unless negate=exact; signed Ax-BxP splits magnitudes
// into blocks and negates exactly. A table multiplier looks its circuit up in the registry
// (lop/table_multiplier.hpp; throws lop::format_error when that fails); multiplier_model below
// looks it up once for many products. Preconditions: validate(m, sa.width, sb.width) ==
// nullptr, and a, b in their shapes' ranges.
[[nodiscard]] constexpr detail::i128 multiply_raw(const multiplier& m, detail::i128 a, operand_shape sa, detail::i128 b,
                                                  operand_shape sb) {
  using detail::i128;
  using detail::u128;
  const auto bits = [](i128 v, operand_shape s) {
    return static_cast<std::uint64_t>(static_cast<u128>(v) & detail::all_ones(s.width));
  };
  switch (m.kind) {
    case multiplier_kind::exact: return a * b;
    case multiplier_kind::truncated: {
      const i128 kept = detail::partial_products(bits(a, sa), sa, bits(b, sb), sb, 0, m.t);
      if (m.correction == mul_correction::constant) return kept + detail::truncation_constant(sa, sb, m.t);
      if (m.correction == mul_correction::variable && m.t > 0) {
        const i128 column = detail::partial_products(bits(a, sa), sa, bits(b, sb), sb, 0, m.t - 1) - kept;
        return kept + 2 * column;
      }
      return kept;
    }
    case multiplier_kind::broken_array: return detail::partial_products(bits(a, sa), sa, bits(b, sb), sb, m.h, m.v);
    case multiplier_kind::mitchell: {
      const bool negative = (a < 0) != (b < 0);
      const auto x = static_cast<std::uint64_t>(a < 0 ? -a : a);
      const auto y = static_cast<std::uint64_t>(b < 0 ? -b : b);
      const u128 mag = detail::mitchell_magnitude(x, y, std::max(sa.width, sb.width),
                                                  m.correction == mul_correction::constant);
      return negative ? -static_cast<i128>(mag) : static_cast<i128>(mag);
    }
    case multiplier_kind::drum: {
      // The published signed DRUM complements bits instead of negating: a negative operand
      // enters as ~a = |a| - 1, and a negative product leaves as ~p = -p - 1.
      const bool negative = (a < 0) != (b < 0);
      const bool invert = m.negate == mul_negate::invert;
      const auto x = static_cast<std::uint64_t>(a < 0 ? (invert ? ~a : -a) : a);
      const auto y = static_cast<std::uint64_t>(b < 0 ? (invert ? ~b : -b) : b);
      const auto mag = static_cast<i128>(detail::drum_magnitude(x, y, m.k));
      return negative ? (invert ? ~mag : -mag) : mag;
    }
    case multiplier_kind::table: return table_multiplier_for(m, sa, sb)->product(a, b);
    case multiplier_kind::axbxp: {
      const bool negative = (a < 0) != (b < 0);
      const auto x = static_cast<std::uint64_t>(a < 0 ? -a : a);
      const auto y = static_cast<std::uint64_t>(b < 0 ? -b : b);
      const auto mag = static_cast<i128>(detail::axbxp_magnitude(x, sa.width / m.k, y, sb.width / m.k, m));
      return negative ? -mag : mag;
    }
  }
  return 0;
}

// Multiplier m bound to operand shapes a and b: checks them once (validate, and a table
// multiplier's circuit), then gives multiply_raw's products.
class multiplier_model {
 public:
  multiplier_model(const multiplier& m, operand_shape a, operand_shape b) : m_(m), a_(a), b_(b) {
    if (const char* e = validate(m, a.width, b.width))
      throw format_error("lop: multiplier " + to_string(m) + " on " + to_string(a) + " x " + to_string(b) +
                         " operands: " + e);
    if (m.kind == multiplier_kind::table) table_ = table_multiplier_for(m, a, b);
  }
  [[nodiscard]] detail::i128 operator()(detail::i128 a, detail::i128 b) const {
    if (table_) return table_->product(a, b);
    return m_.is_exact() ? a * b : multiply_raw(m_, a, a_, b, b_);
  }
  [[nodiscard]] const multiplier& mul() const noexcept { return m_; }
  [[nodiscard]] operand_shape a() const noexcept { return a_; }
  [[nodiscard]] operand_shape b() const noexcept { return b_; }

 private:
  multiplier m_;
  operand_shape a_, b_;
  std::shared_ptr<const table_multiplier> table_;
};

// The format of products through multiplier m: the exact product's, one bit wider for an
// approximate multiplier, whose products can leave the exact range but always fit one more
// bit (docs/multipliers.md, "Product width"; unit.multipliers checks the bound).
[[nodiscard]] constexpr fixed_format product_format(const fixed_format& a, const fixed_format& b,
                                                    const multiplier& m) noexcept {
  fixed_format p = product_format(a, b);
  if (!m.is_exact()) p.width += 1;
  return p;
}

// a * b through multiplier M, in product_format(A, B, M): the exact product's format, one bit
// wider for an approximate multiplier (its products can leave the exact range).
template <multiplier M, fixed_format A, fixed_format B>
[[nodiscard]] constexpr fixed<product_format(A, B, M)> multiply(const fixed<A>& a, const fixed<B>& b) {
  static_assert(validate(M, A.width, B.width) == nullptr,
                "lop::multiply: this multiplier cannot multiply these operand formats; "
                "lop::validate(M, A.width, B.width) says why");
  return fixed<product_format(A, B, M)>::from_bits(
      multiply_raw(M, a.raw(), {A.width, A.is_signed}, b.raw(), {B.width, B.is_signed}));
}

}  // namespace lop
