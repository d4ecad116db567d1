// An exact reference for lop's custom floating point (docs/cfloat.md section 2), written from
// the contract's text and sharing no code with lop's implementation (include/lop/detail/
// float_core.hpp, include/lop/cfloat.hpp). From lop it uses only the plain descriptor struct
// lop::float_format and its enums; the fixed-point quantizer comes from the independent
// fixed-point reference tests/unit/reference.hpp (ref::quantize).
//
// How it works, in the simplest way that is obviously exact:
// - decode(): an encoding is NaN, +-Inf or (-1)^s * sig * 2^exp with an exact integer sig.
// - + - * and fma are exact dyadic arithmetic on a big natural number (nat); / is the exact
//   rational a/b and sqrt is the exact sqrt(y); they are never evaluated, only asked
//     floor_log2()      = floor(log2 |x|), and
//     scaled(s)         = floor(|x| / 2^s) and whether that floor is exact,
//   answered with integer shifts, long division (a/b) and integer square roots (sqrt).
// - R_F (round_prepared/finish) follows docs/cfloat.md step by step: e = floor(log2 |x|),
//   q = max(e, emin) - p, N = floor(|x|/2^q), D = the next 32 bits, sticky = anything below;
//   then the mode decides whether to add one, then overflow, zero, flush to zero, encode.
#pragma once
#include <bit>
#include <compare>
#include <cstdint>
#include <cstdlib>
#include <cstring>
#include <iterator>
#include <stdexcept>
#include <string>

#include "../unit/reference.hpp"
#include "lop/float_format.hpp"
#include "lop/format.hpp"

namespace fref {

using u32 = std::uint32_t;
using u64 = std::uint64_t;
using ref::i128;
using ref::u128;

// ---------------------------------------------------------------------------------------------
// nat: an unsigned integer of up to 64 * cap bits, little-endian limbs, no leading zero limbs.
struct nat {
  static constexpr int cap = 80;  // 5120 bits: fp64 fma needs about 3300
  int n = 0;
  u64 d[cap];  // only d[0..n) is meaningful

