// Integer helpers shared by every lop type. The bit-level algorithms are written once for
// any signed integer type T (int32_t, int64_t, i128), so narrow formats compute in narrow
// registers and the compiler can vectorize them; i128 carries the widest exact results.
#pragma once
#include <bit>
#include <cstdint>
#include <type_traits>

namespace lop::detail {

// GCC/Clang extension; __extension__ keeps -Wpedantic quiet.
__extension__ using i128 = __int128;
__extension__ using u128 = unsigned __int128;

inline constexpr i128 i128_max = static_cast<i128>(~u128{0} >> 1);
inline constexpr i128 i128_min = -i128_max - 1;

// Bit count and unsigned partner of the signed compute types (std traits ignore __int128
// in strict ISO mode).
template <class T> struct int_traits;
template <> struct int_traits<std::int32_t> { static constexpr int bits = 32; using unsigned_type = std::uint32_t; };
template <> struct int_traits<std::int64_t> { static constexpr int bits = 64; using unsigned_type = std::uint64_t; };
template <> struct int_traits<i128> { static constexpr int bits = 128; using unsigned_type = u128; };
template <class T> inline constexpr int bits_of = int_traits<T>::bits;
template <class T> using unsigned_of = typename int_traits<T>::unsigned_type;

// Smallest signed compute type with at least `bits` bits.
template <int Bits>
using compute_t = std::conditional_t<Bits <= 32, std::int32_t,
                                     std::conditional_t<Bits <= 64, std::int64_t, i128>>;

// 2^n in T for 0 <= n <= bits_of<T> - 2.
template <class T>
[[nodiscard]] constexpr T pow2(int n) noexcept {
  return static_cast<T>(unsigned_of<T>{1} << n);
}

// Arithmetic shift right, defined for every n >= 0 (n >= bits-1 gives 0 or -1).
template <class T>
[[nodiscard]] constexpr T asr(T x, int n) noexcept {
  if (n >= bits_of<T> - 1) return x < 0 ? T(-1) : T(0);
  return static_cast<T>(x >> n);
}

// x * 2^n for a result known to fit T (defined for negative x, unlike a plain shift).
template <class T>
[[nodiscard]] constexpr T shl(T x, int n) noexcept {
  return static_cast<T>(static_cast<unsigned_of<T>>(x) << n);
}

// Bit i of the infinite two's-complement expansion of x.
template <class T>
[[nodiscard]] constexpr bool bit(T x, int i) noexcept {
  return static_cast<bool>(asr(x, i) & 1);
}

// True when any of the bits [0, n) of x is set (n may exceed the width: sign bits count).
template <class T>
[[nodiscard]] constexpr bool low_bits_nonzero(T x, int n) noexcept {
  if (n <= 0) return false;
  if (n >= bits_of<T>) return x != 0;
  using U = unsigned_of<T>;
  return (static_cast<U>(x) & ((U{1} << n) - 1)) != 0;
}

// Bits [lo, lo+k) of x as an unsigned value, 0 <= k <= 32.
template <class T>
[[nodiscard]] constexpr std::uint64_t field(T x, int lo, int k) noexcept {
  const std::uint64_t mask = (std::uint64_t{1} << k) - 1;
  return static_cast<std::uint64_t>(asr(x, lo)) & mask;
}

// Position of the most significant set bit of |x| (x != 0).
[[nodiscard]] constexpr int msb_of_magnitude(i128 x) noexcept {
  const u128 mag = x < 0 ? u128{0} - static_cast<u128>(x) : static_cast<u128>(x);
  const auto hi = static_cast<std::uint64_t>(mag >> 64);
  const auto lo = static_cast<std::uint64_t>(mag);
  return hi != 0 ? 127 - std::countl_zero(hi) : 63 - std::countl_zero(lo);
}

// Sign-extend (or zero-extend) the low `width` bits of x.
template <class T>
[[nodiscard]] constexpr T extend(unsigned_of<T> x, int width, bool is_signed) noexcept {
  using U = unsigned_of<T>;
  if (width >= bits_of<T>) return static_cast<T>(x);
  const U mask = (U{1} << width) - 1;
  x &= mask;
  if (is_signed && ((x >> (width - 1)) & 1)) x |= ~mask;
  return static_cast<T>(x);
}

}  // namespace lop::detail
