// Structural Verilog for lop's multipliers (docs/multipliers.md), bit-exact with
// lop::multiply_raw: partial-product rows and adders for the array families (and for `exact`,
// the full array: the structural reference next to a behavioural a*b), the float units'
// normalizer (leading-zero count and shift) with a k x k core for DRUM, log/antilog datapaths
// for Mitchell. The output has P + 1 bits (P = wa + wb): every approximate product fits them.
#include <algorithm>
#include <string>
#include <vector>

#include "float_core_hw.hpp"
#include "lop/approximate.hpp"
#include "lop/hw/generators.hpp"

namespace lop::hw {

namespace {

using detail::i128;
using fcore::normalize;
using fcore::unsigned_bits;
constexpr auto mul_expr = [](const expr& a, const expr& b, int width) { return lop::hw::mul(a, b, width); };

// Rows j >= h of the two's-complement partial-product array, columns i + j >= v, summed in
// W bits; the top row is subtracted when b is signed (its bit weighs -2^(wb-1)).
expr array_sum(module& m, const expr& a, const expr& b, const fixed_format& fa, const fixed_format& fb, int h,
               int v, int W) {
  expr sum = constant(W, 0, true);
  for (int j = h; j < fb.width; ++j) {
    const int lo = std::max(0, v - j);
    if (lo >= fa.width) continue;
    const expr kept = lo == 0 ? as_unsigned(a) : concat({slice(a, fa.width - 1, lo), zeros(lo)});
    expr row = m.net("row" + std::to_string(j), bit_and(kept, repl(fa.width, bit(b, j))));
    if (fa.is_signed) row = as_signed(row);
    const expr term = resize(shift_left(row, j), W);
    sum = fb.is_signed && j == fb.width - 1 ? sub(sum, term, W) : add(sum, term, W);
  }
  return sum;
}

// |x| as an unsigned w-bit value (|-2^(w-1)| = 2^(w-1) fits).
expr magnitude(const expr& x, const fixed_format& f) {
  if (!f.is_signed) return as_unsigned(x);
  return mux(msb(x), as_unsigned(sub(constant(f.width, 0), x, f.width)), as_unsigned(x));
}

// x << s (W bits) for a run-time s: a logarithmic barrel shifter, one multiplexer stage per
// bit of s.
expr shift_by(module& m, const expr& x, const expr& s, int W, const std::string& name) {
  expr r = m.net(name + "_in", resize(as_unsigned(x), W));
  for (int i = 0; i < s->width && (1 << i) < W; ++i)
    r = m.net(name + "_s" + std::to_string(i), mux(bit(s, i), resize(shift_left(r, 1 << i), W), r));
  return r;
}

// Mitchell's product of magnitudes x (wa bits) and y (wb bits), P + 1 bits (see
// lop::detail::mitchell_magnitude).
expr mitchell(module& m, const expr& x, const expr& y, int wa, int wb, bool corrected) {
  const int F = std::max(wa, wb);
  const int P = wa + wb;
  // log2 v ~ k + f: the normalizer moves v's leading one to its msb; k = w - 1 - (leading
  // zeros), f = the bits below the leading one, aligned to F bits.
  const auto [norm_a, lz_a] = normalize(m, x, "norm_a");
  const auto [norm_b, lz_b] = normalize(m, y, "norm_b");
  const auto fraction = [&](const expr& norm, int w) {
    return w == 1 ? zeros(F) : concat({slice(norm, w - 2, 0), zeros(F - (w - 1))});
  };
  const expr f1 = m.net("frac_a", fraction(norm_a, wa));
  const expr f2 = m.net("frac_b", fraction(norm_b, wb));
  expr s = add(f1, f2, F + 2);
  if (corrected) s = add(s, constant(F + 2, static_cast<i128>(1) << (F - 4)), F + 2);
  s = m.net("log_frac_sum", s);
  const expr carry = m.net("carry", reduce_or(slice(s, F + 1, F)));
  const expr mant = m.net("mant", mux(carry, s, add(s, constant(F + 2, static_cast<i128>(1) << F), F + 2)));
  // e = k1 + k2 + carry = (wa - 1 - lz_a) + (wb - 1 - lz_b) + carry, in [0, P - 1] for
  // nonzero operands (modulo 2^ew otherwise, where the result is masked to 0 below).
  const int ew = unsigned_bits(P);
  const expr e = m.net("exponent", sub(sub(add(constant(ew, P - 2), resize(carry, ew), ew), resize(lz_a, ew), ew),
                                       resize(lz_b, ew), ew));
  const expr shifted = shift_by(m, mant, e, F + P + 1, "antilog");
  const expr nonzero = logic_and(reduce_or(x), reduce_or(y));
  return mux(nonzero, slice(shifted, F + P, F), constant(P + 1, 0));
}

// DRUM's segment of magnitude x (w bits): x itself below 2^k, else the k bits from the
// leading one down (the top of the normalized x) with the lowest set to 1, shifted by
// w - k - (leading zeros); `shift` receives the segment's shift.
expr drum_segment(module& m, const expr& x, int w, int k, const std::string& name, expr& shift) {
  const int max_shift = std::max(0, w - k);
  const int sw = unsigned_bits(std::max(1, max_shift));
  if (max_shift == 0) {
    shift = constant(sw, 0);
    return resize(x, k);
  }
  const auto [norm, lz] = normalize(m, x, "norm_" + name);
  // x >= 2^k iff its leading one is at k or above (x = 0 counts all its bits as zeros).
  const expr big = m.net("big_" + name, le(lz, constant(lz->width, w - 1 - k)));
  const int lw = std::max(lz->width, sw) + 1;
  const expr sh = resize(m.net("w_minus_lz_" + name, sub(constant(lw, w - k), resize(lz, lw), lw)), sw);
  shift = m.net("shift_" + name, mux(big, sh, constant(sw, 0)));
  return m.net("seg_" + name, mux(big, bit_or(slice(norm, w - 1, w - k), constant(k, 1)), slice(x, k - 1, 0)));
}

expr drum(module& m, const expr& x, const expr& y, int wa, int wb, int k) {
  const int P = wa + wb;
  expr sa, sb;
  const expr ga = drum_segment(m, x, wa, k, "a", sa);
  const expr gb = drum_segment(m, y, wb, k, "b", sb);
  const expr core = m.net("core", mul(ga, gb, 2 * k));  // the k x k exact multiplier
  const int max_shift = std::max(0, wa - k) + std::max(0, wb - k);
  const int sw = unsigned_bits(std::max(1, max_shift));
  const expr total = m.net("total_shift", add(resize(sa, sw), resize(sb, sw), sw));
  return shift_by(m, core, total, P + 1, "product_shift");
}

// One operand's Ax-BxP slots (lop::detail::axbxp_slots): slot s's block value (k bits) and its
// block index. fixed: constant positions; dynamic: slot s takes block i when block i is
// non-zero and s non-zero blocks lie above it (a count per block, compared with s).
struct axbxp_slot {
  expr value;
  expr index;  // null for fixed selection
  int fixed_index = 0;
};
std::vector<axbxp_slot> axbxp_operand_slots(module& m, const expr& x, int w, const lop::multiplier& mul, int kept,
                                            const std::string& name) {
  const int k = mul.k;
  const int n = w / k;
  std::vector<axbxp_slot> slots;
  const auto block = [&](int i) { return slice(x, (i + 1) * k - 1, i * k); };
  if (mul.select == block_select::fixed) {
    for (int s = 0; s < kept; ++s) slots.push_back({m.net(name + "_slot" + std::to_string(s), block(n - 1 - s)), nullptr, n - 1 - s});
    return slots;
  }
  const int rw = unsigned_bits(n);
  const int iw = unsigned_bits(std::max(1, n - 1));
  std::vector<expr> nz(static_cast<std::size_t>(n)), above(static_cast<std::size_t>(n));
  for (int i = n - 1; i >= 0; --i) {
    nz[static_cast<std::size_t>(i)] = m.net(name + "_nz" + std::to_string(i), reduce_or(block(i)));
    above[static_cast<std::size_t>(i)] =
        i == n - 1 ? constant(rw, 0)
                   : m.net(name + "_above" + std::to_string(i),
                           add(above[static_cast<std::size_t>(i + 1)], resize(nz[static_cast<std::size_t>(i + 1)], rw), rw));
  }
  for (int s = 0; s < kept; ++s) {
    expr value = zeros(k);
    expr index = zeros(iw);
    for (int i = n - 1; i >= 0; --i) {
      const expr sel = m.net(name + "_sel" + std::to_string(s) + "_" + std::to_string(i),
                             logic_and(nz[static_cast<std::size_t>(i)], eq(above[static_cast<std::size_t>(i)], constant(rw, s))));
      value = bit_or(value, bit_and(block(i), repl(k, sel)));
      if (i != 0) index = bit_or(index, bit_and(constant(iw, i), repl(iw, sel)));
    }
    slots.push_back({m.net(name + "_slot" + std::to_string(s), value), m.net(name + "_index" + std::to_string(s), index), 0});
  }
  return slots;
}

// Ax-BxP's product of magnitudes x (wa bits) and y (wb bits), P + 1 bits
// (lop::detail::axbxp_magnitude): l k x k block multipliers on the computed slot pairs, each
// product shifted by k times its blocks' index sum (a barrel shifter for dynamic selection).
expr axbxp(module& m, const expr& x, const expr& y, int wa, int wb, const lop::multiplier& mul) {
  const int W = wa + wb + 1;
  const int k = mul.k;
  const std::vector<axbxp_slot> a = axbxp_operand_slots(m, x, wa, mul, mul.na, "a");
  const std::vector<axbxp_slot> b = axbxp_operand_slots(m, y, wb, mul, mul.nb, "b");
  const int sw = unsigned_bits(wa + wb);
  expr sum = constant(W, 0);
  detail::for_each_axbxp_pair(mul.na, mul.nb, mul.l, [&](int s, int t) {
    const std::string pair = std::to_string(s) + "_" + std::to_string(t);
    const axbxp_slot& p = a[static_cast<std::size_t>(s)];
    const axbxp_slot& q = b[static_cast<std::size_t>(t)];
    const expr prod = m.net("block_product" + pair, mul_expr(p.value, q.value, 2 * k));
    expr term;
    if (mul.select == block_select::fixed) {
      term = resize(shift_left(prod, k * (p.fixed_index + q.fixed_index)), W);
    } else {
      const expr idx = add(resize(p.index, sw), resize(q.index, sw), sw);
      const expr sh = m.net("shift" + pair, mul_expr(idx, constant(sw, k), sw));
      term = shift_by(m, prod, sh, W, "term" + pair);
    }
    sum = add(sum, term, W);
  });
  return sum;
}

}  // namespace

std::string multiplier_tag(const lop::multiplier& m) {
  switch (m.kind) {
    case multiplier_kind::exact: return "exact";
    case multiplier_kind::truncated:
      return "trunc_t" + std::to_string(m.t) +
             (m.correction == mul_correction::none ? "" : "_" + std::string(to_string(m.correction)));
    case multiplier_kind::broken_array: return "bam_h" + std::to_string(m.h) + "_v" + std::to_string(m.v);
    case multiplier_kind::mitchell: return m.correction == mul_correction::none ? "mitchell" : "mitchell_corr";
    case multiplier_kind::drum: return "drum_k" + std::to_string(m.k) + (m.negate == mul_negate::exact ? "_exact" : "");
    case multiplier_kind::table: return "table_" + std::string(m.table_name());
    case multiplier_kind::axbxp:
      return "axbxp_k" + std::to_string(m.k) + "_na" + std::to_string(m.na) + "_nb" + std::to_string(m.nb) + "_l" +
             std::to_string(m.l) + (m.select == block_select::dynamic ? "_dyn" : "_fix");
  }
  return "x";
}

std::string approximate_multiplier_name(const lop::multiplier& mul, const fixed_format& a, const fixed_format& b) {
  return "lop_amul_" + multiplier_tag(mul) + "_" + format_tag(a) + "_" + format_tag(b);
}

design approximate_multiplier(const lop::multiplier& mul, const fixed_format& a, const fixed_format& b) {
  if (const char* e = validate(a)) throw format_error("lop-hwgen: invalid operand format " + to_string(a) + ": " + e);
  if (const char* e = validate(b)) throw format_error("lop-hwgen: invalid operand format " + to_string(b) + ": " + e);
  if (const char* e = validate(mul, a.width, b.width))
    throw format_error("lop-hwgen: multiplier " + to_string(mul) + " on " + to_string(a) + " x " + to_string(b) + ": " + e);
  if (mul.kind == multiplier_kind::table) return table_multiplier_design(mul, a, b);
  const int P = a.width + b.width;
  const int W = P + 1;
  const bool is_signed = a.is_signed || b.is_signed;
  module m(approximate_multiplier_name(mul, a, b),
           {"approximate multiplier " + to_string(mul) + ": a (" + std::to_string(a.width) + " bits, " +
                (a.is_signed ? "signed" : "unsigned") + ") * b (" + std::to_string(b.width) + " bits, " +
                (b.is_signed ? "signed" : "unsigned") + ") -> y (" + std::to_string(W) +
                " bits) = lop::multiply_raw (docs/multipliers.md)"});
  const expr xa = m.input("a", a.width, a.is_signed);
  const expr xb = m.input("b", b.width, b.is_signed);
  const expr y = m.output("y", W, is_signed);
  expr r;
  switch (mul.kind) {
    case multiplier_kind::truncated: {
      r = array_sum(m, xa, xb, a, b, 0, mul.t, W);
      if (mul.correction == mul_correction::constant) {
        r = add(r, constant(W, detail::truncation_constant({a.width, a.is_signed}, {b.width, b.is_signed}, mul.t), true), W);
      } else if (mul.correction == mul_correction::variable) {
        // Column t-1 once more, at weight 2^t.
        for (int i = 0; i < a.width; ++i) {
          const int j = mul.t - 1 - i;
          if (j < 0 || j >= b.width) continue;
          const expr term = resize(shift_left(bit_and(bit(xa, i), bit(xb, j)), mul.t), W);
          const bool negative = (a.is_signed && i == a.width - 1) != (b.is_signed && j == b.width - 1);
          r = negative ? sub(r, term, W) : add(r, term, W);
        }
      }
      break;
    }
    case multiplier_kind::broken_array: r = array_sum(m, xa, xb, a, b, mul.h, mul.v, W); break;
    case multiplier_kind::mitchell:
    case multiplier_kind::drum:
    case multiplier_kind::axbxp: {
      // Mitchell, Ax-BxP and DRUM with negate=exact: magnitudes, and the product negated for a
      // negative sign. DRUM, as its published signed design: a negative operand bit-inverted
      // in, a negative product bit-inverted out (lop::multiply_raw).
      const bool ones = mul.kind == multiplier_kind::drum && mul.negate == mul_negate::invert;
      const auto operand = [&](const expr& v, const fixed_format& f) {
        if (!f.is_signed) return as_unsigned(v);
        return ones ? mux(msb(v), bit_not(as_unsigned(v)), as_unsigned(v)) : magnitude(v, f);
      };
      const expr x = m.net("mag_a", operand(xa, a));
      const expr yv = m.net("mag_b", operand(xb, b));
      const expr mag = m.net("mag_p", mul.kind == multiplier_kind::drum ? drum(m, x, yv, a.width, b.width, mul.k)
                                      : mul.kind == multiplier_kind::axbxp
                                          ? axbxp(m, x, yv, a.width, b.width, mul)
                                          : mitchell(m, x, yv, a.width, b.width, mul.correction != mul_correction::none));
      if (!is_signed) {
        r = mag;
      } else {
        const expr sa = a.is_signed ? msb(xa) : constant(1, 0);
        const expr sb = b.is_signed ? msb(xb) : constant(1, 0);
        r = mux(bit_xor(sa, sb), ones ? bit_not(mag) : sub(constant(W, 0), mag, W), mag);
      }
      break;
    }
    case multiplier_kind::exact: r = array_sum(m, xa, xb, a, b, 0, 0, W); break;  // the full array
    case multiplier_kind::table: break;  // above
  }
  m.assign(y, as_unsigned(resize(r, W)));
  design d;
  d.add(m);
  return d;
}

}  // namespace lop::hw