  nat() = default;
  // n is clamped to [0, cap] for the copies: always true, and it tells GCC so (otherwise
  // -O3 -march=native reports a false -Wstringop-overflow on the length).
  static std::size_t bytes(int limbs) { return sizeof(u64) * static_cast<std::size_t>(limbs < 0 ? 0 : (limbs > cap ? cap : limbs)); }
  nat(const nat& o) : n(o.n) { std::memcpy(d, o.d, bytes(n)); }
  nat& operator=(const nat& o) {
    n = o.n;
    std::memmove(d, o.d, bytes(n));
    return *this;
  }
  static nat of(u128 v) {
    nat r;
    r.d[0] = static_cast<u64>(v);
    r.d[1] = static_cast<u64>(v >> 64);
    r.n = 2;
    r.trim();
    return r;
  }
  void trim() {
    while (n > 0 && d[n - 1] == 0) --n;
  }
  static void need(int limbs) {
    if (limbs > cap) throw std::length_error("fref::nat: value too large for the reference");
  }
  [[nodiscard]] bool zero() const { return n == 0; }
  [[nodiscard]] bool fits128() const { return n <= 2; }
  [[nodiscard]] u128 to128() const {
    u128 v = 0;
    if (n > 0) v = d[0];
    if (n > 1) v |= static_cast<u128>(d[1]) << 64;
    return v;
  }
  [[nodiscard]] int bitlen() const { return n == 0 ? 0 : 64 * (n - 1) + (64 - std::countl_zero(d[n - 1])); }
  [[nodiscard]] bool bit(int i) const {
    const int l = i / 64;
    return l < n && ((d[l] >> (i % 64)) & 1U) != 0;
  }
  // True when the bits below position k are all zero.
  [[nodiscard]] bool low_zero(int k) const {
    for (int i = 0; i < n && 64 * i < k; ++i) {
      const int rem = k - 64 * i;
      const u64 m = rem >= 64 ? ~u64{0} : (u64{1} << rem) - 1;
      if ((d[i] & m) != 0) return false;
    }
    return true;
  }
  [[nodiscard]] nat shl(int k) const {
    if (n == 0) return *this;
    const int q = k / 64, s = k % 64;
    nat r;
    need(n + q + 1);
    r.n = n + q + 1;
    for (int j = 0; j < r.n; ++j) {  // limb j of x * 2^k takes bits from limbs j - q and j - q - 1
      const int i = j - q;
      const u64 lo = i >= 0 && i < n ? d[i] << s : 0;
      const u64 hi = s != 0 && i - 1 >= 0 && i - 1 < n ? d[i - 1] >> (64 - s) : 0;
      r.d[j] = lo | hi;
    }
    r.trim();
    return r;
  }
  [[nodiscard]] nat shr(int k) const {  // floor(x / 2^k)
    const int q = k / 64, s = k % 64;
    nat r;
    if (q >= n) return r;
    r.n = n - q;
    for (int i = 0; i < r.n; ++i) {
      u64 v = d[i + q] >> s;
      if (s != 0 && i + q + 1 < n) v |= d[i + q + 1] << (64 - s);
      r.d[i] = v;
    }
    r.trim();
    return r;
  }
  friend std::strong_ordering operator<=>(const nat& a, const nat& b) {
    if (a.n != b.n) return a.n <=> b.n;
    for (int i = a.n - 1; i >= 0; --i)
      if (a.d[i] != b.d[i]) return a.d[i] <=> b.d[i];
    return std::strong_ordering::equal;
  }
  friend bool operator==(const nat& a, const nat& b) { return (a <=> b) == 0; }
  friend nat operator+(const nat& a, const nat& b) {
    const int m = a.n > b.n ? a.n : b.n;
    need(m + 1);
    nat r;
    r.n = m + 1;
    u64 carry = 0;
    for (int i = 0; i < m; ++i) {
      const u128 s = static_cast<u128>(i < a.n ? a.d[i] : 0) + (i < b.n ? b.d[i] : 0) + carry;
      r.d[i] = static_cast<u64>(s);
      carry = static_cast<u64>(s >> 64);
    }
    r.d[m] = carry;
    r.trim();
    return r;
  }
  friend nat operator-(const nat& a, const nat& b) {  // requires a >= b
    if (a < b) throw std::logic_error("fref::nat: negative difference");
    nat r;
    r.n = a.n;
    u64 borrow = 0;
    for (int i = 0; i < a.n; ++i) {
      const u64 bi = i < b.n ? b.d[i] : 0;
      const u64 t = a.d[i] - bi - borrow;
      borrow = (a.d[i] < bi || (a.d[i] == bi && borrow != 0)) ? 1 : 0;
      r.d[i] = t;
    }
    r.trim();
    return r;
  }
  friend nat operator*(const nat& a, const nat& b) {
    if (a.n == 0 || b.n == 0) return nat{};
    need(a.n + b.n);
    nat r;
    r.n = a.n + b.n;
    // Column by column (each limb written once): limb k sums a[i] * b[k - i] in a 192-bit
    // accumulator (acc, plus the count of its overflows in acc_hi).
    u128 acc = 0;
    u64 acc_hi = 0;
    for (int k = 0; k < r.n; ++k) {
      for (int i = k - b.n + 1 > 0 ? k - b.n + 1 : 0; i < a.n && i <= k; ++i) {
        const u128 p = static_cast<u128>(a.d[i]) * b.d[k - i];
        acc += p;
        if (acc < p) ++acc_hi;
      }
      r.d[k] = static_cast<u64>(acc);
      acc = (acc >> 64) | (static_cast<u128>(acc_hi) << 64);
      acc_hi = 0;
    }
    r.trim();
    return r;
  }
  // Quotient and remainder (b != 0): schoolbook binary long division.
  static void divmod(const nat& a, const nat& b, nat& q, nat& r) {
    if (b.zero()) throw std::logic_error("fref::nat: division by zero");
    if (a.fits128() && b.fits128()) {
      q = of(a.to128() / b.to128());
      r = of(a.to128() % b.to128());
      return;
    }
    q = nat{};
    r = nat{};
    for (int i = a.bitlen() - 1; i >= 0; --i) {
      r = r.shl(1);
      if (a.bit(i)) r = r + of(1);
      if (r >= b) {
        r = r - b;
        q = q + of(1).shl(i);
      }
    }
  }
  // floor(sqrt(a)): the largest r with r*r <= a, found bit by bit from the top.
  static nat isqrt(const nat& a) {
    nat r;
    for (int i = (a.bitlen() + 1) / 2; i >= 0; --i) {
      const nat t = r + of(1).shl(i);
      if (t * t <= a) r = t;
    }
    return r;
  }
};

// ---------------------------------------------------------------------------------------------
// Exact magnitudes: a dyadic a*2^ea, a quotient (a*2^ea)/(b*2^eb), or sqrt(a*2^ea). Nonzero.
enum class mag_kind { dyadic, quotient, root };
struct magnitude {
  mag_kind kind = mag_kind::dyadic;
  nat a;
  int ea = 0;
  nat b;
  int eb = 0;

