// An independent PE model for the tests, written from the documented semantics with the
// exact reference quantizer (ref::quantize), sharing no code with lop::pe_model.
#pragma once
#include <cstdint>
#include <vector>

#include "reference.hpp"

namespace ref {

struct pe {
  lop::pe_spec s;
  std::uint32_t lfsr;
  i128 acc = 0, out = 0;

  explicit pe(const lop::pe_spec& spec, std::uint32_t seed) : s(spec), lfsr(seed == 0 ? 1U : seed) {}

  std::uint32_t draw() {  // x^32 + x^22 + x^2 + x + 1, Galois, right shift
    const std::uint32_t r = lfsr;
    lfsr = (lfsr >> 1) ^ ((lfsr & 1U) != 0 ? 0x80200003U : 0U);
    return r;
  }
  void mac(i128 a, i128 b, bool restart) {
    const int fp = s.a.fixed.frac + s.b.fixed.frac;
    const int f = fp > s.acc.fixed.frac ? fp : s.acc.fixed.frac;  // common grid of acc and product
    const i128 base = restart ? 0 : acc;
    const i128 sum = base * (i128{1} << (f - s.acc.fixed.frac)) + a * b * (i128{1} << (f - fp));
    const std::uint32_t r1 = s.acc.fixed.round == lop::rounding::stochastic ? draw() : 0;
    acc = quantize(sum, f, s.acc.fixed, r1);
    const std::uint32_t r2 = s.out.fixed.round == lop::rounding::stochastic ? draw() : 0;
    out = quantize(acc, s.acc.fixed.frac, s.out.fixed, r2);
  }
};

}  // namespace ref
