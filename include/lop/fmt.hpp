// {fmt} support: fmt::format("{}", x) for lop::fixed and lop::cfloat values and descriptors
// (cfloat: see below).
//   {}            exact decimal value            "-1.375"
//   {:f} {:.3f} {:e} {:g}   the value as a double, with the usual floating-point spec
//   {:b}          raw bits in binary, all `width` digits    "11111010"
//   {:x} {:X}     raw bits in hex, ceil(width/4) digits     "fa"
//   {:d}          the raw integer (value * 2^frac)          "-6"
// Descriptors (fixed_format, float_format, pe_spec) print as their canonical text.
#pragma once
#include <algorithm>
#include <concepts>
#include <string>
#include <string_view>

#include <fmt/format.h>

#include "lop/cfloat.hpp"
#include "lop/fixed.hpp"
#include "lop/float_format.hpp"
#include "lop/format.hpp"
#include "lop/pe_spec.hpp"

namespace lop::detail {
// The formatter of lop's number types T (fixed<F>, cfloat<F>): `width` raw bits, the
// default text, and whether {:d} (the raw integer) is meaningful.
template <class T, int Width, bool HasRawInteger>
struct number_formatter {
  char presentation = 0;
  // A floating-point spec ("{:.3f}") is applied to the double value by libfmt at run time,
  // not through formatter<double>::parse, whose fill handling trips GCC 12's
  // -Wstringop-overflow at -O3.
  std::string_view double_spec;

  constexpr auto parse(fmt::format_parse_context& ctx) -> decltype(ctx.begin()) {
    auto it = ctx.begin();
    const auto end = ctx.end();
    if (it != end && *it != '}') {
      auto last = it;
      while (last != end && *last != '}') ++last;
      const char type = *(last - 1);
      if (type == 'b' || type == 'x' || type == 'X' || (HasRawInteger && type == 'd')) {
        if (last - it != 1) throw fmt::format_error("lop: raw formats b, x, X, d take no other options");
        presentation = type;
        return last;
      }
      if (type == 'd') throw fmt::format_error("lop::cfloat: no {:d}; use {:b} or {:x} for the raw bits");
      presentation = 'f';
      double_spec = std::string_view(&*it, static_cast<std::size_t>(last - it));
      return last;
    }
    return it;
  }

  template <class Ctx>
  auto format(const T& x, Ctx& ctx) const -> decltype(ctx.out()) {
    const auto bits = static_cast<lop::detail::u128>(x.bits());
    std::string s;
    switch (presentation) {
      case 0: s = lop::to_string(x); break;
      case 'f': {
        const double v = x.to_double();
        s = fmt::vformat("{:" + std::string(double_spec) + "}", fmt::make_format_args(v));
        break;
      }
      case 'd':
        if constexpr (HasRawInteger) s = lop::detail::to_decimal(x.raw(), 0);
        break;
      case 'b':
        for (int i = Width - 1; i >= 0; --i) s += ((bits >> i) & 1) != 0 ? '1' : '0';
        break;
      default: {
        const char* digits = presentation == 'X' ? "0123456789ABCDEF" : "0123456789abcdef";
        for (int i = ((Width + 3) / 4 - 1) * 4; i >= 0; i -= 4) s += digits[static_cast<int>((bits >> i) & 0xF)];
      }
    }
    return std::copy(s.begin(), s.end(), ctx.out());
  }
};
}  // namespace lop::detail

template <lop::fixed_format F>
struct fmt::formatter<lop::fixed<F>> : lop::detail::number_formatter<lop::fixed<F>, F.width, true> {};

// cfloat: {} shortest round-trip decimal ("nan", "inf", "-0"), {:b} {:x} {:X} raw bits,
// {:.3f} etc. the value as a double.
template <lop::float_format F>
struct fmt::formatter<lop::cfloat<F>> : lop::detail::number_formatter<lop::cfloat<F>, lop::width(F), false> {};

namespace lop::detail {
template <class T>
concept printable_descriptor = std::same_as<T, fixed_format> || std::same_as<T, float_format> ||
                               std::same_as<T, number_format> || std::same_as<T, pe_spec>;
}  // namespace lop::detail

// Descriptors print as their canonical text ("{}" only: the text is the whole point).
// Not derived from formatter<string_view>, whose fill parsing trips GCC 12's
// -Wstringop-overflow at -O3.
template <lop::detail::printable_descriptor T>
struct fmt::formatter<T> {
  constexpr auto parse(fmt::format_parse_context& ctx) -> decltype(ctx.begin()) {
    if (ctx.begin() != ctx.end() && *ctx.begin() != '}')
      throw fmt::format_error("lop descriptors take no format options; use {}");
    return ctx.begin();
  }
  template <class Ctx>
  auto format(const T& d, Ctx& ctx) const -> decltype(ctx.out()) {
    const std::string text = lop::to_string(d);
    return std::copy(text.begin(), text.end(), ctx.out());
  }
};
