// lop's custom floating point against the native IEEE types of the machine:
// - fp32 (lop::formats::fp32) bit-identical to float for + - * / sqrt fma and conversions from
//   double, through lop::detail::float_* and through lop::cfloat<fp32>; 10^7 seeded vectors
//   per operation at LOP_FLOAT_SCALE=1 (about 17 s of CPU under ASan+UBSan), uniform bit
//   patterns mixed with interesting values:
//   near ties, subnormals, huge/tiny exponents, cancellation, short significands, specials;
// - the directed modes toward_zero/floor/ceil against float under fesetround;
// - fp64 against double (fewer vectors), fp16 against _Float16 where the compiler has it;
// - the reference (reference_float.hpp) itself against float/double, so that the exhaustive
//   tests rest on a checked reference.
// fma's native result is std::fma (correctly rounded by the C library; computing a*b+c in
// double would not be). NaN results compare as "both NaN" (native NaNs carry payloads).
#include <cfenv>
#include <cmath>
#include <cstdint>
#include <cstdio>
#include <cstring>
#include <limits>
#include <string>

#include "../unit/test_util.hpp"
#include "lop/cfloat.hpp"
#include "lop/detail/float_core.hpp"
#include "reference_float.hpp"

namespace {

using fref::u32;
using fref::u64;
using fref::testing::ieee_params;
using fref::testing::operand_gen;
using fref::testing::splitmix64;
using lop::float_format;
using lop::rounding;
using unit::checker;
namespace formats = lop::formats;

constexpr u64 seed = 0xC0FFEE5EEDULL;

constexpr ieee_params p32{8, 23};
constexpr ieee_params p64{11, 52};

float f32(u64 b) { return fref::bits_float(static_cast<u32>(b)); }
u64 b32(float f) { return fref::float_bits(f); }

// Native results are computed through volatile operands so that they happen at run time in
// the current rounding mode.
template <class T>
T native_op(int op, T a, T b) {
  volatile T x = a;
  volatile T y = b;
  switch (op) {
    case 0: return x + y;
    case 1: return x - y;
    case 2: return x * y;
    case 3: return x / y;
    default: return std::sqrt(static_cast<T>(x));
  }
}
u64 lop_op(int op, const float_format& f, u64 a, u64 b) {
  switch (op) {
    case 0: return lop::detail::float_add(f, f, a, f, b, 0);
    case 1: return lop::detail::float_sub(f, f, a, f, b, 0);
    case 2: return lop::detail::float_mul(f, f, a, f, b, 0);
    case 3: return lop::detail::float_div(f, f, a, f, b, 0);
    default: return lop::detail::float_sqrt(f, f, a, 0);
  }
}
u64 ref_op(int op, const float_format& f, u64 a, u64 b) {
  switch (op) {
    case 0: return fref::add(f, f, a, f, b, 0);
    case 1: return fref::sub(f, f, a, f, b, 0);
    case 2: return fref::mul(f, f, a, f, b, 0);
    case 3: return fref::div(f, f, a, f, b, 0);
    default: return fref::sqrt(f, f, a, 0);
  }
}
constexpr const char* op_names[] = {"add", "sub", "mul", "div", "sqrt", "fma"};

// Equal bits, or both NaN.
bool same32(u64 want, u64 got) {
  const float w = f32(want), g = f32(got);
  return (std::isnan(w) && std::isnan(g)) || want == got;
}
bool same64(u64 want, u64 got) {
  const double w = fref::bits_double(want), g = fref::bits_double(got);
  return (std::isnan(w) && std::isnan(g)) || want == got;
}

struct mode_case {
  rounding mode;
  int fe;
};
constexpr mode_case directed[] = {{rounding::toward_zero, FE_TOWARDZERO},
                                  {rounding::floor, FE_DOWNWARD},
                                  {rounding::ceil, FE_UPWARD}};

// RAII rounding-mode switch.
struct fe_mode {
  int saved = std::fegetround();
  explicit fe_mode(int m) { std::fesetround(m); }
  ~fe_mode() { std::fesetround(saved); }
  fe_mode(const fe_mode&) = delete;
  fe_mode& operator=(const fe_mode&) = delete;
};

// fp32 (or an fp32 descriptor with a directed mode) against float: every op, `count` vectors.
void run_fp32(const float_format& f, int fe, u64 count, u64 s) {
  const fe_mode guard(fe);
  for (int op = 0; op < 6; ++op) {
    checker c(std::string("fp32 ") + op_names[op] + " " + std::string(lop::to_string(f.round)));
    operand_gen g(p32, s + static_cast<u64>(op));
    for (u64 i = 0; i < count; ++i) {
      const u64 a = g.next();
      const u64 b = g.next(&a);
      u64 want = 0;
      u64 got = 0;
      u64 x = 0;
      if (op < 5) {
        want = b32(native_op(op, f32(a), f32(b)));
        got = lop_op(op, f, a, b);
      } else {
        // c related to a*b (cancellation) or to a.
        volatile float pa = f32(a);
        volatile float pb = f32(b);
        const float prod = pa * pb;
        const u64 pbits = b32(prod);
        x = g.rng().below(2) != 0 ? g.next(&pbits) : g.next(&a);
        want = b32(std::fma(f32(a), f32(b), f32(x)));
        got = lop::detail::float_fma(f, f, a, f, b, f, x, 0);
      }
      c.expect(same32(want, got), [&] {
        return std::string(op_names[op]) + "(" + fref::hex(a) + ", " + fref::hex(b) + (op == 5 ? ", " + fref::hex(x) : "") +
               "): native " + fref::hex(want) + ", lop " + fref::hex(got);
      });
    }
    c.done();
  }
}

}  // namespace

