// The multiplier of a processing element: exact, or one of the approximate families
// (docs/multipliers.md gives each definition, with its published origin and the conventions
// for signed operands). A multiplier acts on the operands' raw integers: a fixed-point
// product keeps the exact product's format, only its raw value is approximate.
#pragma once
#include <algorithm>
#include <array>
#include <bit>
#include <cstdint>
#include <string>
#include <string_view>

namespace lop {

enum class multiplier_kind : std::uint8_t {
  exact,         // a * b
  truncated,     // partial-product bits in the t least-significant columns dropped
  broken_array,  // broken-array multiplier: the h lowest rows and the v lowest columns dropped
  mitchell,      // Mitchell's logarithmic multiplier (piecewise-linear log2 and antilog)
  drum,          // DRUM: k-bit segments from each operand's leading one, lsb set to 1
  table,         // the user's circuit: products from a registered table or function (lop/table_multiplier.hpp)
  axbxp,         // Ax-BxP: k-bit blocks, na/nb blocks kept per operand, l block products (docs/axbxp.md)
};

// How a sign-magnitude multiplier (DRUM) negates: `invert` as DRUM's published signed design
// (one's complement: a negative operand enters as |x| - 1, a negative product leaves as -p - 1),
// `exact` by two's-complement negation (0 * x = 0; the unsigned core's product, signed).
enum class mul_negate : std::uint8_t { invert, exact };

// Which blocks of an Ax-BxP operand are kept: `fixed` the most significant block positions,
// `dynamic` the most significant non-zero blocks of each value (their indices travel with it).
enum class block_select : std::uint8_t { fixed, dynamic };

// The compensation a truncated or Mitchell multiplier adds.
enum class mul_correction : std::uint8_t {
  none,
  constant,  // truncated: the expected value of the dropped bits; Mitchell: 2^-4 in the log sum
  variable,  // truncated: the bits of column t-1 added again one column up (VCTM)
};

// A table multiplier's name: letters, digits and '_', starting with a letter, at most this long.
inline constexpr std::size_t max_table_name_length = 31;

struct multiplier {
  multiplier_kind kind = multiplier_kind::exact;
  int t = 0;  // truncated: columns dropped
  int h = 0;  // broken_array: horizontal break level (rows b_0 .. b_{h-1} dropped)
  int v = 0;  // broken_array: vertical break level (columns 0 .. v-1 dropped)
  int k = 0;  // drum: segment width
  mul_correction correction = mul_correction::none;
  // table: the name the circuit is registered under (NUL-padded; a name that does not fit
  // leaves the last character set, which validate() reports).
  std::array<char, max_table_name_length + 1> name{};
  mul_negate negate = mul_negate::invert;  // drum
  int na = 0;                              // axbxp: blocks of a kept (k is the block size)
  int nb = 0;                              // axbxp: blocks of b kept
  int l = 0;                               // axbxp: block products computed
  block_select select = block_select::fixed;  // axbxp

  static const multiplier exact;  // multiplier::exact, the default

