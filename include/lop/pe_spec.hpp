// The descriptor of a multiply-accumulate processing element (PE) and its canonical text.
// Operands, accumulator and output are each a number_format: fixed point or custom float.
// Semantics: lop::pe_model (include/lop/pe.hpp); the exact rules for float PEs are in
// docs/cfloat.md, section 5.
#pragma once
#include <cstdint>
#include <string>
#include <string_view>

#include "lop/float_format.hpp"
#include "lop/format.hpp"
#include "lop/multiplier.hpp"

namespace lop {

// Either a fixed-point or a custom-float format. Implicit from both, so a pe_spec is written
// {sfix(8, 7), formats::bf16, ...}. Only the member named by `kind` is meaningful.
struct number_format {
  enum class kind_t : std::uint8_t { fixed, floating };
  kind_t kind = kind_t::fixed;
  fixed_format fixed{};
  float_format floating{};

  constexpr number_format() noexcept = default;
  constexpr number_format(const fixed_format& f) noexcept : fixed(f) {}  // NOLINT: implicit by design
  constexpr number_format(const float_format& f) noexcept  // NOLINT: implicit by design
      : kind(kind_t::floating), floating(f) {}

  [[nodiscard]] constexpr bool is_fixed() const noexcept { return kind == kind_t::fixed; }
  [[nodiscard]] constexpr bool is_float() const noexcept { return kind == kind_t::floating; }
  friend constexpr bool operator==(const number_format& x, const number_format& y) noexcept {
    return x.kind == y.kind && (x.is_fixed() ? x.fixed == y.fixed : x.floating == y.floating);
  }
};

// Width in bits of the raw encoding (what the Verilog ports carry).
[[nodiscard]] constexpr int width(const number_format& f) noexcept {
  return f.is_fixed() ? f.fixed.width : width(f.floating);
}
[[nodiscard]] constexpr rounding rounding_of(const number_format& f) noexcept {
  return f.is_fixed() ? f.fixed.round : f.floating.round;
}
[[nodiscard]] constexpr const char* validate(const number_format& f) noexcept {
  return f.is_fixed() ? validate(f.fixed) : validate(f.floating);
}
[[nodiscard]] inline std::string to_string(const number_format& f) {
  return f.is_fixed() ? to_string(f.fixed) : to_string(f.floating);
}

// How a PE adds a product to its accumulator: fused rounds a*b + acc once; unfused first
// rounds a*b to the accumulator's format, then rounds the sum (two roundings per MAC).
enum class mac_kind : std::uint8_t { fused, unfused };

namespace detail {
inline constexpr std::array<std::string_view, 2> mac_kind_names{"fused", "unfused"};
}
[[nodiscard]] constexpr std::string_view to_string(mac_kind m) noexcept {
  return detail::mac_kind_names[static_cast<std::size_t>(m)];
}

// A multiply-accumulate processing element: acc <- R_acc((clear ? 0 : acc) + a*b) per MAC,
// out = R_out(acc). pipeline = register stages before the accumulator (0..2).
// Fixed operands need a fixed accumulator and output; float operands take a float or fixed
// accumulator and a float or fixed output.
struct pe_spec {
  number_format a;
  number_format b;
  number_format acc;
  number_format out;
  multiplier mul = multiplier::exact;
  int pipeline = 0;
  mac_kind mac = mac_kind::fused;
  friend constexpr bool operator==(const pe_spec&, const pe_spec&) = default;

