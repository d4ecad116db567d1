// Bit-exact model of the processing element that lop-hwgen generates for a pe_spec.
// Per MAC: p = a*b exactly; acc <- quantize<acc>((clear ? 0 : acc) + p); out <- quantize<out>(acc).
// Stochastic quantizers draw from one lfsr32 per PE: first the accumulator's draw, then the
// output's, once per MAC each (see docs/verilog-interface.md for the cycle-level view).
#pragma once
#include <cstdint>
#include <stdexcept>
#include <string>

#include "lop/detail/int128.hpp"
#include "lop/format.hpp"
#include "lop/rounding.hpp"

namespace lop {

class pe_model {
 public:
  using raw = detail::i128;

  explicit pe_model(const pe_spec& spec, std::uint32_t seed = lfsr32::default_seed)
      : spec_(spec), gen_(seed) {
    if (const char* e = validate(spec))
      throw format_error("lop::pe_model: invalid PE " + to_string(spec) + ": " + e);
  }

  // Synchronous reset: accumulator and output to zero, generator reloaded from seed.
  void reset(std::uint32_t seed = lfsr32::default_seed) noexcept {
    acc_ = 0;
    out_ = 0;
    gen_ = lfsr32(seed);
  }
  // `clear` without `en`: the accumulator and output go to zero; no random draw.
  void clear() noexcept { acc_ = out_ = 0; }

  // One multiply-accumulate (`en` high). a and b are raw values of spec.a and spec.b;
  // with `restart` the accumulation starts from zero (`clear` together with `en`).
  raw mac(raw a, raw b, bool restart = false) noexcept {
    const fixed_format prod = product_format(spec_.a, spec_.b);
    const fixed_format sum = sum_format(spec_.acc, prod);
    const raw base = restart ? 0 : acc_;
    const raw s = detail::shl(base, sum.frac - spec_.acc.frac) + detail::shl(a * b, sum.frac - prod.frac);
    acc_ = detail::quantize_raw(s, sum.frac, spec_.acc, draw(spec_.acc));
    out_ = detail::quantize_raw(acc_, spec_.acc.frac, spec_.out, draw(spec_.out));
    return out_;
  }

  [[nodiscard]] raw acc() const noexcept { return acc_; }
  [[nodiscard]] raw out() const noexcept { return out_; }
  [[nodiscard]] const pe_spec& spec() const noexcept { return spec_; }
  [[nodiscard]] const lfsr32& generator() const noexcept { return gen_; }

 private:
  std::uint32_t draw(const fixed_format& f) noexcept {
    return f.round == rounding::stochastic ? gen_() : 0U;
  }
  pe_spec spec_;
  lfsr32 gen_;
  raw acc_ = 0;
  raw out_ = 0;
};

}  // namespace lop