TEST_CASE("cfloat native: fp32 is bit-identical to float (half_even)", "[cfloat][native]") {
  const u64 n = fref::testing::scaled_count(10000000);
  std::printf("seed 0x%llx, %llu vectors per op\n", static_cast<unsigned long long>(seed), static_cast<unsigned long long>(n));
  run_fp32(formats::fp32, FE_TONEAREST, n, seed);
}

TEST_CASE("cfloat native: fp32 directed modes match float under fesetround", "[cfloat][native]") {
  const u64 n = fref::testing::scaled_count(200000);
  std::printf("seed 0x%llx, %llu vectors per op and mode\n", static_cast<unsigned long long>(seed + 100),
              static_cast<unsigned long long>(n));
  for (const auto& m : directed) {
    float_format f = formats::fp32;
    f.round = m.mode;
    run_fp32(f, m.fe, n, seed + 100);
  }
}

TEST_CASE("cfloat native: fp32 conversions from double and to float/double", "[cfloat][native]") {
  const u64 n = fref::testing::scaled_count(1000000);
  std::printf("seed 0x%llx, %llu vectors\n", static_cast<unsigned long long>(seed + 7), static_cast<unsigned long long>(n));
  checker c("fp32 from double");
  checker c2("fp32 to double");
  operand_gen g(p64, seed + 7);
  operand_gen g32(p32, seed + 8);
  for (u64 i = 0; i < n; ++i) {
    // Doubles around float's range: random doubles, and floats plus a perturbation.
    u64 d = g.next();
    if (g.rng().below(2) != 0) {
      const double base = static_cast<double>(f32(g32.next()));
      const u64 bb = fref::double_bits(base);
      d = bb + g.rng().below(1U << 30) - (1U << 29);  // near ties at float's rounding position
      if (g.rng().below(4) == 0) d = bb + (u64{1} << 28) * (g.rng().below(3));  // exact ties
    }
    const double v = fref::bits_double(d);
    volatile double vv = v;
    const u64 want = b32(static_cast<float>(vv));
    const u64 got = lop::detail::float_from_double(formats::fp32, v, 0);
    c.expect(same32(want, got), [&] { return "from double " + fref::hex(d) + ": native " + fref::hex(want) + ", lop " + fref::hex(got); });
    const u64 a = g32.next();
    const double wd = static_cast<double>(f32(a));
    const double gd = lop::detail::float_to_double(formats::fp32, a);
    c2.expect(same64(fref::double_bits(wd), fref::double_bits(gd)), [&] { return "to double " + fref::hex(a); });
  }
  c.done();
  c2.done();
}

