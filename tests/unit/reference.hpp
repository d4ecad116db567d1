// An exact reference for lop's fixed-point semantics, written from the mathematical
// definitions and sharing no code with lop's implementation: lop's headers are used only
// for the plain descriptor struct (lop::fixed_format) and its enums.
//
// Values are integers in a fixed-size two's-complement `wide<L>` (64*L bits) with their own
// limb arithmetic; a fixed-point value is (raw, frac) meaning raw * 2^-frac.
#pragma once
#include <array>
#include <cmath>
#include <limits>
#include <compare>
#include <cstdint>
#include <string>
#include <string_view>

#include "lop/format.hpp"

namespace ref {

__extension__ using i128 = __int128;
__extension__ using u128 = unsigned __int128;

inline std::string str(i128 v) {
  if (v == 0) return "0";
  const bool neg = v < 0;
  u128 m = neg ? u128{0} - static_cast<u128>(v) : static_cast<u128>(v);
  std::string s;
  while (m != 0) {
    s.insert(s.begin(), static_cast<char>('0' + static_cast<int>(m % 10)));
    m /= 10;
  }
  return neg ? "-" + s : s;
}

// A 64*L-bit two's-complement integer.
template <int L>
struct wide {
  static constexpr int bits = 64 * L;
  std::array<std::uint64_t, L> w{};

  constexpr wide() = default;
  constexpr wide(i128 v) {  // NOLINT(google-explicit-constructor)
    const auto u = static_cast<u128>(v);
    w[0] = static_cast<std::uint64_t>(u);
    if constexpr (L > 1) w[1] = static_cast<std::uint64_t>(u >> 64);
    const std::uint64_t fill = v < 0 ? ~std::uint64_t{0} : 0;
    for (int i = 2; i < L; ++i) w[i] = fill;
  }
  // 2^n, 0 <= n <= bits - 2.
  static constexpr wide pow2(int n) {
    wide r;
    r.w[n / 64] = std::uint64_t{1} << (n % 64);
    return r;
  }
  [[nodiscard]] constexpr bool negative() const { return (w[L - 1] >> 63) != 0; }
  [[nodiscard]] constexpr bool is_zero() const {
    for (auto x : w)
      if (x != 0) return false;
    return true;
  }
  friend constexpr wide operator+(const wide& a, const wide& b) {
    wide r;
    std::uint64_t carry = 0;
    for (int i = 0; i < L; ++i) {
      const u128 s = static_cast<u128>(a.w[i]) + b.w[i] + carry;
      r.w[i] = static_cast<std::uint64_t>(s);
      carry = static_cast<std::uint64_t>(s >> 64);
    }
    return r;
  }
  constexpr wide operator~() const {
    wide r;
    for (int i = 0; i < L; ++i) r.w[i] = ~w[i];
    return r;
  }
  constexpr wide operator-() const { return ~*this + wide(1); }
  friend constexpr wide operator-(const wide& a, const wide& b) { return a + (-b); }
  // Product modulo 2^bits (equals the signed product when it fits).
  friend constexpr wide operator*(const wide& a, const wide& b) {
    wide r;
    for (int i = 0; i < L; ++i) {
      std::uint64_t carry = 0;
      for (int j = 0; i + j < L; ++j) {
        const u128 t = static_cast<u128>(a.w[i]) * b.w[j] + r.w[i + j] + carry;
        r.w[i + j] = static_cast<std::uint64_t>(t);
        carry = static_cast<std::uint64_t>(t >> 64);
      }
    }
    return r;
  }
  // x * 2^n (n >= 0), modulo 2^bits.
  [[nodiscard]] constexpr wide shl(int n) const {
    wide r;
    if (n >= bits) return r;
    const int q = n / 64, s = n % 64;
    for (int i = L - 1; i >= 0; --i) {
      const int src = i - q;
      if (src < 0) continue;
      std::uint64_t v = w[src] << s;
      if (s != 0 && src >= 1) v |= w[src - 1] >> (64 - s);
      r.w[i] = v;
    }
    return r;
  }
  // floor(x / 2^n), n >= 0.
  [[nodiscard]] constexpr wide shr_floor(int n) const {
    const std::uint64_t fill = negative() ? ~std::uint64_t{0} : 0;
    wide r;
    if (n >= bits) {
      for (auto& x : r.w) x = fill;
      return r;
    }
    const int q = n / 64, s = n % 64;
    for (int i = 0; i < L; ++i) {
      const int src = i + q;
      const std::uint64_t lo = src < L ? w[src] : fill;
      const std::uint64_t hi = src + 1 < L ? w[src + 1] : fill;
      r.w[i] = s == 0 ? lo : (lo >> s) | (hi << (64 - s));
    }
    return r;
  }
  // x mod 2^n, in [0, 2^n), 0 <= n < bits.
  [[nodiscard]] constexpr wide mod_pow2(int n) const {
    wide r = *this;
    for (int i = 0; i < L; ++i) {
      const int lo = 64 * i;
      if (lo >= n) r.w[i] = 0;
      else if (n - lo < 64) r.w[i] &= (std::uint64_t{1} << (n - lo)) - 1;
    }
    return r;
  }
  friend constexpr std::strong_ordering operator<=>(const wide& a, const wide& b) {
    if (a.negative() != b.negative()) return a.negative() ? std::strong_ordering::less : std::strong_ordering::greater;
    for (int i = L - 1; i >= 0; --i)
      if (a.w[i] != b.w[i]) return a.w[i] < b.w[i] ? std::strong_ordering::less : std::strong_ordering::greater;
    return std::strong_ordering::equal;
  }
  friend constexpr bool operator==(const wide& a, const wide& b) { return a.w == b.w; }