  // floor(log2 |x|).
  [[nodiscard]] int floor_log2() const {
    switch (kind) {
      case mag_kind::dyadic: return a.bitlen() - 1 + ea;
      case mag_kind::quotient: {
        // a/b lies in [2^L, 2^(L+1)) or [2^(L-1), 2^L) with L = bitlen(a) - bitlen(b).
        const int L = a.bitlen() - b.bitlen();
        const nat lhs = L < 0 ? a.shl(-L) : a;
        const nat rhs = L > 0 ? b.shl(L) : b;
        return (lhs < rhs ? L - 1 : L) + ea - eb;
      }
      case mag_kind::root: {  // ea is even (see make_root)
        const int ly = a.bitlen() - 1 + ea;  // floor(log2 y)
        return ly >= 0 ? ly / 2 : -((-ly + 1) / 2);  // floor(ly / 2)
      }
    }
    return 0;
  }
  // floor(|x| / 2^s) and whether |x| / 2^s is an integer.
  [[nodiscard]] nat scaled(int s, bool& exact) const {
    switch (kind) {
      case mag_kind::dyadic: {
        const int k = ea - s;
        if (k >= 0) {
          exact = true;
          return a.shl(k);
        }
        exact = a.low_zero(-k);
        return a.shr(-k);
      }
      case mag_kind::quotient: {
        const int k = ea - eb - s;  // |x| / 2^s = a * 2^k / b
        const nat num = k > 0 ? a.shl(k) : a;
        const nat den = k < 0 ? b.shl(-k) : b;
        nat q, r;
        nat::divmod(num, den, q, r);
        exact = r.zero();
        return q;
      }
      case mag_kind::root: {
        const int k = ea - 2 * s;  // |x| / 2^s = sqrt(a * 2^k), k even
        const bool lost = k < 0 && !a.low_zero(-k);
        const nat y = k >= 0 ? a.shl(k) : a.shr(-k);  // floor(sqrt(z)) == floor(sqrt(floor(z)))
        const nat r = nat::isqrt(y);
        exact = !lost && r * r == y;
        return r;
      }
    }
    exact = true;
    return nat{};
  }
};

// An exact value: NaN, +-Inf, or (-1)^neg * |x| with |x| a magnitude (or zero).
enum class vkind { nan, inf, zero, finite };
struct value {
  vkind kind = vkind::zero;
  bool neg = false;
  // Exact cancellation x + (-x) or (+0) + (-0): the sign is +, or - when rounding `floor`.
  bool floor_sign_zero = false;
  magnitude mag;  // for finite: nonzero
};

inline value make_nan() { return value{vkind::nan, false, false, {}}; }
inline value make_inf(bool neg) { return value{vkind::inf, neg, false, {}}; }
inline value make_zero(bool neg) { return value{vkind::zero, neg, false, {}}; }
inline value make_dyadic(bool neg, const nat& sig, int exp) {
  if (sig.zero()) return make_zero(neg);
  value v{vkind::finite, neg, false, {}};
  v.mag.kind = mag_kind::dyadic;
  v.mag.a = sig;
  v.mag.ea = exp;
  return v;
}

// ---------------------------------------------------------------------------------------------
// Encodings, written from the tables of docs/cfloat.md section 1.
inline int wid(const lop::float_format& f) { return 1 + f.exp_bits + f.man_bits; }
inline u64 mask(int bits) { return bits >= 64 ? ~u64{0} : (u64{1} << bits) - 1; }
inline u64 signbit(const lop::float_format& f) { return u64{1} << (f.exp_bits + f.man_bits); }
inline int emin(const lop::float_format& f) { return 1 - f.bias; }

inline value decode(const lop::float_format& f, u64 bits) {
  bits &= mask(wid(f));
  const bool s = (bits & signbit(f)) != 0;
  const u64 field = (bits >> f.man_bits) & mask(f.exp_bits);
  const u64 man = bits & mask(f.man_bits);
  const u64 top = mask(f.exp_bits);
  switch (f.enc) {
    case lop::specials::ieee:
      if (field == top) return man == 0 ? make_inf(s) : make_nan();
      break;
    case lop::specials::fn:
      if (field == top && man == mask(f.man_bits)) return make_nan();
      break;
    case lop::specials::fnuz:
      if (s && field == 0 && man == 0) return make_nan();
      break;
    case lop::specials::none: break;
  }
  if (field == 0) {
    if (!f.subnormals) return make_zero(s);
    return make_dyadic(s, nat::of(man), emin(f) - f.man_bits);  // 0.M * 2^emin
  }
  return make_dyadic(s, nat::of((u64{1} << f.man_bits) | man),
                     static_cast<int>(field) - f.bias - f.man_bits);  // 1.M * 2^(field-bias)
}

inline bool has_inf(const lop::float_format& f) { return f.enc == lop::specials::ieee; }
inline bool has_nan(const lop::float_format& f) { return f.enc != lop::specials::none; }

// The canonical NaN of docs/cfloat.md: ieee quiet NaN 0.1..1.10..0; fn 0.1..1.1..1; fnuz 1.0..0.
inline u64 canonical_nan(const lop::float_format& f) {
  switch (f.enc) {
    case lop::specials::ieee: return (mask(f.exp_bits) << f.man_bits) | (u64{1} << (f.man_bits - 1));
    case lop::specials::fn: return mask(f.exp_bits + f.man_bits);
    case lop::specials::fnuz: return signbit(f);
    case lop::specials::none: break;
  }
  return 0;  // none: no NaN; a NaN result is +0
}
inline u64 inf_bits(const lop::float_format& f, bool neg) {
  return (mask(f.exp_bits) << f.man_bits) | (neg ? signbit(f) : 0);
}
inline u64 zero_bits(const lop::float_format& f, bool neg) {
  return neg && f.enc != lop::specials::fnuz ? signbit(f) : 0;
}

// The largest finite value, as the largest finite decoding among the encodings that can hold
// it: the top two exponent fields with the top two mantissas.
struct maxval {
  u64 bits = 0;  // positive encoding
  u64 sig = 0;
  int exp = 0;
};
inline maxval max_finite_of(const lop::float_format& f) {
  maxval best;
  bool found = false;
  const u64 top = mask(f.exp_bits);
  for (u64 field : {top, top - 1}) {
    if (field == 0) continue;
    for (u64 man : {mask(f.man_bits), mask(f.man_bits) - 1}) {
      if (man > mask(f.man_bits)) continue;  // man_bits 0: only mantissa 0
      const u64 b = (field << f.man_bits) | man;
      const value v = decode(f, b);
      if (v.kind != vkind::finite) continue;
      const u64 sig = v.mag.a.to128() > 0 ? static_cast<u64>(v.mag.a.to128()) : 0;
      const int ex = v.mag.ea;
      // Compare sig*2^ex with best (both are normal values with man_bits+1 significand bits).
      const bool larger = !found || ex > best.exp || (ex == best.exp && sig > best.sig);
      if (larger) best = {b, sig, ex}, found = true;
    }
  }
  if (!found) throw std::logic_error("fref: format without a finite normal value");
  return best;
}

using F = lop::float_format;

// ---------------------------------------------------------------------------------------------
// R_F, split into the part that depends only on the grid (prepare) and the mode (finish).
struct prepared {
  vkind kind = vkind::zero;
  bool neg = false;
  bool floor_sign_zero = false;
  int q = 0;           // quantum exponent
  u64 N = 0;           // floor(|x| / 2^q)
  u32 D = 0;           // the first 32 dropped bits
  bool sticky = false;  // anything below them
};

inline prepared prepare(const lop::float_format& f, const value& v) {
  prepared p;
  p.kind = v.kind;
  p.neg = v.neg;
  p.floor_sign_zero = v.floor_sign_zero;
  if (v.kind != vkind::finite) return p;
  const int e = v.mag.floor_log2();
  const int em = emin(f);
  p.q = (e > em ? e : em) - f.man_bits;
  const int s = p.q - 32;
  if (e < s) {  // |x| < 2^(e+1) <= 2^s: nothing above the 32 bits, something below
    p.N = 0, p.D = 0, p.sticky = true;
    return p;
  }
  bool exact = false;
  const nat S = v.mag.scaled(s, exact);  // < 2^(e - s + 1) <= 2^(man_bits + 34)
  if (!S.fits128()) throw std::logic_error("fref: scaled value too large");
  const u128 s128 = S.to128();
  p.N = static_cast<u64>(s128 >> 32);
  p.D = static_cast<u32>(s128);
  p.sticky = !exact;
  return p;
}

// Whether the magnitude N + (D + sticky)/2^32 rounds up in mode m for the sign neg (r: draw).
inline bool rounds_up(lop::rounding m, bool neg, u64 N, u32 D, bool sticky, u32 r) {
  const bool inexact = D != 0 || sticky;
  const u32 half = u32{1} << 31;
  const bool above_half = D > half || (D == half && sticky);
  const bool tie = D == half && !sticky;
  switch (m) {
    case lop::rounding::half_even: return above_half || (tie && (N & 1U) != 0);
    case lop::rounding::half_away: return above_half || tie;
    case lop::rounding::half_up: return above_half || (tie && !neg);  // ties toward +inf
    case lop::rounding::toward_zero: return false;
    case lop::rounding::floor: return neg && inexact;  // toward -inf
    case lop::rounding::ceil: return !neg && inexact;  // toward +inf
    case lop::rounding::stochastic: return u64{D} + u64{r} >= (u64{1} << 32);
  }
  return false;
}

// Exact comparison of M * 2^q with sig * 2^exp (M, sig > 0).
inline std::strong_ordering cmp_dyadic(u64 M, int q, u64 sig, int exp) {
  const int lo = q < exp ? q : exp;
  if (q - lo < 64 && exp - lo < 64)  // both fit in 128 bits
    return (static_cast<u128>(M) << (q - lo)) <=> (static_cast<u128>(sig) << (exp - lo));
  return nat::of(M).shl(q - lo) <=> nat::of(sig).shl(exp - lo);
}

inline u64 finish(const lop::float_format& f, const prepared& p, u32 rnd) {
  switch (p.kind) {
    case vkind::nan: return canonical_nan(f);  // none: +0
    case vkind::zero: {
      const bool neg = p.floor_sign_zero ? f.round == lop::rounding::floor : p.neg;
      return zero_bits(f, neg);
    }
    case vkind::inf:
      if (has_inf(f)) return inf_bits(f, p.neg);
      // No Inf: an exact infinity is an overflow: saturate -> max finite, infinity -> NaN.
      if (f.ovf == lop::float_overflow::saturate) return max_finite_of(f).bits | (p.neg ? signbit(f) : 0);
      return canonical_nan(f);
    case vkind::finite: break;
  }
  const u64 M = p.N + (rounds_up(f.round, p.neg, p.N, p.D, p.sticky, rnd) ? 1 : 0);
  if (M == 0) return zero_bits(f, p.neg);  // rounds to zero: sign of x
  // max_finite_of decodes four words: remember it for the last encoding (round and ovf do
  // not change it).
  thread_local F cached_format{};
  thread_local maxval cached_max = max_finite_of(cached_format);
  if (cached_format.exp_bits != f.exp_bits || cached_format.man_bits != f.man_bits ||
      cached_format.bias != f.bias || cached_format.subnormals != f.subnormals || cached_format.enc != f.enc)
    cached_format = f, cached_max = max_finite_of(f);
  const maxval mx = cached_max;
  if (cmp_dyadic(M, p.q, mx.sig, mx.exp) > 0) {  // overflow
    const u64 maxb = mx.bits | (p.neg ? signbit(f) : 0);
    if (f.ovf == lop::float_overflow::saturate) return maxb;
    const bool toward_zero = f.round == lop::rounding::toward_zero ||
                             (f.round == lop::rounding::floor && !p.neg) ||
                             (f.round == lop::rounding::ceil && p.neg);
    if (toward_zero) return maxb;
    return has_inf(f) ? inf_bits(f, p.neg) : canonical_nan(f);
  }
  const int p_bits = f.man_bits;
  if (!f.subnormals && cmp_dyadic(M, p.q, 1, emin(f)) < 0) return zero_bits(f, p.neg);  // flush
  u64 m = M;
  int q = p.q;
  if (m == (u64{1} << (p_bits + 1))) m >>= 1, ++q;  // carried into the next binade
  u64 bits = 0;
  if (m >= (u64{1} << p_bits)) {
    const long long field = static_cast<long long>(q) + p_bits + f.bias;
    if (field < 1 || field > static_cast<long long>(mask(f.exp_bits)))
      throw std::logic_error("fref: exponent field out of range");
    bits = (static_cast<u64>(field) << p_bits) | (m - (u64{1} << p_bits));
  } else {
    if (q != emin(f) - p_bits) throw std::logic_error("fref: subnormal off the subnormal grid");
    bits = m;  // field 0
  }
  if (p.neg) bits |= signbit(f);
  return bits;
}

inline u64 round(const lop::float_format& f, const value& v, u32 rnd) { return finish(f, prepare(f, v), rnd); }

// ---------------------------------------------------------------------------------------------
// Exact operations (IEEE 754 special-value rules, docs/cfloat.md "Special values").
inline value negate(value v) {
  if (v.kind != vkind::nan) v.neg = !v.neg;
  return v;
}

// Signed dyadic sum of two finite (possibly zero) dyadic values.
inline value exact_sum(const value& x, const value& y) {
  if (x.kind == vkind::zero && y.kind == vkind::zero) {
    if (x.neg == y.neg) return make_zero(x.neg);
    value z = make_zero(false);
    z.floor_sign_zero = true;
    return z;
  }
  if (x.kind == vkind::zero) return y;
  if (y.kind == vkind::zero) return x;
  const int lo = x.mag.ea < y.mag.ea ? x.mag.ea : y.mag.ea;
  const nat a = x.mag.a.shl(x.mag.ea - lo);
  const nat b = y.mag.a.shl(y.mag.ea - lo);
  if (x.neg == y.neg) return make_dyadic(x.neg, a + b, lo);
  const auto c = a <=> b;
  if (c == 0) {
    value z = make_zero(false);
    z.floor_sign_zero = true;
    return z;
  }
  return c > 0 ? make_dyadic(x.neg, a - b, lo) : make_dyadic(y.neg, b - a, lo);
}
inline value exact_product(const value& x, const value& y) {  // finite operands
  const bool neg = x.neg != y.neg;
  if (x.kind == vkind::zero || y.kind == vkind::zero) return make_zero(neg);
  return make_dyadic(neg, x.mag.a * y.mag.a, x.mag.ea + y.mag.ea);
}

inline value op_add(const value& x, const value& y) {
  if (x.kind == vkind::nan || y.kind == vkind::nan) return make_nan();
  if (x.kind == vkind::inf && y.kind == vkind::inf) return x.neg == y.neg ? x : make_nan();
  if (x.kind == vkind::inf) return x;
  if (y.kind == vkind::inf) return y;
  return exact_sum(x, y);
}
inline value op_sub(const value& x, const value& y) { return op_add(x, negate(y)); }
inline value op_mul(const value& x, const value& y) {
  if (x.kind == vkind::nan || y.kind == vkind::nan) return make_nan();
  const bool neg = x.neg != y.neg;
  if (x.kind == vkind::inf || y.kind == vkind::inf) {
    if (x.kind == vkind::zero || y.kind == vkind::zero) return make_nan();  // 0 * Inf
    return make_inf(neg);
  }
  return exact_product(x, y);
}
inline value op_div(const value& x, const value& y) {
  if (x.kind == vkind::nan || y.kind == vkind::nan) return make_nan();
  const bool neg = x.neg != y.neg;
  if (x.kind == vkind::inf) return y.kind == vkind::inf ? make_nan() : make_inf(neg);
  if (y.kind == vkind::inf) return make_zero(neg);
  if (y.kind == vkind::zero) return x.kind == vkind::zero ? make_nan() : make_inf(neg);
  if (x.kind == vkind::zero) return make_zero(neg);
  value v{vkind::finite, neg, false, {}};
  v.mag.kind = mag_kind::quotient;
  v.mag.a = x.mag.a;
  v.mag.ea = x.mag.ea;
  v.mag.b = y.mag.a;
  v.mag.eb = y.mag.ea;
  return v;
}
inline value op_sqrt(const value& x) {
  if (x.kind == vkind::nan) return make_nan();
  if (x.kind == vkind::zero) return x;  // sqrt(+-0) = +-0
  if (x.neg) return make_nan();         // includes -Inf
  if (x.kind == vkind::inf) return x;
  value v{vkind::finite, false, false, {}};
  v.mag.kind = mag_kind::root;
  v.mag.a = x.mag.a;
  v.mag.ea = x.mag.ea;
  if ((v.mag.ea & 1) != 0) v.mag.a = v.mag.a.shl(1), v.mag.ea -= 1;  // make the exponent even
  return v;
}
inline value op_fma(const value& x, const value& y, const value& z) {
  if (x.kind == vkind::nan || y.kind == vkind::nan || z.kind == vkind::nan) return make_nan();
  if (x.kind == vkind::inf || y.kind == vkind::inf) {
    const value prod = op_mul(x, y);  // NaN (0 * Inf) or +-Inf
    return op_add(prod, z);          // NaN, Inf - Inf = NaN, or Inf
  }
  if (z.kind == vkind::inf) return z;
  return exact_sum(exact_product(x, y), z);
}

// ---------------------------------------------------------------------------------------------
// Values of native and fixed-point numbers.
inline constexpr lop::float_format fp64_format{11, 52, 1023, true, lop::specials::ieee,
                                               lop::rounding::half_even, lop::float_overflow::infinity};
inline constexpr lop::float_format fp32_format{8, 23, 127, true, lop::specials::ieee,
                                               lop::rounding::half_even, lop::float_overflow::infinity};
inline u64 double_bits(double v) { return std::bit_cast<u64>(v); }
inline double bits_double(u64 b) { return std::bit_cast<double>(b); }
inline u32 float_bits(float v) { return std::bit_cast<u32>(v); }
inline float bits_float(u32 b) { return std::bit_cast<float>(b); }
inline value of_double(double v) { return decode(fp64_format, double_bits(v)); }
inline value of_fixed(i128 raw, int frac) {
  const bool neg = raw < 0;
  const u128 m = neg ? u128{0} - static_cast<u128>(raw) : static_cast<u128>(raw);
  return make_dyadic(neg, nat::of(m), -frac);
}

// ---------------------------------------------------------------------------------------------
// The lop::detail signatures, computed by the reference.
inline u64 convert(const F& to, const F& from, u64 a, u32 rnd) { return round(to, decode(from, a), rnd); }
inline u64 add(const F& r, const F& fa, u64 a, const F& fb, u64 b, u32 rnd) {
  return round(r, op_add(decode(fa, a), decode(fb, b)), rnd);
}
inline u64 sub(const F& r, const F& fa, u64 a, const F& fb, u64 b, u32 rnd) {
  return round(r, op_sub(decode(fa, a), decode(fb, b)), rnd);
}
inline u64 mul(const F& r, const F& fa, u64 a, const F& fb, u64 b, u32 rnd) {
  return round(r, op_mul(decode(fa, a), decode(fb, b)), rnd);
}
inline u64 div(const F& r, const F& fa, u64 a, const F& fb, u64 b, u32 rnd) {
  return round(r, op_div(decode(fa, a), decode(fb, b)), rnd);
}
inline u64 sqrt(const F& r, const F& fa, u64 a, u32 rnd) { return round(r, op_sqrt(decode(fa, a)), rnd); }
inline u64 fma(const F& r, const F& fa, u64 a, const F& fb, u64 b, const F& fc, u64 c, u32 rnd) {
  return round(r, op_fma(decode(fa, a), decode(fb, b), decode(fc, c)), rnd);
}
inline u64 from_double(const F& r, double v, u32 rnd) { return round(r, of_double(v), rnd); }
inline u64 from_fixed(const F& r, const lop::fixed_format& g, i128 raw, u32 rnd) {
  return round(r, of_fixed(raw, g.frac), rnd);
}
// The double nearest (ties to even) to the value; NaN for NaN.
inline double to_double(const F& f, u64 bits) { return bits_double(convert(fp64_format, f, bits, 0)); }
// The fixed quantizer applied to the exact value; NaN -> 0; +-Inf -> the saturated extreme
// of the overflow mode (saturate_zero: 0; saturate_symmetric: +-max; otherwise max / min).
inline i128 to_fixed(const lop::fixed_format& g, const F& f, u64 bits, u32 rnd) {
  const value v = decode(f, bits);
  switch (v.kind) {
    case vkind::nan: return 0;
    case vkind::zero: return 0;
    case vkind::inf:
      if (g.ovf == lop::overflow::saturate_zero) return 0;
      if (!v.neg) return ref::raw_max(g);
      if (g.ovf == lop::overflow::saturate_symmetric && g.is_signed) return -ref::raw_max(g);
      return ref::raw_min(g);
    case vkind::finite: break;
  }
  const i128 sig = static_cast<i128>(v.mag.a.to128());  // <= 53 bits
  return ref::quantize(v.neg ? -sig : sig, -v.mag.ea, g, rnd);
}
inline std::partial_ordering compare(const F& fa, u64 a, const F& fb, u64 b) {
  const value x = decode(fa, a), y = decode(fb, b);
  if (x.kind == vkind::nan || y.kind == vkind::nan) return std::partial_ordering::unordered;
  // Order: sign, then magnitude (Inf largest, zeros equal regardless of sign).
  auto signed_rank = [](const value& v) { return v.kind == vkind::zero ? 0 : (v.neg ? -1 : 1); };
  const int sx = signed_rank(x), sy = signed_rank(y);
  if (sx != sy) return sx < sy ? std::partial_ordering::less : std::partial_ordering::greater;
  if (sx == 0) return std::partial_ordering::equivalent;
  std::strong_ordering m = std::strong_ordering::equal;  // |x| <=> |y|
  if (x.kind == vkind::inf || y.kind == vkind::inf) {
    m = (x.kind == vkind::inf) == (y.kind == vkind::inf) ? std::strong_ordering::equal
        : x.kind == vkind::inf                          ? std::strong_ordering::greater
                                                        : std::strong_ordering::less;
  } else {
    const int lo = x.mag.ea < y.mag.ea ? x.mag.ea : y.mag.ea;
    m = x.mag.a.shl(x.mag.ea - lo) <=> y.mag.a.shl(y.mag.ea - lo);
  }
  if (m == 0) return std::partial_ordering::equivalent;
  const bool less = (m < 0) != (sx < 0);
  return less ? std::partial_ordering::less : std::partial_ordering::greater;
}

// ---------------------------------------------------------------------------------------------
// Messages.
inline std::string hex(u64 v) {
  static constexpr char digits[] = "0123456789abcdef";
  std::string s;
  do {
    s.insert(s.begin(), digits[v & 15U]);
    v >>= 4;
  } while (v != 0);
  return "0x" + s;
}
inline std::string show(const F& f, u64 bits) {
  const value v = decode(f, bits);
  std::string s = hex(bits) + " (";
  switch (v.kind) {
    case vkind::nan: s += "NaN"; break;
    case vkind::inf: s += v.neg ? "-Inf" : "+Inf"; break;
    case vkind::zero: s += v.neg ? "-0" : "+0"; break;
    case vkind::finite: {
      s += v.neg ? "-" : "+";
      s += hex(static_cast<u64>(v.mag.a.to128())) + "p" + std::to_string(v.mag.ea);
      break;
    }
  }
  return s + ")";
}
inline std::string mode_name(const F& f, u32 rnd) {
  std::string s{lop::to_string(f.round)};
  if (f.round == lop::rounding::stochastic) s += "(r=" + hex(rnd) + ")";
  return s;
}

// ---------------------------------------------------------------------------------------------
// Test helpers: a seeded generator and the run-time scale of the random test counts.
namespace testing {

// SplitMix64: small, fast, and the same sequence on every platform.
struct splitmix64 {
  u64 state;
  explicit splitmix64(u64 seed) : state(seed) {}
  u64 operator()() {
    u64 z = (state += 0x9E3779B97F4A7C15ULL);
    z = (z ^ (z >> 30)) * 0xBF58476D1CE4E5B9ULL;
    z = (z ^ (z >> 27)) * 0x94D049BB133111EBULL;
    return z ^ (z >> 31);
  }
  u32 draw() { return static_cast<u32>((*this)() >> 32); }
  u64 below(u64 n) { return (*this)() % n; }
};
// A per-vector stochastic draw that depends only on the vector (reproducible in any order).
inline u32 vector_draw(u64 seed, u64 a, u64 b, u64 c) {
  splitmix64 g(seed ^ (a * 0x9E3779B97F4A7C15ULL) ^ (b * 0xC2B2AE3D27D4EB4FULL) ^ (c * 0x165667B19E3779F9ULL));
  return g.draw();
}

// Random test counts are multiplied by LOP_FLOAT_SCALE (a positive number, default 1: the CI
// budget of about 90 s for all float tests under ASan+UBSan on 2 cores). E.g.
// LOP_FLOAT_SCALE=20 ctest -L unit -R cfloat   runs 20 times as many random vectors.
inline double scale() {
  static const double s = [] {
    const char* e = std::getenv("LOP_FLOAT_SCALE");
    if (e == nullptr || *e == 0) return 1.0;
    char* end = nullptr;
    const double v = std::strtod(e, &end);
    return v > 0 && end != e ? v : 1.0;
  }();
  return s;
}
inline u64 scaled_count(u64 n) {
  const double v = static_cast<double>(n) * scale();
  return v < 1 ? 1 : static_cast<u64>(v);
}

// The field layout of a binary format (exp_bits >= 4, man_bits >= 7) for the operand generator.
struct ieee_params {
  int exp_bits;
  int man_bits;
  [[nodiscard]] u64 sign() const { return u64{1} << (exp_bits + man_bits); }
  [[nodiscard]] u64 man_mask() const { return (u64{1} << man_bits) - 1; }
  [[nodiscard]] u64 top() const { return (u64{1} << exp_bits) - 1; }
  [[nodiscard]] u64 all() const { return sign() | (sign() - 1); }
  [[nodiscard]] u64 make(bool s, u64 field, u64 man) const {
    return (s ? sign() : 0) | (field << man_bits) | (man & man_mask());
  }
  [[nodiscard]] u64 field(u64 b) const { return (b >> man_bits) & top(); }
};

// Operand generator: a mix of uniform bit patterns and values likely to hit edge cases,
// optionally related to another operand (same or nearby exponent: cancellation and ties).
class operand_gen {
 public:
  operand_gen(ieee_params p, u64 s) : p_(p), g_(s) {}
  u64 mantissa() {
    switch (g_.below(6)) {
      case 0: return 0;
      case 1: return p_.man_mask();
      case 2: return u64{1} << g_.below(static_cast<u64>(p_.man_bits));           // one bit
      case 3: return g_() & (p_.man_mask() << (p_.man_bits - 1 - static_cast<int>(g_.below(6))));  // short
      case 4: return p_.man_mask() ^ (u64{1} << g_.below(static_cast<u64>(p_.man_bits)));
      default: return g_();
    }
  }
  u64 special() {
    const u64 top = p_.top();
    const u64 v[] = {0, p_.make(false, top, 0), p_.make(false, top, 1), p_.make(false, top, p_.man_mask()),
                     1, p_.man_mask(), u64{1} << p_.man_bits, p_.make(false, top - 1, p_.man_mask()),
                     p_.make(false, top >> 1, 0), p_.make(false, top >> 1, 1), p_.make(false, (top >> 1) - 1, p_.man_mask())};
    return v[g_.below(std::size(v))] | (g_.below(2) != 0 ? p_.sign() : 0);
  }
  // One operand; `other` (if any) is the operand it may relate to.
  u64 next(const u64* other = nullptr) { return gen(other) & p_.all(); }
  splitmix64& rng() { return g_; }

