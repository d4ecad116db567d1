// Building blocks of the float units (float_units.cpp), shared with the float processing
// element (float_pe.cpp): operand decoding, the exact product, the add core in front of the
// round-and-pack block, and constant-stage shifters. Internal to hwgen.
#pragma once
#include <cstdint>
#include <string>
#include <utility>

#include "lop/float_format.hpp"
#include "lop/hw/verilog.hpp"

namespace lop::hw::fcore {

using i64 = std::int64_t;

// Smallest two's-complement width holding every value of [lo, hi].
[[nodiscard]] int signed_bits(i64 lo, i64 hi);
// Smallest unsigned width holding v >= 0.
[[nodiscard]] int unsigned_bits(i64 v);
// Range of the exponent of a decoded operand's lsb: max(field, 1) - bias - man_bits.
[[nodiscard]] std::pair<i64, i64> lsb_exp_range(const float_format& f);

// Shift x left until its msb is set (x == 0 stays 0). Returns {normalized, leading zero count}.
[[nodiscard]] std::pair<expr, expr> normalize(module& m, const expr& x, const std::string& p);
// x >> amt (amt <= x's width), with `lost` = OR of every bit shifted out; the vacated top
// bits are `fill` (default 0; the sign bit for an arithmetic shift).
[[nodiscard]] std::pair<expr, expr> shift_right_sticky(module& m, const expr& x, const expr& amt,
                                                       const std::string& p, const expr& fill = nullptr);

// A decoded operand.
struct decoded {
  expr sign, nan, inf, zero;
  expr sig;  // man_bits + 1 bits: hidden bit and mantissa (0 for zeros)
  expr exp;  // signed, `ew` bits: exponent of sig's lsb
};
[[nodiscard]] decoded decode(module& m, const expr& x, const float_format& f, int ew, const std::string& p);

// What an arithmetic core hands to the round block (lop_fround_*).
struct core_out {
  expr sign, sig, exp, nan, inf;
};

// An exact operand of the add core: (-1)^sign * sig * 2^exp, or a special.
struct value {
  expr sign, nan, inf, zero;
  expr sig;    // unsigned
  expr exp;    // signed: exponent of sig's lsb
  i64 lo, hi;  // range of exp
  bool norm;   // normalize sig before aligning (its msb may be clear for nonzero values)
};
[[nodiscard]] value operand_value(const decoded& d, const float_format& f, bool norm);

// The exact product of two decoded operands (IEEE specials: nan for NaN operands and 0 * Inf;
// zero carries the XOR of the signs), as an add-core operand (norm = true). Wires are named
// `p` + "sign", "sig", "exp", "zero" (only if zero_wire; else zero is an expression), "nan",
// "inf"; its exponent has the operands' exponent width (product_exp_width(fa, fb) suffices).
[[nodiscard]] value exact_product(module& m, const decoded& a, const decoded& b, const float_format& fa,
                                  const float_format& fb, const std::string& p, bool zero_wire = true);
// Exponent width that holds the operands' and their product's lsb exponents.
[[nodiscard]] int product_exp_width(const float_format& fa, const float_format& fb);

// x + y, one rounding into `out` (the round block is not included: feed core_out to it).
[[nodiscard]] core_out add_core(module& m, const value& x, const value& y, const float_format& out,
                                const std::string& p);

}  // namespace lop::hw::fcore
