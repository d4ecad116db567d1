// lop::gemm<spec>(A, B): the matrix product that a pe_spec's hardware PE computes, bit for
// bit. Each C(i,j) is one PE run: clear, then for k = 0..K-1 one MAC of A(i,k)*B(k,j) in
// that order, then C(i,j) = out (see lop::pe_model). Native kernels are used when they are
// provably identical to that sequence.
// Fixed operands (integer kernels):
//   - the accumulator needs no rounding per MAC (acc.frac >= product frac), or it rounds
//     with floor (floor(acc + p) = acc + floor(p) on acc's grid), and
//   - overflow::wrap (modular sums are order-free), or the accumulator provably cannot
//     overflow for this K (then every MAC is exact), or a row-vectorized saturating loop
//     that keeps the k order per output.
//   Products: a*b, or with an approximate multiplier its model's products (lop/approximate.hpp):
//   from a 64K-entry table when both operands have at most 8 bits, else computed per MAC.
// Float operands with an fp32 accumulator (float kernel): when every product is exact in
// float (significands of at most 24 bits together, and a scan of the operands shows no
// NaN/Inf and every product's exponent range inside float's), acc = RN(acc + a*b) is native
// float arithmetic, vectorized across j with the k order kept for every output.
// Anything else (other roundings, ceil included, and stochastic modes) runs the PE model itself.
#pragma once
#include <algorithm>
#include <bit>
#include <cstdint>
#include <memory>
#include <mutex>
#include <stdexcept>
#include <string>
#include <type_traits>
#include <vector>

#include <Eigen/Core>

#include "lop/cfloat.hpp"
#include "lop/eigen.hpp"
#include "lop/fixed.hpp"
#include "lop/pe.hpp"