 private:
  u64 gen(const u64* other) {
    const bool s = g_.below(2) != 0;
    switch (g_.below(other != nullptr ? 9 : 7)) {
      case 0:
      case 1: return g_() & p_.all();                                          // uniform bits
      case 2: return p_.make(s, 1 + g_.below(p_.top() - 1), mantissa());      // any normal exponent
      case 3: return p_.make(s, 0, mantissa() | (g_.below(2) != 0 ? 0 : g_()));  // subnormal / zero
      case 4: return special();
      case 5: {  // huge or tiny
        const u64 f = g_.below(2) != 0 ? p_.top() - 1 - g_.below(8) : 1 + g_.below(8);
        return p_.make(s, f, mantissa());
      }
      case 6: {  // near 1, around the middle of the range
        const u64 mid = p_.top() >> 1;
        return p_.make(s, mid - 4 + g_.below(9), mantissa());
      }
      default: {  // related to the other operand: exponent within +-(man_bits + 3), nearby bits
        const u64 o = *other;
        if (g_.below(3) == 0) return (o ^ (g_.below(2) != 0 ? p_.sign() : 0)) + g_.below(5) - 2;  // cancellation
        const long long span = p_.man_bits + 3;
        long long f = static_cast<long long>(p_.field(o)) + static_cast<long long>(g_.below(2 * span + 1)) - span;
        if (f < 0) f = 0;
        if (f > static_cast<long long>(p_.top())) f = static_cast<long long>(p_.top());
        return p_.make(s, static_cast<u64>(f), mantissa());
      }
    }
  }
  ieee_params p_;
  splitmix64 g_;
};

}  // namespace testing
}  // namespace fref
