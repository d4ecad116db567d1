// Generators for custom floating-point units (issue 3): the shared round-and-pack block R_F,
// float -> float converters, multipliers and adders/subtractors, FMA, fixed <-> float
// converters, and the processing element with float operands. Every unit computes exactly
// docs/cfloat.md section 2 (= lop::detail::float_convert / float_mul / float_add / float_sub);
// ports, names and timing are in docs/verilog-interface.md ("Floating-point units").
#pragma once
#include <cstdint>
#include <string>
#include <string_view>
#include <vector>

#include "lop/float_format.hpp"
#include "lop/hw/generators.hpp"

namespace lop::hw {

// Most register stages a float unit accepts.
inline constexpr int max_float_pipeline = 8;

// Readable tag of a float format's encoding (rounding/overflow excluded):
// e<E>m<M>, then b<bias> if the bias is not 2^(E-1)-1 (bm<n> when negative), _ns without
// subnormals, _fn / _fnuz / _none for the specials (nothing for ieee).
// fp32 -> e8m23, fp8_e4m3fn -> e4m3_fn, fp8_e4m3fnuz -> e4m3b8_fnuz.
[[nodiscard]] std::string float_format_tag(const float_format& f);
// The result policy: rounding tag (fl tz hu ha he st ce) and overflow (in: infinity,
// sa: saturate): he_in.
[[nodiscard]] std::string float_policy_tag(const float_format& f);

// Random bits a unit rounding into `out` takes on its `rnd` port: 32 for stochastic, else 0.
[[nodiscard]] int float_rnd_bits(const float_format& out) noexcept;

// The round-and-pack block: y = R_out((-1)^sign * sig * 2^exp) (exp: exp_width-bit two's
// complement; sig: sig_width bits; its lsb may be a jam bit - the OR of everything below it -
// only if at least out.man_bits + 1 + G exact bits lie above it in the normalized value, G = 32
// when out rounds stochastic, else 1), or the canonical NaN (+0 without NaN) when nan, or the
// exact infinity of sign `sign` when inf (nan wins). sig == 0 is a zero of sign `sign`.
// Module lop_fround_s<W>_e<WE>_to_<out tag>_<policy>.
[[nodiscard]] std::string float_round_name(const float_format& out, int sig_width, int exp_width);
[[nodiscard]] design float_round(const float_format& out, int sig_width, int exp_width);

// Units. `pipeline` register stages (0..max_float_pipeline): latency = pipeline clock edges;
// ports: [clk,] a[, b], [rnd[31:0],] y. Throws lop::format_error for invalid arguments.
[[nodiscard]] std::string float_converter_name(const float_format& in, const float_format& out, int pipeline = 0);
[[nodiscard]] std::string float_multiplier_name(const float_format& a, const float_format& b,
                                                const float_format& out, int pipeline = 0);
[[nodiscard]] std::string float_adder_name(const float_format& a, const float_format& b, const float_format& out,
                                           int pipeline = 0);
[[nodiscard]] std::string float_subtractor_name(const float_format& a, const float_format& b,
                                                const float_format& out, int pipeline = 0);

// y = R_out(a) (lop::detail::float_convert(out, in, a, rnd)).
[[nodiscard]] design float_converter(const float_format& in, const float_format& out, int pipeline = 0);
// y = R_out(a * b) (lop::detail::float_mul(out, fa, a, fb, b, rnd)).
[[nodiscard]] design float_multiplier(const float_format& a, const float_format& b, const float_format& out,
                                      int pipeline = 0);
[[nodiscard]] std::string float_fma_name(const float_format& a, const float_format& b, const float_format& c,
                                         const float_format& out, int pipeline = 0);
[[nodiscard]] std::string float_from_fixed_name(const fixed_format& in, const float_format& out, int pipeline = 0);
[[nodiscard]] std::string float_to_fixed_name(const float_format& in, const fixed_format& out, int pipeline = 0);

// y = R_out(a + b) / R_out(a - b) (lop::detail::float_add / float_sub).
[[nodiscard]] design float_adder(const float_format& a, const float_format& b, const float_format& out,
                                 int pipeline = 0);
[[nodiscard]] design float_subtractor(const float_format& a, const float_format& b, const float_format& out,
                                      int pipeline = 0);
// y = R_out(a * b + c), one rounding (lop::detail::float_fma(out, fa, a, fb, b, fc, c, rnd)).
[[nodiscard]] design float_fma(const float_format& a, const float_format& b, const float_format& c,
                               const float_format& out, int pipeline = 0);
// y = R_out(a * 2^-in.frac) for the raw fixed-point bits a (lop::detail::float_from_fixed;
// only in's width, frac and signedness matter; 0 gives +0).
[[nodiscard]] design float_from_fixed(const fixed_format& in, const float_format& out, int pipeline = 0);
// y = the raw bits of lop::detail::float_to_fixed(out, in, a, rnd): the fixed quantizer (out's
// rounding and overflow) on the exact value; NaN and zeros -> 0, +-Inf -> the saturated
// extreme (0 for saturate_zero). rnd[31:0] when out rounds stochastic (its low min(d, 32)
// bits are used, d = the dropped bits of this input).
[[nodiscard]] design float_to_fixed(const float_format& in, const fixed_format& out, int pipeline = 0);

// The processing element of a pe_spec with float operands (docs/cfloat.md section 5), bit-exact
// with lop::pe_model; processing_element() calls it for float operands. Ports and cycle
// behaviour as the fixed PE; module lop_pe_<a>_<b>_acc_<acc+policy>_out_<out+policy>_<mac>_p<N>.
[[nodiscard]] std::string float_pe_name(const pe_spec& s);
[[nodiscard]] design float_processing_element(const pe_spec& s);

// ---------------------------------------------------------------------------------------
// Float bundles: many float units behind one interface, for co-simulation.
// Ports: clk, x[63:0], y[63:0], z[63:0], rnd[31:0], out[TOTAL-1:0]; unit i: a = x[wa-1:0],
// b = y[wb-1:0], c = z[wc-1:0], rnd = rnd (stochastic units), result at out[off_i +: w_i].
// ---------------------------------------------------------------------------------------
struct float_unit {
  enum class kind : std::uint8_t { convert, mul, add, sub, fma, from_fixed, to_fixed };
  kind k = kind::convert;
  float_format a{};    // the (left) operand
  float_format b{};    // the right operand (mul/add/sub/fma)
  float_format c{};    // the addend (fma)
  fixed_format fx{};   // the fixed-point input (from_fixed) or result (to_fixed)
  float_format out{};  // the result format (its rounding and overflow are implemented)
  int pipeline = 0;
};

// The list line: "fconvert IN OUT", "fmul A B OUT", "fadd A B OUT", "fsub A B OUT",
// "ffma A B C OUT", "ffromfixed FIXED OUT", "ftofixed FLOAT FIXED", each optionally followed
// by "pipeline=N".
[[nodiscard]] std::string to_string(const float_unit& u);
[[nodiscard]] int output_width(const float_unit& u);
[[nodiscard]] design float_unit_design(const float_unit& u);

// True when the first unit line of a bundle list names a float unit (fconvert, fmul, fadd,
// fsub, ffma, ffromfixed, ftofixed).
[[nodiscard]] bool is_float_bundle_list(std::string_view text);
// Parse a float bundle list (same rules as parse_bundle_list). Throws lop::format_error.
[[nodiscard]] std::vector<float_unit> parse_float_bundle_list(std::string_view text);
[[nodiscard]] design float_bundle(const std::string& top, const std::vector<float_unit>& units);

}  // namespace lop::hw