TEST_CASE("cfloat native: lop::cfloat<fp32> operators match float", "[cfloat][native][api]") {
  using T = lop::fp32_t;
  const u64 n = fref::testing::scaled_count(300000);
  std::printf("seed 0x%llx, %llu vectors\n", static_cast<unsigned long long>(seed + 9), static_cast<unsigned long long>(n));
  checker c("cfloat<fp32> API");
  operand_gen g(p32, seed + 9);
  for (u64 i = 0; i < n; ++i) {
    const u64 a = g.next();
    const u64 b = g.next(&a);
    const u64 x = g.next(&b);
    const T ta = T::from_bits(a), tb = T::from_bits(b), tx = T::from_bits(x);
    const float fa = f32(a), fb = f32(b), fx = f32(x);
    const auto msg = [&](const char* w) {
      return [&, w] { return std::string(w) + " " + fref::hex(a) + ", " + fref::hex(b) + ", " + fref::hex(x); };
    };
    c.expect(same32(b32(native_op(0, fa, fb)), (ta + tb).bits()), msg("+"));
    c.expect(same32(b32(native_op(1, fa, fb)), (ta - tb).bits()), msg("-"));
    c.expect(same32(b32(native_op(2, fa, fb)), (ta * tb).bits()), msg("*"));
    c.expect(same32(b32(native_op(3, fa, fb)), (ta / tb).bits()), msg("/"));
    c.expect(same32(b32(native_op(4, fa, fb)), lop::sqrt(ta).bits()), msg("sqrt"));
    c.expect(same32(b32(std::fma(fa, fb, fx)), lop::fma(ta, tb, tx).bits()), msg("fma"));
    // Mixed with native operands: the native operand enters exactly, one rounding.
    const double dx = static_cast<double>(fx);
    c.expect(same32(b32(native_op(0, fa, fb)), (ta + static_cast<double>(fb)).bits()), msg("+ double"));
    c.expect(same32(b32(static_cast<float>(static_cast<double>(fa) * 3.0)), (ta * 3).bits()), msg("* 3"));
    const bool lt = static_cast<double>(fa) < dx, eq = static_cast<double>(fa) == dx;
    c.expect((ta < tx) == lt && (ta == tx) == eq && (ta != tx) == !eq, msg("compare"));
    c.expect(same32(b32(fa), T(fa).bits()) && same32(b32(fa), T(static_cast<double>(fa)).bits()), msg("from float"));
    c.expect(std::isnan(fa) ? std::isnan(ta.to_float()) : b32(ta.to_float()) == a, msg("to_float"));
  }
  c.done();
}

TEST_CASE("cfloat native: fp64 is bit-identical to double", "[cfloat][native]") {
  const u64 n = fref::testing::scaled_count(300000);
  std::printf("seed 0x%llx, %llu vectors per op\n", static_cast<unsigned long long>(seed + 64), static_cast<unsigned long long>(n));
  const float_format f = formats::fp64;
  for (int op = 0; op < 6; ++op) {
    checker c(std::string("fp64 ") + op_names[op]);
    operand_gen g(p64, seed + 64 + static_cast<u64>(op));
    for (u64 i = 0; i < n; ++i) {
      const u64 a = g.next();
      const u64 b = g.next(&a);
      u64 want = 0, got = 0, x = 0;
      const double da = fref::bits_double(a), db = fref::bits_double(b);
      if (op < 5) {
        want = fref::double_bits(native_op(op, da, db));
        got = lop_op(op, f, a, b);
      } else {
        volatile double va = da, vb = db;
        const u64 pbits = fref::double_bits(va * vb);
        x = g.rng().below(2) != 0 ? g.next(&pbits) : g.next(&a);
        want = fref::double_bits(std::fma(da, db, fref::bits_double(x)));
        got = lop::detail::float_fma(f, f, a, f, b, f, x, 0);
      }
      c.expect(same64(want, got), [&] {
        return std::string(op_names[op]) + "(" + fref::hex(a) + ", " + fref::hex(b) + (op == 5 ? ", " + fref::hex(x) : "") +
               "): native " + fref::hex(want) + ", lop " + fref::hex(got);
      });
    }
    c.done();
  }
}