  [[nodiscard]] constexpr i128 to_i128_unchecked() const {
    if constexpr (L == 1) return static_cast<std::int64_t>(w[0]);
    else return static_cast<i128>((static_cast<u128>(w[1]) << 64) | w[0]);
  }
  [[nodiscard]] constexpr bool fits_i128() const { return wide(to_i128_unchecked()) == *this; }
  [[nodiscard]] constexpr std::uint64_t low64() const { return w[0]; }

  [[nodiscard]] constexpr wide abs() const { return negative() ? -*this : *this; }
  // x * k + add for small non-negative k, add (used by the decimal parser).
  [[nodiscard]] constexpr wide mul_add_small(std::uint32_t k, std::uint32_t add) const {
    wide r;
    u128 carry = add;
    for (int i = 0; i < L; ++i) {
      const u128 t = static_cast<u128>(w[i]) * k + carry;
      r.w[i] = static_cast<std::uint64_t>(t);
      carry = t >> 64;
    }
    return r;
  }

  [[nodiscard]] std::string hex() const {
    static constexpr char digits[] = "0123456789abcdef";
    std::string s = negative() ? "-0x" : "0x";
    const wide m = abs();
    bool started = false;
    for (int i = L - 1; i >= 0; --i)
      for (int nib = 15; nib >= 0; --nib) {
        const auto d = static_cast<int>((m.w[i] >> (4 * nib)) & 15);
        if (d != 0) started = true;
        if (started) s += digits[d];
      }
    if (!started) s += '0';
    return s;
  }
};

using Z = wide<4>;  // 256 bits: enough for every |x| < 2^128 scaled by up to 2^127 (see quantize)

// ---------------------------------------------------------------------------------------------
// Rounding: the integer nearest to x / 2^d (d >= 1) chosen by `mode`.
// fl = floor(x / 2^d), r = x - fl * 2^d in [0, 2^d); x / 2^d = fl + r / 2^d.
inline Z round_shift(const Z& x, int d, lop::rounding mode, std::uint32_t rnd) {
  const Z fl = x.shr_floor(d);
  const Z r = x - fl.shl(d);
  const auto half = r.shl(1) <=> Z::pow2(d);  // r / 2^d compared with 1/2
  bool up = false;
  switch (mode) {
    case lop::rounding::floor: up = false; break;
    case lop::rounding::toward_zero: up = x.negative() && !r.is_zero(); break;
    case lop::rounding::half_up: up = half >= 0; break;  // floor(x + 1/2)
    case lop::rounding::half_away: up = half > 0 || (half == 0 && !x.negative()); break;
    case lop::rounding::half_even: up = half > 0 || (half == 0 && (fl.low64() & 1) != 0); break;
    case lop::rounding::ceil: up = !r.is_zero(); break;  // ceil(x / 2^d)
    case lop::rounding::stochastic: {
      // Round up iff (top k dropped bits) + (rnd mod 2^k) >= 2^k, k = min(d, 32).
      const int k = d < 32 ? d : 32;
      const std::uint64_t top = r.shr_floor(d - k).low64();
      const std::uint64_t rk = k == 32 ? rnd : (rnd & ((std::uint32_t{1} << k) - 1));
      up = top + rk >= (std::uint64_t{1} << k);
      break;
    }
  }
  return up ? fl + Z(1) : fl;
}

// Range of raw values of a format, as exact integers.
inline Z fmt_max(const lop::fixed_format& f) {
  return f.is_signed ? Z::pow2(f.width - 1) - Z(1) : Z::pow2(f.width) - Z(1);
}
inline Z fmt_min(const lop::fixed_format& f) { return f.is_signed ? -Z::pow2(f.width - 1) : Z(0); }

// Overflow handling of an integer q (already on dst's grid) into dst's raw range.
inline Z apply_overflow(const Z& q, const lop::fixed_format& dst) {
  const Z hi = fmt_max(dst);
  const Z lo = fmt_min(dst);
  switch (dst.ovf) {
    case lop::overflow::wrap: {  // q mod 2^w, taken into the signed or unsigned range
      Z m = q.mod_pow2(dst.width);
      if (dst.is_signed && m >= Z::pow2(dst.width - 1)) m = m - Z::pow2(dst.width);
      return m;
    }
    case lop::overflow::saturate: return q > hi ? hi : (q < lo ? lo : q);
    case lop::overflow::saturate_symmetric: {
      const Z l = dst.is_signed ? -hi : lo;
      return q > hi ? hi : (q < l ? l : q);
    }
    case lop::overflow::saturate_zero: return (q > hi || q < lo) ? Z(0) : q;
  }
  return q;
}

// The raw value of dst closest (per dst's modes) to x * 2^-src_frac. |x| < 2^127.
inline i128 quantize(i128 x, int src_frac, const lop::fixed_format& dst, std::uint32_t rnd = 0) {
  const long long d = static_cast<long long>(src_frac) - dst.frac;
  Z q;
  if (d > 0) {
    // With |x| < 2^127, every rounding decision is the same for all d >= 160: the value
    // x/2^d lies strictly between -1/2 and 1/2, r is x (x >= 0) or 2^d + x (x < 0), and the top
    // 32 dropped bits are all zeros or all ones. So d is capped at 200 (keeps 256 bits enough).
    q = round_shift(Z(x), static_cast<int>(d > 200 ? 200 : d), dst.round, rnd);
  } else {
    // x * 2^s for s >= 128 is either 0 or beyond every range (|bounds| <= 2^128), and is
    // 0 modulo 2^w for every w <= 128: capping s at 128 changes no result.
    q = Z(x).shl(static_cast<int>(-d > 128 ? 128 : -d));
  }
  return apply_overflow(q, dst).to_i128_unchecked();
}

// Exact comparison of a * 2^-fa and b * 2^-fb (|fa - fb| <= 120).
inline std::strong_ordering compare(i128 a, int fa, i128 b, int fb) {
  const int f = fa > fb ? fa : fb;
  return Z(a).shl(f - fa) <=> Z(b).shl(f - fb);
}

// Exact integer ranges, usable with i128 comparisons.
inline i128 raw_max(const lop::fixed_format& f) { return fmt_max(f).to_i128_unchecked(); }
inline i128 raw_min(const lop::fixed_format& f) { return fmt_min(f).to_i128_unchecked(); }
inline bool in_range(i128 v, const lop::fixed_format& f) { return Z(v) >= fmt_min(f) && Z(v) <= fmt_max(f); }

// got * 2^-r.frac == exact * 2^-fe, and got is a raw value of format `r`.
inline bool exact_in(i128 got, const lop::fixed_format& r, const Z& exact, int fe) {
  const int f = r.frac > fe ? r.frac : fe;
  return in_range(got, r) && Z(got).shl(f - r.frac) == exact.shl(f - fe);
}

// The truncated quotient of the documented operator/: q = trunc(a * 2^wb / b), checked by its
// defining inequalities |q*b| <= |n| < (|q|+1)*|b| with q of the sign of n/b (or zero).
inline bool is_trunc_quotient(i128 q, i128 a, int wb, i128 b) {
  const Z n = Z(a).shl(wb);
  const Z an = n.abs();
  if ((Z(q) * Z(b)).abs() > an) return false;
  if (!(an < (Z(q).abs() + Z(1)) * Z(b).abs())) return false;
  return q == 0 || (q < 0) == (n.negative() != (b < 0));
}

// IEEE double fields as an exact integer: v = mant * 2^-frac with mant the 53-bit significand
// (hidden bit included for normals; subnormals use frac 1074). Decomposed via frexp/ldexp.
struct dyadic {
  i128 mant;
  int frac;
};
inline dyadic decompose(double v) {
  if (v == 0) return {0, 1074};
  if (std::fabs(v) < std::numeric_limits<double>::min())  // subnormal: v = m * 2^-1074
    return {static_cast<std::int64_t>(std::ldexp(v, 1074)), 1074};
  int e = 0;
  const double fr = std::frexp(v, &e);  // v = fr * 2^e, 0.5 <= |fr| < 1
  return {static_cast<std::int64_t>(std::ldexp(fr, 53)), 53 - e};
}

inline int msb_of_magnitude(i128 v) {
  u128 m = v < 0 ? u128{0} - static_cast<u128>(v) : static_cast<u128>(v);
  int n = -1;
  while (m != 0) m >>= 1, ++n;
  return n;
}

// Correctly rounded (nearest-even) raw * 2^-frac in a binary floating type with p-bit
// significands, minimum normal exponent emin (value 2^emin) and largest finite value
// max_finite; computed with the reference rounding. Returns the value as a double.
inline double to_binary(i128 raw, int frac, int p, int emin, double max_finite) {
  if (raw == 0) return 0.0;
  const int e = msb_of_magnitude(raw) - frac;        // 2^e <= |value| < 2^(e+1)
  const int g = (p - 1) - (e > emin ? e : emin);     // the grid there is 2^-g
  const i128 m = quantize(raw, frac, lop::fixed_format{128, g, true, lop::rounding::half_even,
                                                       lop::overflow::wrap});
  // IEEE: a result rounded to zero keeps the sign of the exact value.
  if (m == 0) return raw < 0 ? -0.0 : 0.0;
  const double r = std::ldexp(static_cast<double>(static_cast<std::int64_t>(m)), -g);
  if (std::fabs(r) > max_finite) return raw < 0 ? -HUGE_VAL : HUGE_VAL;
  return r;
}
inline double to_double(i128 raw, int frac) {
  return to_binary(raw, frac, 53, -1022, std::numeric_limits<double>::max());
}
inline float to_float(i128 raw, int frac) {
  return static_cast<float>(to_binary(raw, frac, 24, -126, std::numeric_limits<float>::max()));
}

// Parse lop's decimal output "-123.4500" into numerator and number of fraction digits;
// returns false if it is not of the form -?(0|[1-9][0-9]*)(\.[0-9]*[1-9])?.
template <int L>
bool parse_decimal(std::string_view s, wide<L>& num, int& digits) {
  std::size_t i = 0;
  bool neg = false;
  if (i < s.size() && s[i] == '-') neg = true, ++i;
  const std::size_t int_start = i;
  while (i < s.size() && s[i] >= '0' && s[i] <= '9') ++i;
  const std::size_t int_len = i - int_start;
  if (int_len == 0) return false;
  if (int_len > 1 && s[int_start] == '0') return false;
  wide<L> n;
  for (std::size_t j = int_start; j < i; ++j) n = n.mul_add_small(10, static_cast<std::uint32_t>(s[j] - '0'));
  digits = 0;
  if (i < s.size()) {
    if (s[i] != '.') return false;
    ++i;
    const std::size_t fs = i;
    while (i < s.size() && s[i] >= '0' && s[i] <= '9') {
      n = n.mul_add_small(10, static_cast<std::uint32_t>(s[i] - '0'));
      ++i, ++digits;
    }
    if (i == fs || s[i - 1] == '0' || i != s.size()) return false;
  }
  if (neg && n.is_zero()) return false;  // no "-0"
  num = neg ? -n : n;
  return true;
}

// True when the decimal text equals raw * 2^-frac exactly (and is in canonical form).
template <int L>
bool decimal_equals(std::string_view s, i128 raw, int frac) {
  wide<L> num;
  int k = 0;
  if (!parse_decimal<L>(s, num, k)) return false;
  wide<L> ten_k(1);
  for (int i = 0; i < k; ++i) ten_k = ten_k.mul_add_small(10, 0);
  if (frac >= 0) return num.shl(frac) == wide<L>(raw) * ten_k;  // num/10^k == raw/2^frac
  return k == 0 && num == wide<L>(raw).shl(-frac);
}

}  // namespace ref