namespace lop {

// Which kernel lop::gemm uses for a spec and depth K (exposed for tests and benchmarks).
enum class gemm_kernel : std::uint8_t { wrap, exact, saturating, sequential, float32 };

namespace detail {

// Product raw value moved onto the accumulator's grid: (a*b) << s, or floor((a*b) >> -s).
template <class T>
[[nodiscard]] constexpr T to_acc_grid(T p, int s) noexcept {
  return s >= 0 ? shl(p, s) : asr(p, -s);
}

// Float operands whose products are exact in float, into an fp32 accumulator, output not stochastic.
[[nodiscard]] constexpr bool float32_kernel_applies(const pe_spec& s) noexcept {
  return s.float_operands() && s.acc == number_format(formats::fp32) &&
         s.a.floating.man_bits + s.b.floating.man_bits + 2 <= 24 && rounding_of(s.out) != rounding::stochastic;
}

// Where the integer kernels take a fixed PE's products from.
enum class product_source : std::uint8_t {
  exact,  // a * b
  table,  // approximate multiplier, operands of <= 8 bits: a 64K-entry table of its products
  model,  // approximate multiplier, wider operands: lop::multiply_raw per product
};
template <pe_spec S>
inline constexpr product_source product_source_of =
    S.mul.is_exact() ? product_source::exact
                     : (S.a.fixed.width <= 8 && S.b.fixed.width <= 8 ? product_source::table : product_source::model);

// table[(a & 0xFF) << 8 | (b & 0xFF)] = the product of raws a and b (operands of <= 8 bits),
// indexed by the low 8 bits of the raws as stored (sign-extended for signed operands, so a
// 6-bit -1 is at 0xFF, not 0x3F).
[[nodiscard]] inline std::vector<std::int32_t> fill_product_table(const multiplier_model& mul) {
  std::vector<std::int32_t> t(65536, 0);
  const operand_shape A = mul.a();
  const operand_shape B = mul.b();
  const auto index = [](i128 v) { return static_cast<std::uint32_t>(static_cast<std::uint64_t>(v) & 0xFFU); };
  for (std::uint32_t x = 0; x < (1U << A.width); ++x)
    for (std::uint32_t y = 0; y < (1U << B.width); ++y) {
      const i128 a = extend<i128>(x, A.width, A.is_signed);
      const i128 b = extend<i128>(y, B.width, B.is_signed);
      t[(index(a) << 8) | index(b)] = static_cast<std::int32_t>(mul(a, b));
    }
  return t;
}

// fill_product_table for a multiplier known at run time, kept for the few most recently used
// (multiplier, operand shapes): a configuration search runs the same layers hundreds of times,
// and filling a table costs 65,536 model products. Table multipliers are not kept (their
// circuit can be registered again under the same name). Thread-safe.
[[nodiscard]] inline std::shared_ptr<const std::vector<std::int32_t>> cached_product_table(const multiplier_model& mul) {
  if (mul.mul().kind == multiplier_kind::table)
    return std::make_shared<const std::vector<std::int32_t>>(fill_product_table(mul));
  struct entry {
    std::string key;
    std::shared_ptr<const std::vector<std::int32_t>> table;
  };
  static std::mutex lock;
  static std::vector<entry> recent;  // most recent last
  constexpr std::size_t kept = 16;
  const std::string key = to_string(mul.mul()) + " " + to_string(mul.a()) + " " + to_string(mul.b());
  {
    const std::lock_guard<std::mutex> guard(lock);
    for (std::size_t i = 0; i < recent.size(); ++i)
      if (recent[i].key == key) {
        std::rotate(recent.begin() + static_cast<std::ptrdiff_t>(i), recent.begin() + static_cast<std::ptrdiff_t>(i) + 1,
                    recent.end());
        return recent.back().table;
      }
  }
  auto table = std::make_shared<const std::vector<std::int32_t>>(fill_product_table(mul));
  const std::lock_guard<std::mutex> guard(lock);
  if (recent.size() == kept) recent.erase(recent.begin());
  recent.push_back({key, table});
  return table;
}

// The multiplier of a fixed PE, bound to its operands.
[[nodiscard]] inline multiplier_model multiplier_of(const pe_spec& s) {
  return {s.mul, {s.a.fixed.width, s.a.fixed.is_signed}, {s.b.fixed.width, s.b.fixed.is_signed}};
}

// fill_product_table for S's multiplier, filled once per spec (thread-safely, on first use).
// A table multiplier's circuit can be registered again under its name, so its table is not
// kept: lop::gemm fills it per call.
template <pe_spec S>
[[nodiscard]] const std::int32_t* product_table() {
  static_assert(S.mul.kind != multiplier_kind::table, "lop: a table multiplier's products are looked up per call");
  static const std::vector<std::int32_t> table = fill_product_table(multiplier_of(S));
  return table.data();
}

// The kernel for the spec alone; lop::gemm may still fall back to the model at run time
// (float32: when the operand scan fails).
[[nodiscard]] constexpr gemm_kernel choose_kernel(const pe_spec& s, long depth) noexcept {
  if (s.float_operands()) return float32_kernel_applies(s) ? gemm_kernel::float32 : gemm_kernel::sequential;
  const fixed_format p = product_format(s.a.fixed, s.b.fixed);
  const fixed_format& acc = s.acc.fixed;
  if (acc.round == rounding::stochastic || s.out.fixed.round == rounding::stochastic) return gemm_kernel::sequential;
  if (acc.frac < p.frac && acc.round != rounding::floor) return gemm_kernel::sequential;
  const int shift = acc.frac - p.frac;
  const int pw = product_format(s.a.fixed, s.b.fixed, s.mul).width;  // one more bit if approximate
  // The product on acc's grid must fit 63 bits, the accumulator 64.
  if (pw + (shift > 0 ? shift : 0) > 62 || acc.width > 64) return gemm_kernel::sequential;
  if (acc.ovf == overflow::wrap) return gemm_kernel::wrap;
  // Bound |sum| <= depth * max|p| on acc's grid.
  const i128 pmax = to_acc_grid<i128>(pow2<i128>(pw - (p.is_signed ? 1 : 0)), shift);
  const i128 bound = pmax * static_cast<i128>(depth < 1 ? 1 : depth);
  const i128 hi = raw_max(acc);
  const i128 lo = acc.ovf == overflow::saturate_symmetric && acc.is_signed ? -hi : raw_min(acc);
  const bool products_nonneg = !s.a.fixed.is_signed && !s.b.fixed.is_signed;
  if (bound <= hi && (products_nonneg || -bound >= lo)) return gemm_kernel::exact;
  // The saturating loop adds in int64: acc and product on its grid must stay below 2^62.
  return acc.width <= 62 ? gemm_kernel::saturating : gemm_kernel::sequential;
}

// Row-major raw copies of the operands (B is read along rows in the inner loop).
template <class Raw, class Derived>
std::vector<Raw> raw_rows(const Eigen::MatrixBase<Derived>& m) {
  std::vector<Raw> r(static_cast<std::size_t>(m.rows() * m.cols()));
  for (Eigen::Index i = 0; i < m.rows(); ++i)
    for (Eigen::Index j = 0; j < m.cols(); ++j)
      r[static_cast<std::size_t>(i * m.cols() + j)] = static_cast<Raw>(m(i, j).raw());
  return r;
}

}  // namespace detail

// The C++ type of a number format: lop::fixed or lop::cfloat.
template <number_format F>
using number = std::conditional_t<F.is_fixed(), fixed<F.fixed>, cfloat<F.floating>>;

template <pe_spec S>
using gemm_result = Eigen::Matrix<number<S.out>, Eigen::Dynamic, Eigen::Dynamic>;

[[nodiscard]] constexpr gemm_kernel gemm_kernel_for(const pe_spec& s, long depth) noexcept {
  return detail::choose_kernel(s, depth);
}

namespace detail {

// Raw value of a fixed or bit pattern of a cfloat, as pe_model takes them.
template <fixed_format F>
[[nodiscard]] constexpr i128 pe_raw(const fixed<F>& x) noexcept { return x.raw(); }
template <float_format F>
[[nodiscard]] constexpr i128 pe_raw(const cfloat<F>& x) noexcept { return static_cast<i128>(x.bits()); }

template <number_format F>
[[nodiscard]] constexpr number<F> from_pe_raw(i128 raw) noexcept {
  if constexpr (F.is_fixed()) return fixed<F.fixed>::from_bits(raw);
  else return cfloat<F.floating>::from_bits(static_cast<std::uint64_t>(raw));
}

// The PE model itself, one output after another in row-major order.
template <pe_spec S, class DA, class DB>
void gemm_model(const Eigen::MatrixBase<DA>& A, const Eigen::MatrixBase<DB>& B, std::uint32_t seed,
                gemm_result<S>& C) {
  pe_model pe(S, seed);
  for (Eigen::Index i = 0; i < A.rows(); ++i)
    for (Eigen::Index j = 0; j < B.cols(); ++j) {
      pe.clear();
      for (Eigen::Index k = 0; k < A.cols(); ++k) pe.mac(pe_raw(A(i, k)), pe_raw(B(k, j)), k == 0);
      C(i, j) = from_pe_raw<S.out>(pe.out());
    }
}

// Float operands as native floats and what decides whether the kernel is exact: all finite,
// each operand exact in float (at most 24 significand bits, inside [2^-149, 2^128)), and the
// exponents of the largest and of the smallest quanta keeping every product of an A value
// with a B value inside [2^-149, 2^128) too.
struct float_operands {
  std::vector<float> values;
  int top = -100000;     // |x| < 2^(top+1) for every nonzero x
  int bottom = 100000;   // every x is a multiple of 2^bottom
  bool finite = true;
};

// bits(i): the pattern of element i (row-major) of n elements of format F.
template <class Bits>
float_operands scan_floats(const float_format& F, std::size_t n, Bits&& bits) {
  float_operands r;
  r.values.resize(n);
  for (std::size_t i = 0; i < n; ++i) {
    const std::uint64_t x = bits(i);
    const float_value v = float_unpack(F, x);
    if (v.k == float_value::kind::nan || v.k == float_value::kind::inf) r.finite = false;
    if (v.k == float_value::kind::finite) {
      r.top = std::max(r.top, msb_u128(v.sig) + v.exp);
      r.bottom = std::min(r.bottom, v.exp);
    }
    r.values[i] = float_to_float(F, x);
  }
  return r;
}

template <float_format F, class Derived>
float_operands scan_float_rows(const Eigen::MatrixBase<Derived>& m) {
  const auto cols = static_cast<std::size_t>(m.cols());
  return scan_floats(F, static_cast<std::size_t>(m.rows()) * cols, [&](std::size_t i) {
    return m(static_cast<Eigen::Index>(i / cols), static_cast<Eigen::Index>(i % cols)).bits();
  });
}

// Whether native float arithmetic follows IEEE subnormals here (not under FTZ/DAZ, which
// -ffast-math and some runtimes switch on).
[[nodiscard]] inline bool float_subnormals_work() noexcept {
#ifdef __FAST_MATH__
  return false;
#else
  volatile float tiny = 0x1p-140F;  // subnormal; volatile: evaluated at run time, in the current FP mode
  const float twice = tiny + tiny;
  return twice == 0x1p-139F;
#endif
}

// R_out of an fp32 accumulator value (bits: its encoding, NaN canonical).
template <number_format Out>
[[nodiscard]] i128 fp32_to_out(float v, std::uint64_t bits) noexcept {
  if constexpr (Out == number_format(formats::fp32)) return static_cast<i128>(bits);
  else if constexpr (Out.is_float() && is_bf16<Out.floating>) return float_to_bf16(v);  // same rounding, cheaper
  else if constexpr (Out.is_float() && via_float_range<Out.floating> && Out.floating.round == rounding::half_even)
    return static_cast<i128>(fast_encode_half_even<Out.floating>(v));
  else return convert_raw(Out, formats::fp32, static_cast<i128>(bits), 0);
}

// Whether every product of an `a` value with a `b` value, and every operand, is exact in float
// (and the FP unit keeps subnormals), so that native float arithmetic computes the PE's sums.
[[nodiscard]] inline bool float32_products_exact(const float_operands& a, const float_operands& b) noexcept {
  const bool empty = a.top < -99999 || b.top < -99999;  // some operand is all zeros
  if (!a.finite || !b.finite || !float_subnormals_work()) return false;
  const auto in_float = [](const float_operands& x) { return x.top <= 127 && x.bottom >= -149; };
  return empty || (in_float(a) && in_float(b) && a.top + b.top + 2 <= 128 && a.bottom + b.bottom >= -149);
}

// acc(i, j) = RN(acc + a(i,k) * b(k,j)) for k = 0..K-1, in float, vectorized across j; a is
// M x K and b K x N, row-major; store(i, j, acc) receives each result.
template <class Store>
void float32_accumulate(const float_operands& a, const float_operands& b, std::size_t M, std::size_t K, std::size_t N,
                        Store&& store) {
  constexpr std::size_t rows = 4;  // rows of C per pass: each B row loaded once for 4 outputs
  std::vector<float> acc(rows * N);
  for (std::size_t i0 = 0; i0 < M; i0 += rows) {
    const std::size_t nr = std::min(rows, M - i0);
    std::fill(acc.begin(), acc.end(), 0.0F);
    float* __restrict c0 = acc.data();
    for (std::size_t k = 0; k < K; ++k) {
      const float* __restrict bk = b.values.data() + k * N;
      if (nr == rows) {
        const float a0 = a.values[i0 * K + k], a1 = a.values[(i0 + 1) * K + k];
        const float a2 = a.values[(i0 + 2) * K + k], a3 = a.values[(i0 + 3) * K + k];
        float* __restrict c1 = c0 + N;
        float* __restrict c2 = c0 + 2 * N;
        float* __restrict c3 = c0 + 3 * N;
        for (std::size_t j = 0; j < N; ++j) {
          const float bj = bk[j];
          c0[j] += a0 * bj;
          c1[j] += a1 * bj;
          c2[j] += a2 * bj;
          c3[j] += a3 * bj;
        }
      } else {
        for (std::size_t r = 0; r < nr; ++r) {
          const float ar = a.values[(i0 + r) * K + k];
          float* __restrict cr = c0 + r * N;
          for (std::size_t j = 0; j < N; ++j) cr[j] += ar * bk[j];
        }
      }
    }
    for (std::size_t r = 0; r < nr; ++r)
      for (std::size_t j = 0; j < N; ++j) store(i0 + r, j, acc[r * N + j]);
  }
}

// The fp32-accumulator kernel of lop::gemm; false when the operands do not allow it.
template <pe_spec S, class DA, class DB>
bool gemm_float32(const Eigen::MatrixBase<DA>& A, const Eigen::MatrixBase<DB>& B, gemm_result<S>& C) {
  const float_operands a = scan_float_rows<S.a.floating>(A);
  const float_operands b = scan_float_rows<S.b.floating>(B);
  if (!float32_products_exact(a, b)) return false;
  float32_accumulate(a, b, static_cast<std::size_t>(A.rows()), static_cast<std::size_t>(A.cols()),
                     static_cast<std::size_t>(B.cols()), [&](std::size_t i, std::size_t j, float v) {
                       // NaN (Inf - Inf) takes the model's canonical encoding; everything else is IEEE.
                       const std::uint64_t bits = v != v ? pack_nan(formats::fp32) : std::bit_cast<std::uint32_t>(v);
                       C(static_cast<Eigen::Index>(i), static_cast<Eigen::Index>(j)) =
                           from_pe_raw<S.out>(fp32_to_out<S.out>(v, bits));
                     });
  return true;
}

}  // namespace detail

namespace detail {

// The integer kernels for fixed operands (kernel is wrap, exact or saturating).
template <pe_spec S, class DA, class DB>
gemm_result<S>& gemm_fixed(const Eigen::MatrixBase<DA>& A, const Eigen::MatrixBase<DB>& B, gemm_kernel kernel,
                           gemm_result<S>& C) {
  const Eigen::Index M = A.rows(), K = A.cols(), N = B.cols();
  constexpr fixed_format P = product_format(S.a.fixed, S.b.fixed);
  constexpr int shift = S.acc.fixed.frac - P.frac;
  // Native kernels: products in the narrowest type that holds them, accumulators in 32 or
  // 64 bits (unsigned for wrap: modular arithmetic without signed overflow).
  constexpr int PW = product_format(S.a.fixed, S.b.fixed, S.mul).width + (shift > 0 ? shift : 0);
  using PT = detail::compute_t<(PW <= 31 ? 32 : 64)>;
  using ST = detail::compute_t<(S.acc.fixed.width <= 32 && PW <= 31) ? 32 : 64>;
  constexpr product_source source = product_source_of<S>;
  using UT = std::make_unsigned_t<ST>;
  using AR = typename fixed<S.a.fixed>::raw_type;
  using BR = typename fixed<S.b.fixed>::raw_type;
  const std::vector<AR> a = detail::raw_rows<AR>(A);
  const std::vector<BR> b = detail::raw_rows<BR>(B);
  // The table path indexes with b's bit patterns; the model path multiplies through `mul`.
  const multiplier_model mul = multiplier_of(S);
  std::vector<std::uint8_t> b_bits;
  std::vector<std::int32_t> table_of_call;
  const std::int32_t* table = nullptr;
  if constexpr (source == product_source::table) {
    if constexpr (S.mul.kind == multiplier_kind::table) {
      table_of_call = fill_product_table(mul);
      table = table_of_call.data();
    } else {
      table = product_table<S>();
    }
    b_bits.resize(b.size());
    for (std::size_t x = 0; x < b.size(); ++x) b_bits[x] = static_cast<std::uint8_t>(static_cast<std::uint64_t>(b[x]) & 0xFFU);
  }
  std::vector<ST> acc(static_cast<std::size_t>(N));
  const auto hi = static_cast<ST>(detail::raw_max<detail::i128>(S.acc.fixed));
  const auto lo = static_cast<ST>(S.acc.fixed.ovf == overflow::saturate_symmetric && S.acc.fixed.is_signed
                                      ? -detail::raw_max<detail::i128>(S.acc.fixed)
                                      : detail::raw_min<detail::i128>(S.acc.fixed));
  const auto n = static_cast<std::size_t>(N);
  for (Eigen::Index i = 0; i < M; ++i) {
    std::fill(acc.begin(), acc.end(), ST{0});
    ST* __restrict ac = acc.data();
    for (Eigen::Index k = 0; k < K; ++k) {
      const PT ai = static_cast<PT>(a[static_cast<std::size_t>(i * K + k)]);
      const BR* __restrict bk = b.data() + static_cast<std::size_t>(k) * n;
      const std::int32_t* __restrict trow = nullptr;
      const std::uint8_t* __restrict bb = nullptr;
      if constexpr (source == product_source::table) {
        trow = table + ((static_cast<std::uint64_t>(ai) & 0xFFU) << 8);
        bb = b_bits.data() + static_cast<std::size_t>(k) * n;
      }
      // The product of a(i, k) and b(k, j) on the accumulator's grid.
      const auto prod = [&](std::size_t j) {
        PT p;
        if constexpr (source == product_source::exact) {
          p = ai * static_cast<PT>(bk[j]);
        } else if constexpr (source == product_source::table) {
          p = static_cast<PT>(trow[bb[j]]);
        } else {
          p = static_cast<PT>(mul(ai, bk[j]));
        }
        return detail::to_acc_grid<PT>(p, shift);
      };
      if (kernel == gemm_kernel::wrap) {
        for (std::size_t j = 0; j < n; ++j)
          ac[j] = static_cast<ST>(static_cast<UT>(ac[j]) + static_cast<UT>(prod(j)));
      } else if (kernel == gemm_kernel::exact) {
        for (std::size_t j = 0; j < n; ++j)
          ac[j] = static_cast<ST>(ac[j] + prod(j));
      } else {  // saturating: per-MAC overflow handling, k order kept for every output
        for (std::size_t j = 0; j < n; ++j) {
          // |acc| and |p| are each below 2^62 here, so the sum cannot overflow int64.
          const std::int64_t t = static_cast<std::int64_t>(ac[j]) + static_cast<std::int64_t>(prod(j));
          const bool over = t > hi, under = t < lo;
          if constexpr (S.acc.fixed.ovf == overflow::saturate_zero) {
            ac[j] = (over || under) ? ST{0} : static_cast<ST>(t);
          } else {
            ac[j] = over ? hi : (under ? lo : static_cast<ST>(t));
          }
        }
      }
    }
    for (Eigen::Index j = 0; j < N; ++j) {
      ST v = acc[static_cast<std::size_t>(j)];
      if (kernel == gemm_kernel::wrap)
        v = detail::extend<ST>(static_cast<UT>(v), S.acc.fixed.width, S.acc.fixed.is_signed);
      using OT = detail::compute_t<(S.acc.fixed.width > S.out.fixed.width ? S.acc.fixed.width : S.out.fixed.width) + 2>;
      C(i, j) = fixed<S.out.fixed>(detail::raw_tag{}, static_cast<typename fixed<S.out.fixed>::raw_type>(
                                                   detail::quantize_raw<OT>(static_cast<OT>(v), S.acc.fixed.frac, S.out.fixed)));
    }
  }
  return C;
}

}  // namespace detail

// C = A * B as computed by the PE `S`. A's scalar must be lop::number<S.a> (lop::fixed or
// lop::cfloat), B's lop::number<S.b>; the result's is lop::number<S.out>.
// `seed` seeds the PE's LFSR (stochastic modes); outputs are produced in row-major order
// by one PE, so the generator runs on across outputs as it would in hardware.
template <pe_spec S, class DA, class DB>
[[nodiscard]] gemm_result<S> gemm(const Eigen::MatrixBase<DA>& A, const Eigen::MatrixBase<DB>& B,
                                  std::uint32_t seed = lfsr32::default_seed) {
  static_assert(validate(S) == nullptr, "lop::gemm: invalid pe_spec (see lop::validate)");
  static_assert(std::is_same_v<typename DA::Scalar, number<S.a>>,
                "lop::gemm: A's scalar type must be lop::number<spec.a> (lop::fixed or lop::cfloat of spec.a)");
  static_assert(std::is_same_v<typename DB::Scalar, number<S.b>>,
                "lop::gemm: B's scalar type must be lop::number<spec.b> (lop::fixed or lop::cfloat of spec.b)");
  if (A.cols() != B.rows())
    throw std::invalid_argument("lop::gemm: A is " + std::to_string(A.rows()) + "x" + std::to_string(A.cols()) +
                                " but B is " + std::to_string(B.rows()) + "x" + std::to_string(B.cols()) +
                                "; A.cols() must equal B.rows()");
  const Eigen::Index M = A.rows(), K = A.cols(), N = B.cols();
  gemm_result<S> C(M, N);
  const gemm_kernel kernel = detail::choose_kernel(S, static_cast<long>(K));
  if constexpr (S.float_operands()) {
    if (kernel != gemm_kernel::float32 || !detail::gemm_float32<S>(A, B, C)) detail::gemm_model<S>(A, B, seed, C);
    return C;
  } else {
    if (kernel == gemm_kernel::sequential) {
      detail::gemm_model<S>(A, B, seed, C);
      return C;
    }
    return detail::gemm_fixed<S>(A, B, kernel, C);
  }
}

}  // namespace lop