#ifdef __FLT16_MANT_DIG__
namespace {
__extension__ typedef _Float16 half_t;  // GCC's IEEE binary16 (an extension under -Wpedantic)
}  // namespace

TEST_CASE("cfloat native: fp16 matches _Float16 (+ - * / sqrt, from float and double)", "[cfloat][native]") {
  // GCC evaluates _Float16 arithmetic in float and rounds once to half: exact for + - * / sqrt
  // because float has more than 2 * 11 + 2 bits.
  const u64 n = fref::testing::scaled_count(300000);
  std::printf("seed 0x%llx, %llu vectors per op\n", static_cast<unsigned long long>(seed + 16), static_cast<unsigned long long>(n));
  const float_format f = formats::fp16;
  const ieee_params p16{5, 10};
  checker c("fp16 vs _Float16");
  operand_gen g(p16, seed + 16);
  operand_gen gd(p64, seed + 17);
  auto h = [](u64 b) {
    half_t v;
    const auto u = static_cast<std::uint16_t>(b);
    std::memcpy(&v, &u, sizeof v);
    return v;
  };
  auto hb = [](half_t v) {
    std::uint16_t u = 0;
    std::memcpy(&u, &v, sizeof u);
    return static_cast<u64>(u);
  };
  auto same16 = [](u64 w, u64 gbits) {
    const bool wn = (w & 0x7C00) == 0x7C00 && (w & 0x3FF) != 0;
    const bool gn = (gbits & 0x7C00) == 0x7C00 && (gbits & 0x3FF) != 0;
    return (wn && gn) || w == gbits;
  };
  for (u64 i = 0; i < n; ++i) {
    const u64 a = g.next();
    const u64 b = g.next(&a);
    volatile half_t x = h(a);
    volatile half_t y = h(b);
    const u64 want[] = {hb(x + y), hb(x - y), hb(x * y), hb(x / y),
                        hb(static_cast<half_t>(std::sqrt(static_cast<float>(x))))};
    for (int op = 0; op < 5; ++op) {
      const u64 got = lop_op(op, f, a, b);
      c.expect(same16(want[op], got), [&] {
        return std::string(op_names[op]) + "(" + fref::hex(a) + ", " + fref::hex(b) + "): native " + fref::hex(want[op]) +
               ", lop " + fref::hex(got);
      });
    }
    const u64 d = gd.next();
    volatile double dv = fref::bits_double(d);
    const u64 wd = hb(static_cast<half_t>(dv));
    const u64 gdv = lop::detail::float_from_double(f, fref::bits_double(d), 0);
    c.expect(same16(wd, gdv), [&] { return "from double " + fref::hex(d) + ": native " + fref::hex(wd) + ", lop " + fref::hex(gdv); });
  }
  c.done();
}
#endif

TEST_CASE("cfloat native: the reference itself matches float and double", "[cfloat][native][reference]") {
  const u64 n = fref::testing::scaled_count(20000);
  std::printf("seed 0x%llx, %llu vectors per op\n", static_cast<unsigned long long>(seed + 99), static_cast<unsigned long long>(n));
  for (int op = 0; op < 6; ++op) {
    checker c(std::string("reference fp32/fp64 ") + op_names[op]);
    operand_gen g(p32, seed + 99 + static_cast<u64>(op));
    operand_gen g2(p64, seed + 199 + static_cast<u64>(op));
    for (u64 i = 0; i < n; ++i) {
      const u64 a = g.next(), b = g.next(&a), x = g.next(&b);
      const u64 a2 = g2.next(), b2 = g2.next(&a2), x2 = g2.next(&b2);
      u64 w32 = 0, r32 = 0, w64 = 0, r64 = 0;
      if (op < 5) {
        w32 = b32(native_op(op, f32(a), f32(b)));
        r32 = ref_op(op, formats::fp32, a, b);
        w64 = fref::double_bits(native_op(op, fref::bits_double(a2), fref::bits_double(b2)));
        r64 = ref_op(op, formats::fp64, a2, b2);
      } else {
        w32 = b32(std::fma(f32(a), f32(b), f32(x)));
        r32 = fref::fma(formats::fp32, formats::fp32, a, formats::fp32, b, formats::fp32, x, 0);
        w64 = fref::double_bits(std::fma(fref::bits_double(a2), fref::bits_double(b2), fref::bits_double(x2)));
        r64 = fref::fma(formats::fp64, formats::fp64, a2, formats::fp64, b2, formats::fp64, x2, 0);
      }
      c.expect(same32(w32, r32), [&] { return std::string(op_names[op]) + " fp32 " + fref::hex(a) + " " + fref::hex(b) + " " + fref::hex(x); });
      c.expect(same64(w64, r64), [&] { return std::string(op_names[op]) + " fp64 " + fref::hex(a2) + " " + fref::hex(b2) + " " + fref::hex(x2); });
    }
    c.done();
  }
}

