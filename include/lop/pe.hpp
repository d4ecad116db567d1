// Bit-exact model of the processing element that lop-hwgen generates for a pe_spec.
// Per MAC: p = a*b exactly; acc <- R_acc((clear ? 0 : acc) + p) (fused; unfused rounds p to
// acc's format first); out <- R_out(acc). Stochastic roundings draw from one lfsr32 per PE in
// that order: the product's (unfused), the accumulator's, then the output's, once per MAC each
// (see docs/verilog-interface.md for the cycle-level view, docs/cfloat.md section 5 for floats).
#pragma once
#include <cstdint>
#include <stdexcept>
#include <string>

#include "lop/detail/float_core.hpp"
#include "lop/approximate.hpp"
#include "lop/detail/int128.hpp"
#include "lop/pe_spec.hpp"
#include "lop/rounding.hpp"

namespace lop {

namespace detail {

// The raw value of format f held in the low width(f) bits of `bits`: sign-extended for a
// signed fixed format, as is for an unsigned one or a float bit pattern.
[[nodiscard]] constexpr i128 raw_from_bits(const number_format& f, std::uint64_t bits) noexcept {
  if (f.is_float()) return static_cast<i128>(bits & width_mask(f.floating));
  return extend<i128>(static_cast<u128>(bits), f.fixed.width, f.fixed.is_signed);
}

// A raw value of `from` rounded into `to` (fixed raw values are integers, float ones bit patterns).
[[nodiscard]] constexpr i128 convert_raw(const number_format& to, const number_format& from, i128 raw,
                                         std::uint32_t rnd) noexcept {
  const auto bits = static_cast<std::uint64_t>(raw);
  if (from.is_fixed() && to.is_fixed()) return quantize_raw<i128>(raw, from.fixed.frac, to.fixed, rnd);
  if (from.is_fixed()) return static_cast<i128>(float_from_fixed(to.floating, from.fixed, raw, rnd));
  if (to.is_fixed()) return float_to_fixed(to.fixed, from.floating, bits, rnd);
  return static_cast<i128>(float_convert(to.floating, from.floating, bits, rnd));
}

}  // namespace detail

class pe_model {
 public:
  using raw = detail::i128;

  explicit pe_model(const pe_spec& spec, std::uint32_t seed = lfsr32::default_seed)
      : spec_(spec), gen_(seed) {
    if (const char* e = validate(spec))
      throw format_error("lop::pe_model: invalid PE " + to_string(spec) + ": " + e);
    if (spec.mul.kind == multiplier_kind::table)  // the circuit's lookup (and its errors) once, here
      table_ = table_multiplier_for(spec.mul, {spec.a.fixed.width, spec.a.fixed.is_signed},
                                    {spec.b.fixed.width, spec.b.fixed.is_signed});
  }

  // Synchronous reset: accumulator and output to zero (+0 for floats), generator reloaded.
  void reset(std::uint32_t seed = lfsr32::default_seed) noexcept {
    acc_ = 0;
    out_ = 0;
    gen_ = lfsr32(seed);
  }
  // `clear` without `en`: the accumulator and output go to zero; no random draw.
  void clear() noexcept { acc_ = out_ = 0; }

  // One multiply-accumulate (`en` high). a and b are raw values of spec.a and spec.b (float:
  // bit patterns); with `restart` the accumulation starts from zero (`clear` together with `en`).
  raw mac(raw a, raw b, bool restart = false) {
    const raw base = restart ? 0 : acc_;
    if (spec_.float_operands()) {
      acc_ = float_mac(a, b, base);
    } else {
      const fixed_format& A = spec_.a.fixed;
      const fixed_format& B = spec_.b.fixed;
      const fixed_format& C = spec_.acc.fixed;
      const fixed_format prod = product_format(A, B);
      const fixed_format sum = sum_format(C, prod);
      const raw p = spec_.mul.is_exact() ? a * b
                    : table_                 ? table_->product(a, b)
                                             : multiply_raw(spec_.mul, a, {A.width, A.is_signed}, b, {B.width, B.is_signed});
      const raw s = detail::shl(base, sum.frac - C.frac) + detail::shl(p, sum.frac - prod.frac);
      acc_ = detail::quantize_raw(s, sum.frac, C, draw(spec_.acc));
    }
    out_ = detail::convert_raw(spec_.out, spec_.acc, acc_, draw(spec_.out));
    return out_;
  }

  [[nodiscard]] raw acc() const noexcept { return acc_; }
  [[nodiscard]] raw out() const noexcept { return out_; }
  [[nodiscard]] const pe_spec& spec() const noexcept { return spec_; }
  [[nodiscard]] const lfsr32& generator() const noexcept { return gen_; }

 private:
  std::uint32_t draw(const number_format& f) noexcept {
    return rounding_of(f) == rounding::stochastic ? gen_() : 0U;
  }

  // Float operands: the exact product enters a float accumulator through the float adder, or
  // a fixed one through detail::fixed_accumulate.
  raw float_mac(raw a, raw b, raw base) noexcept {
    using detail::float_unpack;
    const detail::float_value p = detail::exact_product(
        float_unpack(spec_.a.floating, static_cast<std::uint64_t>(a)),
        float_unpack(spec_.b.floating, static_cast<std::uint64_t>(b)));
    const number_format& C = spec_.acc;
    if (C.is_float()) {
      const float_format& F = C.floating;
      const detail::float_value addend =
          spec_.mac == mac_kind::fused ? p : float_unpack(F, detail::float_round(F, p, draw(C)));
      return static_cast<raw>(
          detail::value_add(F, addend, float_unpack(F, static_cast<std::uint64_t>(base)), draw(C)));
    }
    if (spec_.mac == mac_kind::fused) return detail::fixed_accumulate(C.fixed, base, p, draw(C));
    const raw rounded = detail::fixed_accumulate(C.fixed, 0, p, draw(C));
    return detail::quantize_raw<raw>(base + rounded, C.fixed.frac, C.fixed, draw(C));
  }

  pe_spec spec_;
  std::shared_ptr<const table_multiplier> table_;  // a table multiplier's circuit
  lfsr32 gen_;
  raw acc_ = 0;
  raw out_ = 0;
};

}  // namespace lop