  [[nodiscard]] constexpr bool float_operands() const noexcept { return a.is_float(); }
};

inline constexpr int max_pipeline = 2;
// A fixed accumulator fed by float products: acc + a*b is formed exactly with 34 guard bits
// below the accumulator's grid in 128-bit integers (docs/cfloat.md, section 5).
inline constexpr int max_float_fed_acc_width = 88;

// nullptr when s is a valid PE, otherwise what is wrong and how to fix it.
[[nodiscard]] constexpr const char* validate(const pe_spec& s) noexcept {
  for (const number_format* f : {&s.a, &s.b, &s.acc, &s.out})
    if (const char* e = validate(*f)) return e;
  if (s.pipeline < 0 || s.pipeline > max_pipeline) return "pipeline must be 0, 1 or 2";
  if (const char* e = validate(s.mul)) return e;
  if (static_cast<unsigned>(s.mac) > static_cast<unsigned>(mac_kind::unfused)) return "unknown MAC kind";
  if (s.a.kind != s.b.kind)
    return "a and b must both be fixed or both be float; convert one operand to the other's kind";
  if (s.a.is_fixed()) {
    if (!s.acc.is_fixed() || !s.out.is_fixed())
      return "a PE with fixed operands needs a fixed accumulator and output; use float operands for a float accumulator";
    if (s.mac != mac_kind::fused)
      return "a PE with fixed operands is fused (the exact product enters the accumulator's quantizer); drop mac=unfused";
    const fixed_format& a = s.a.fixed;
    const fixed_format& b = s.b.fixed;
    if (a.width + b.width > max_signed_width)
      return "the exact product of a and b needs more than 128 bits; narrow the operands";
    if (!a.is_signed && !b.is_signed && a.width + b.width > max_unsigned_width)
      return "the exact unsigned product of a and b needs more than 127 bits; narrow the operands";
    if (sum_format(s.acc.fixed, product_format(a, b)).width > max_signed_width)
      return "acc + a*b needs more than 128 bits; narrow acc or move its fraction point closer to the product's";
    return validate(s.mul, a.width, b.width);
  }
  if (!s.mul.is_exact()) return "float operands take the exact multiplier only (approximate multipliers act on fixed-point raws)";
  if (s.acc.is_fixed() && s.acc.fixed.width > max_float_fed_acc_width)
    return "a fixed accumulator fed by float products must be at most 88 bits wide";
  if (s.acc.is_fixed() && s.acc.fixed.frac > max_abs_frac - 34)
    return "a fixed accumulator fed by float products needs frac <= 2014 (its sums carry 34 guard bits)";
  return nullptr;
}

// Canonical text: pe<a=...,b=...,acc=...,out=...,mul=exact,pipeline=0> for fixed operands;
// float operands add ",mac=fused" or ",mac=unfused".
[[nodiscard]] inline std::string to_string(const pe_spec& p) {
  std::string s = "pe<a=" + to_string(p.a) + ",b=" + to_string(p.b) + ",acc=" + to_string(p.acc) +
                  ",out=" + to_string(p.out) + ",mul=";
  s += to_string(p.mul);
  s += ",pipeline=" + std::to_string(p.pipeline);
  if (p.float_operands()) {
    s += ",mac=";
    s += to_string(p.mac);
  }
  s += '>';
  return s;
}

namespace detail {

// fixed<...> or a float format (float<...> or a preset name).
[[nodiscard]] inline number_format read_number_format(descriptor_reader& r) {
  if (r.starts_with("fixed")) return r.fixed();
  return read_float_format(r);
}

// exact | truncated<t=N[,correction=...]> | broken_array<h=N,v=N> | mitchell[<correction=...>]
// | drum<k=N[,negate=invert|exact]> | table<name=NAME> | axbxp<k=K,na=A,nb=B,l=L[,select=fixed|dynamic]>
// (n=N sets na and nb); parameters in any order.
[[nodiscard]] inline multiplier read_multiplier(descriptor_reader& r) {
  multiplier m{};
  m.kind = r.enumerator<multiplier_kind>(multiplier_kind_names, "multiplier");
  unsigned seen = 0;
  if (r.peek('<')) {
    r.expect('<');
    seen = r.key_values(
        [&](std::string_view key) -> unsigned {
          if (key == "t") return m.t = r.integer(), 1U;
          if (key == "h") return m.h = r.integer(), 2U;
          if (key == "v") return m.v = r.integer(), 4U;
          if (key == "k") return m.k = r.integer(), 8U;
          if (key == "correction") return m.correction = r.enumerator<mul_correction>(correction_names, "correction"), 16U;
          if (key == "name") {
            const std::string_view name = r.word();
            if (name.size() > max_table_name_length) r.fail("a table multiplier's name has at most 31 characters");
            m.name = multiplier::table(name).name;
            return 32U;
          }
          if (key == "negate") return m.negate = r.enumerator<mul_negate>(negate_names, "negation"), 64U;
          if (key == "na") return m.na = r.integer(), 128U;
          if (key == "nb") return m.nb = r.integer(), 256U;
          if (key == "n") return m.na = m.nb = r.integer(), 128U | 256U | 2048U;
          if (key == "l") return m.l = r.integer(), 512U;
          if (key == "select") return m.select = r.enumerator<block_select>(block_select_names, "block selection"), 1024U;
          return 0U;
        },
        "multiplier parameter", "t, h, v, k, correction, name, negate, n, na, nb, l or select");
    r.expect('>');
  }
  const unsigned needed = m.kind == multiplier_kind::truncated      ? 1U
                          : m.kind == multiplier_kind::broken_array ? 2U | 4U
                          : m.kind == multiplier_kind::drum         ? 8U
                          : m.kind == multiplier_kind::table        ? 32U
                          : m.kind == multiplier_kind::axbxp        ? 8U | 128U | 256U | 512U
                                                                    : 0U;
  if ((seen & needed) != needed)
    r.fail(std::string(to_string(m.kind)) + " needs its parameters: " +
           (m.kind == multiplier_kind::truncated      ? "truncated<t=N> (columns dropped)"
            : m.kind == multiplier_kind::broken_array ? "broken_array<h=N,v=N> (rows and columns dropped)"
            : m.kind == multiplier_kind::drum         ? "drum<k=N> (segment bits)"
            : m.kind == multiplier_kind::axbxp
                ? "axbxp<k=K,na=A,nb=B,l=L> (block bits, blocks kept of a and of b, block products; n=N sets na and nb)"
                : "table<name=NAME> (the name it is registered under)"));
  if (const char* e = validate(m)) r.fail(e);
  return m;
}

// pe<a=...,b=...,acc=...,out=...[,mul=exact][,pipeline=N][,mac=fused|unfused]>, keys in any order.
[[nodiscard]] inline pe_spec read_pe_spec(descriptor_reader& r) {
  r.keyword("pe");
  r.expect('<');
  pe_spec p{};
  const unsigned seen = r.key_values(
      [&](std::string_view key) -> unsigned {
        if (key == "a") return p.a = read_number_format(r), 1U;
        if (key == "b") return p.b = read_number_format(r), 2U;
        if (key == "acc") return p.acc = read_number_format(r), 4U;
        if (key == "out") return p.out = read_number_format(r), 8U;
        if (key == "mul") return p.mul = read_multiplier(r), 16U;
        if (key == "pipeline") return p.pipeline = r.integer(), 32U;
        if (key == "mac") return p.mac = r.enumerator<mac_kind>(mac_kind_names, "MAC kind"), 64U;
        return 0U;
      },
      "PE field", "a, b, acc, out, mul, pipeline, mac");
  r.expect('>');
  if ((seen & 15U) != 15U) r.fail("a PE needs all of a=, b=, acc= and out=");
  if (const char* e = validate(p)) r.fail(e);
  return p;
}

}  // namespace detail

// Parse a multiplier's text (canonical or with parameters in any order). Throws lop::format_error.
[[nodiscard]] inline multiplier parse_multiplier(std::string_view text) {
  return detail::parse_whole(text, detail::read_multiplier);
}

// Parse the canonical text (or its shortened form with defaults). Throws lop::format_error.
[[nodiscard]] inline pe_spec parse_pe_spec(std::string_view text) {
  return detail::parse_whole(text, detail::read_pe_spec);
}

}  // namespace lop
