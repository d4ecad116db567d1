// The C++ models of the hand-written "user circuits" that the table-multiplier tests use
// (Verilog: tests/cosim/udm_mul.v, tests/cosim/floor4.v), written from their definitions,
// independently of lop.
#pragma once
#include <cstdint>

namespace user_circuits {

// Kulkarni, Gupta and Ercegovac's underdesigned multiplier (VLSI Design 2011) of w-bit
// unsigned operands (w a power of two): a 2x2 block exact except 3 x 3 = 7 (0b111), and wider
// multipliers from four half-width ones added exactly.
inline std::uint64_t udm(std::uint64_t a, std::uint64_t b, int w) {
  if (w == 2) return a == 3 && b == 3 ? 7 : a * b;
  const int h = w / 2;
  const std::uint64_t m = (std::uint64_t{1} << h) - 1;
  return udm(a & m, b & m, h) + ((udm(a >> h, b & m, h) + udm(a & m, b >> h, h)) << h) +
         (udm(a >> h, b >> h, h) << (2 * h));
}

// The signed product with its two lowest bits cleared: a multiple of 4, rounded toward minus
// infinity (floor4.v: 6 x 5 bits).
inline std::int64_t floor4(std::int64_t a, std::int64_t b) {
  const std::int64_t p = a * b;
  return p - (((p % 4) + 4) % 4);
}

}  // namespace user_circuits