TEST_CASE("cfloat native: fp64 sqrt of values whose root is a hair off a midpoint or grid point",
          "[cfloat][native]") {
  // x = n * 2^(2t) with n * 2^54 = K^2 + j, |j| small and K a 54-bit integer: sqrt(x) is
  // K * 2^(t-27) plus or minus about j / (2K) units, i.e. within 2^-60 of a midpoint of double's
  // grid (K odd) or of a grid point (K even). Only a square root that keeps track of its
  // remainder rounds these right. K comes from Hensel lifting of K^2 = -j (mod 2^54).
  checker c("fp64 sqrt near midpoints");
  int found = 0;
  for (long long j = -4000; j <= 4000; ++j) {
    const auto want_residue = static_cast<fref::u128>(-j) & ((fref::u128{1} << 54) - 1);  // K^2 = -j mod 2^54
    for (int even = 0; even < 2; ++even) {
      // Solve k^2 = r (mod 2^54): odd k needs r = 1 (mod 8); even k = 2m needs r = 4 r' with
      // r' = 1 (mod 8) (then m^2 = r' mod 2^52).
      const fref::u128 r = even != 0 ? want_residue >> 2 : want_residue;
      const int bits = even != 0 ? 52 : 54;
      if (even != 0 && (want_residue & 3U) != 0) continue;
      if ((r & 7U) != 1U) continue;
      u64 k = 1;
      for (int i = 3; i < bits; ++i) {
        const fref::u128 sq = static_cast<fref::u128>(k) * k;
        if ((((sq - r) >> i) & 1U) != 0) k += u64{1} << (i - 1);
      }
      const fref::u128 mod = fref::u128{1} << bits;
      for (fref::u128 cand : {static_cast<fref::u128>(k), mod - k, k + (mod >> 1), (mod >> 1) - k}) {
        fref::u128 K = cand % mod;
        if (even != 0) K *= 2;
        if (K < (fref::u128{1} << 53) || K >= (fref::u128{1} << 54)) continue;
        const fref::u128 sq = K * K + static_cast<fref::u128>(static_cast<fref::i128>(j));
        if ((sq & ((fref::u128{1} << 54) - 1)) != 0) continue;
        const fref::u128 nn = sq >> 54;
        if (nn < (fref::u128{1} << 52) || nn >= (fref::u128{1} << 53)) continue;
        ++found;
        for (int t : {0, -600, 500}) {
          const double x = std::ldexp(static_cast<double>(static_cast<u64>(nn)), 2 * t);
          const u64 xb = fref::double_bits(x);
          for (const auto& m : {mode_case{rounding::half_even, FE_TONEAREST}, directed[0], directed[1], directed[2]}) {
            const fe_mode guard(m.fe);
            float_format f = formats::fp64;
            f.round = m.mode;
            const u64 want = fref::double_bits(native_op(4, x, 0.0));
            const u64 got = lop::detail::float_sqrt(f, f, xb, 0);
            c.expect(want == got, [&] {
              return "sqrt(" + fref::hex(xb) + ") " + std::string(lop::to_string(m.mode)) + ": native " + fref::hex(want) +
                     ", lop " + fref::hex(got);
            });
          }
        }
      }
    }
  }
  std::printf("  %d constructed radicands\n", found);
  CHECK(found > 100);
  c.done();
}