  [[nodiscard]] static constexpr multiplier truncated(int t, mul_correction c = mul_correction::none) noexcept {
    return {multiplier_kind::truncated, t, 0, 0, 0, c};
  }
  [[nodiscard]] static constexpr multiplier broken_array(int h, int v) noexcept {
    return {multiplier_kind::broken_array, 0, h, v, 0, mul_correction::none};
  }
  [[nodiscard]] static constexpr multiplier mitchell(mul_correction c = mul_correction::none) noexcept {
    return {multiplier_kind::mitchell, 0, 0, 0, 0, c};
  }
  [[nodiscard]] static constexpr multiplier drum(int k, mul_negate n = mul_negate::invert) noexcept {
    multiplier m{multiplier_kind::drum, 0, 0, 0, k, mul_correction::none};
    m.negate = n;
    return m;
  }
  // Ax-BxP with k-bit blocks: na blocks of a and nb of b kept (chosen by `select`), and of
  // their block-pair products the l most significant computed (docs/axbxp.md).
  [[nodiscard]] static constexpr multiplier axbxp(int k, int na, int nb, int l, block_select select) noexcept {
    multiplier m{multiplier_kind::axbxp, 0, 0, 0, k, mul_correction::none};
    m.na = na;
    m.nb = nb;
    m.l = l;
    m.select = select;
    return m;
  }
  // The circuit registered as `name` (lop::register_table_multiplier, or lop-hwgen --table).
  [[nodiscard]] static constexpr multiplier table(std::string_view name) noexcept {
    multiplier m{multiplier_kind::table, 0, 0, 0, 0, mul_correction::none};
    for (std::size_t i = 0; i < name.size() && i < m.name.size(); ++i) m.name[i] = name[i];
    return m;
  }
  [[nodiscard]] constexpr std::string_view table_name() const noexcept {
    std::size_t n = 0;
    while (n < name.size() && name[n] != '\0') ++n;
    return {name.data(), n};
  }
  [[nodiscard]] constexpr bool is_exact() const noexcept { return kind == multiplier_kind::exact; }
  friend constexpr bool operator==(const multiplier&, const multiplier&) = default;
};
inline constexpr multiplier multiplier::exact{};

// The shape of a multiplier operand: its width and whether its raw value is two's complement.
struct operand_shape {
  int width = 8;
  bool is_signed = false;
  friend constexpr bool operator==(const operand_shape&, const operand_shape&) = default;
};

// Approximate multipliers take operands of at most this many bits (their products fit 64 bits).
inline constexpr int max_approximate_operand_width = 32;

namespace detail {
inline constexpr std::array<std::string_view, 7> multiplier_kind_names{"exact", "truncated", "broken_array",
                                                                       "mitchell", "drum", "table", "axbxp"};
inline constexpr std::array<std::string_view, 3> correction_names{"none", "constant", "variable"};
inline constexpr std::array<std::string_view, 2> negate_names{"invert", "exact"};
inline constexpr std::array<std::string_view, 2> block_select_names{"fixed", "dynamic"};
}  // namespace detail

[[nodiscard]] constexpr std::string_view to_string(multiplier_kind k) noexcept {
  return detail::multiplier_kind_names[static_cast<std::size_t>(k)];
}
[[nodiscard]] constexpr std::string_view to_string(mul_correction c) noexcept {
  return detail::correction_names[static_cast<std::size_t>(c)];
}
[[nodiscard]] constexpr std::string_view to_string(mul_negate n) noexcept {
  return detail::negate_names[static_cast<std::size_t>(n)];
}
[[nodiscard]] constexpr std::string_view to_string(block_select b) noexcept {
  return detail::block_select_names[static_cast<std::size_t>(b)];
}

// The largest Ax-BxP block (bits) and blocks per operand.
inline constexpr int max_axbxp_block = 8;

// nullptr when m is a well-formed multiplier on its own; operand-dependent limits are checked
// by validate(m, wa, wb).
[[nodiscard]] constexpr const char* validate(const multiplier& m) noexcept {
  if (static_cast<unsigned>(m.kind) > static_cast<unsigned>(multiplier_kind::axbxp)) return "unknown multiplier";
  if (static_cast<unsigned>(m.negate) > static_cast<unsigned>(mul_negate::exact)) return "unknown negation";
  if (static_cast<unsigned>(m.select) > static_cast<unsigned>(block_select::dynamic)) return "unknown block selection";
  if (static_cast<unsigned>(m.correction) > static_cast<unsigned>(mul_correction::variable))
    return "unknown multiplier correction";
  const bool uses_t = m.kind == multiplier_kind::truncated;
  const bool uses_hv = m.kind == multiplier_kind::broken_array;
  const bool axbxp = m.kind == multiplier_kind::axbxp;
  const bool uses_k = m.kind == multiplier_kind::drum || axbxp;
  if ((!uses_t && m.t != 0) || (!uses_hv && (m.h != 0 || m.v != 0)) || (!uses_k && m.k != 0) ||
      (!axbxp && (m.na != 0 || m.nb != 0 || m.l != 0 || m.select != block_select::fixed)) ||
      (m.kind != multiplier_kind::drum && m.negate != mul_negate::invert))
    return "a parameter was given that this multiplier does not take (t: truncated; h, v: broken_array; k, negate: "
           "drum; k, na, nb, l, select: axbxp)";
  if (axbxp) {
    if (m.k < 1 || m.k > max_axbxp_block) return "axbxp: the block size k must be 1 to 8 bits";
    if (m.na < 1 || m.nb < 1) return "axbxp: na and nb (blocks kept of a and of b) must be at least 1";
    if (m.l < 1 || m.l > m.na * m.nb)
      return "axbxp: l (block products computed) must be 1 to na*nb, the block pairs there are";
    return nullptr;
  }
  if (m.correction != mul_correction::none && m.kind != multiplier_kind::truncated && m.kind != multiplier_kind::mitchell)
    return "only truncated and mitchell multipliers take a correction";
  if (m.kind == multiplier_kind::mitchell && m.correction == mul_correction::variable)
    return "mitchell takes correction=none or correction=constant";
  if (m.t < 0 || m.h < 0 || m.v < 0) return "t, h and v must be at least 0";
  if (m.kind == multiplier_kind::drum && m.k < 2) return "drum needs k >= 2 (the segment's lsb is forced to 1)";
  const std::string_view name = m.table_name();
  if (m.kind != multiplier_kind::table) {
    if (!name.empty()) return "only a table multiplier has a name";
    return nullptr;
  }
  if (name.empty()) return "a table multiplier needs the name it is registered under: table<name=NAME>";
  if (name.size() > max_table_name_length) return "a table multiplier's name has at most 31 characters";
  const auto letter = [](char c) { return (c >= 'a' && c <= 'z') || (c >= 'A' && c <= 'Z'); };
  if (!letter(name[0])) return "a table multiplier's name starts with a letter";
  for (char c : name)
    if (!letter(c) && !(c >= '0' && c <= '9') && c != '_')
      return "a table multiplier's name has only letters, digits and '_'";
  return nullptr;
}

// nullptr when m can multiply operands of wa and wb bits, otherwise what to change.
[[nodiscard]] constexpr const char* validate(const multiplier& m, int wa, int wb) noexcept {
  if (const char* e = validate(m)) return e;
  if (m.is_exact()) return nullptr;
  if (wa > max_approximate_operand_width || wb > max_approximate_operand_width)
    return "approximate multipliers take operands of at most 32 bits; use narrower operand formats";
  if (m.t > wa + wb) return "truncated: t must be at most the product width (the sum of the operand widths)";
  if (m.kind == multiplier_kind::truncated && m.correction == mul_correction::variable && m.t < 1)
    return "truncated with correction=variable needs t >= 1 (it adds column t-1 again)";
  if (m.h > wb) return "broken_array: h must be at most b's width (the number of partial-product rows)";
  if (m.v > wa + wb) return "broken_array: v must be at most the product width";
  if (m.kind == multiplier_kind::drum && m.k > std::max(wa, wb))
    return "drum: k must be at most the wider operand's width";
  if (m.kind == multiplier_kind::axbxp) {
    if (wa % m.k != 0 || wb % m.k != 0)
      return "axbxp: the block size k must divide both operand widths (an operand is a whole number of blocks)";
    if (m.na > wa / m.k || m.nb > wb / m.k)
      return "axbxp: na and nb can keep at most the blocks an operand has (its width / k)";
  }
  if (m.kind == multiplier_kind::mitchell && m.correction == mul_correction::constant && std::max(wa, wb) < 4)
    return "mitchell with correction=constant needs an operand of at least 4 bits (the correction is 2^-4)";
  return nullptr;
}

// Canonical text: exact, truncated<t=6[,correction=constant|variable]>, broken_array<h=2,v=6>,
// mitchell[<correction=constant>], drum<k=6[,negate=exact]>, table<name=NAME>,
// axbxp<k=2,na=3,nb=3,l=6,select=dynamic>.
[[nodiscard]] inline std::string to_string(const multiplier& m) {
  std::string s(to_string(m.kind));
  const auto corr = [&] { return "correction=" + std::string(to_string(m.correction)); };
  switch (m.kind) {
    case multiplier_kind::exact: break;
    case multiplier_kind::truncated:
      s += "<t=" + std::to_string(m.t) + (m.correction == mul_correction::none ? "" : "," + corr()) + ">";
      break;
    case multiplier_kind::broken_array: s += "<h=" + std::to_string(m.h) + ",v=" + std::to_string(m.v) + ">"; break;
    case multiplier_kind::mitchell:
      if (m.correction != mul_correction::none) s += "<" + corr() + ">";
      break;
    case multiplier_kind::drum:
      s += "<k=" + std::to_string(m.k) + (m.negate == mul_negate::exact ? ",negate=exact" : "") + ">";
      break;
    case multiplier_kind::table: s += "<name=" + std::string(m.table_name()) + ">"; break;
    case multiplier_kind::axbxp:
      s += "<k=" + std::to_string(m.k) + ",na=" + std::to_string(m.na) + ",nb=" + std::to_string(m.nb) +
           ",l=" + std::to_string(m.l) + ",select=" + std::string(to_string(m.select)) + ">";
      break;
  }
  return s;
}

}  // namespace lop
