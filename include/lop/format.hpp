// Descriptors: the one plain-value description of a number format or PE from which both the
// C++ types and the generated Verilog are derived, and their canonical text form.
#pragma once
#include <array>
#include <cctype>
#include <initializer_list>
#include <charconv>
#include <cstdint>
#include <stdexcept>
#include <string>
#include <string_view>

namespace lop {

// How a value is brought onto a coarser grid (see docs/fixed-point.md).
enum class rounding : std::uint8_t {
  floor,        // toward -inf: drop the bits (two's-complement truncation)
  toward_zero,  // magnitude truncation
  half_up,      // nearest, ties toward +inf
  half_away,    // nearest, ties away from zero
  half_even,    // nearest, ties to even (convergent)
  stochastic,   // round up with probability (dropped bits)/2^d, driven by lop::lfsr32
  ceil,         // toward +inf: up iff any dropped bit is set (last: earlier values keep numbers)
};

// What happens to a value outside the representable range.
enum class overflow : std::uint8_t {
  wrap,                // keep the low `width` bits (two's complement)
  saturate,            // clamp to [min, max]
  saturate_symmetric,  // clamp to [-max, max]: the most negative code is never produced
  saturate_zero,       // out-of-range values become 0
};

// A fixed-point format: value = raw * 2^-frac, raw a `width`-bit two's-complement (signed)
// or binary (unsigned) integer. frac may be negative or larger than width.
struct fixed_format {
  int width = 16;
  int frac = 0;
  bool is_signed = true;
  rounding round = rounding::floor;
  overflow ovf = overflow::wrap;

  [[nodiscard]] constexpr int int_bits() const noexcept { return width - frac; }
  [[nodiscard]] constexpr fixed_format with_rounding(rounding r) const noexcept {
    fixed_format f = *this;
    f.round = r;
    return f;
  }
  [[nodiscard]] constexpr fixed_format with_overflow(overflow o) const noexcept {
    fixed_format f = *this;
    f.ovf = o;
    return f;
  }
  friend constexpr bool operator==(const fixed_format&, const fixed_format&) = default;
};

// Shorthands: sfix(16, 8) is a signed 16-bit format with 8 fraction bits.
[[nodiscard]] constexpr fixed_format sfix(int width, int frac, rounding r = rounding::floor,
                                          overflow o = overflow::wrap) noexcept {
  return {width, frac, true, r, o};
}
[[nodiscard]] constexpr fixed_format ufix(int width, int frac, rounding r = rounding::floor,
                                          overflow o = overflow::wrap) noexcept {
  return {width, frac, false, r, o};
}

// Formats of exact results (what hardware adders and multipliers produce). The result
// carries the left operand's rounding and overflow policy; they matter only when a value
// is later converted into that format.
[[nodiscard]] constexpr fixed_format product_format(const fixed_format& a,
                                                    const fixed_format& b) noexcept {
  return {a.width + b.width, a.frac + b.frac, a.is_signed || b.is_signed, a.round, a.ovf};
}
[[nodiscard]] constexpr fixed_format sum_format(const fixed_format& a,
                                                const fixed_format& b) noexcept {
  const bool s = a.is_signed || b.is_signed;
  const int fr = a.frac > b.frac ? a.frac : b.frac;
  const int ia = a.int_bits() + (s && !a.is_signed ? 1 : 0);
  const int ib = b.int_bits() + (s && !b.is_signed ? 1 : 0);
  return {(ia > ib ? ia : ib) + 1 + fr, fr, s, a.round, a.ovf};
}
[[nodiscard]] constexpr fixed_format difference_format(const fixed_format& a,
                                                       const fixed_format& b) noexcept {
  if (!a.is_signed && !b.is_signed) {  // a - b lies in (-2^ib, 2^ia)
    const int fr = a.frac > b.frac ? a.frac : b.frac;
    const int i = a.int_bits() > b.int_bits() ? a.int_bits() : b.int_bits();
    return {i + 1 + fr, fr, true, a.round, a.ovf};
  }
  fixed_format r = sum_format(a, b);
  r.is_signed = true;
  return r;
}
[[nodiscard]] constexpr fixed_format negate_format(const fixed_format& a) noexcept {
  return {a.width + 1, a.frac, true, a.round, a.ovf};
}

// Limits of the exact internal arithmetic (128-bit integers).
inline constexpr int max_signed_width = 128;
inline constexpr int max_unsigned_width = 127;
inline constexpr int max_abs_frac = 2048;

// Thrown for malformed descriptor text and impossible descriptors.
class format_error : public std::invalid_argument {
 public:
  using std::invalid_argument::invalid_argument;
};

namespace detail {
inline constexpr std::array<std::string_view, 7> rounding_names{
    "floor", "toward_zero", "half_up", "half_away", "half_even", "stochastic", "ceil"};
inline constexpr std::array<std::string_view, 4> overflow_names{
    "wrap", "saturate", "saturate_symmetric", "saturate_zero"};
}  // namespace detail

[[nodiscard]] constexpr std::string_view to_string(rounding r) noexcept {
  return detail::rounding_names[static_cast<std::size_t>(r)];
}
[[nodiscard]] constexpr std::string_view to_string(overflow o) noexcept {
  return detail::overflow_names[static_cast<std::size_t>(o)];
}

// nullptr when f is a valid format, otherwise what is wrong and how to fix it.
[[nodiscard]] constexpr const char* validate(const fixed_format& f) noexcept {
  if (f.width < 1) return "width must be at least 1";
  if (f.is_signed && f.width > max_signed_width)
    return "signed width must be at most 128 bits; quantize to a narrower format first";
  if (!f.is_signed && f.width > max_unsigned_width)
    return "unsigned width must be at most 127 bits; use a signed format or narrower operands";
  if (f.frac < -max_abs_frac || f.frac > max_abs_frac) return "frac must be within -2048..2048";
  if (static_cast<unsigned>(f.round) > static_cast<unsigned>(rounding::ceil))
    return "unknown rounding mode";
  if (static_cast<unsigned>(f.ovf) > static_cast<unsigned>(overflow::saturate_zero))
    return "unknown overflow mode";
  return nullptr;
}

namespace detail {
// "name<f1,f2,...>": the shape of every canonical descriptor text.
[[nodiscard]] inline std::string angle_list(std::string_view name, std::initializer_list<std::string_view> fields) {
  std::string s(name);
  s += '<';
  for (const std::string_view f : fields) {
    if (s.back() != '<') s += ',';
    s += f;
  }
  s += '>';
  return s;
}
}  // namespace detail

// Canonical text: fixed<16,8,signed,half_even,saturate>
[[nodiscard]] inline std::string to_string(const fixed_format& f) {
  return detail::angle_list("fixed", {std::to_string(f.width), std::to_string(f.frac),
                                      f.is_signed ? "signed" : "unsigned", to_string(f.round), to_string(f.ovf)});
}

namespace detail {

// Recursive-descent reader for the canonical text; tolerant of spaces, strict otherwise.
class descriptor_reader {
 public:
  explicit descriptor_reader(std::string_view text) : text_(text) {}

  [[noreturn]] void fail(const std::string& what) const {
    throw format_error("lop: cannot parse descriptor \"" + std::string(text_) + "\" at column " +
                       std::to_string(pos_ + 1) + ": " + what);
  }
  void skip_space() {
    while (pos_ < text_.size() && (text_[pos_] == ' ' || text_[pos_] == '\t')) ++pos_;
  }
  [[nodiscard]] bool peek(char c) {
    skip_space();
    return pos_ < text_.size() && text_[pos_] == c;
  }
  void expect(char c) {
    if (!peek(c)) fail(std::string("expected '") + c + "'");
    ++pos_;
  }
  [[nodiscard]] std::string_view word() {
    skip_space();
    const std::size_t start = pos_;
    while (pos_ < text_.size() && (std::isalnum(static_cast<unsigned char>(text_[pos_])) != 0 ||
                                   text_[pos_] == '_'))
      ++pos_;
    if (start == pos_) fail("expected a name");
    return text_.substr(start, pos_ - start);
  }
  [[nodiscard]] int integer() {
    skip_space();
    int v = 0;
    const char* first = text_.data() + pos_;
    const char* last = text_.data() + text_.size();
    if (first != last && *first == '+') ++first;
    auto [ptr, ec] = std::from_chars(first, last, v);
    if (ec != std::errc{}) fail("expected an integer");
    pos_ = static_cast<std::size_t>(ptr - text_.data());
    return v;
  }
  template <class Enum, std::size_t N>
  [[nodiscard]] Enum enumerator(const std::array<std::string_view, N>& names, const char* kind) {
    const std::string_view w = word();
    for (std::size_t i = 0; i < N; ++i)
      if (names[i] == w) return static_cast<Enum>(i);
    std::string msg = "unknown ";  // appended piecewise: GCC 12 -O3 warns (-Wrestrict) on operator+
    msg += kind;
    msg += " '";
    msg += w;
    msg += "'; expected one of:";
    for (auto n : names) {
      msg += ' ';
      msg += n;
    }
    fail(msg);
  }
  // key=value[,key=value...]: read_value(key) reads one value and returns the key's bit (0 for
  // an unknown key); `what` names the keys ("PE field") and `expected` lists them. A key may
  // appear once. Returns the bits of the keys seen.
  template <class ReadValue>
  unsigned key_values(ReadValue read_value, const char* what, const char* expected) {
    unsigned seen = 0;
    do {
      const descriptor_reader at = *this;
      const std::string key(word());
      expect('=');
      const unsigned bit = read_value(std::string_view(key));
      if (bit == 0) at.fail("unknown " + std::string(what) + " '" + key + "'; expected " + expected);
      if ((seen & bit) != 0) at.fail(std::string(what) + " '" + key + "' given twice");
      seen |= bit;
    } while (peek(',') && (expect(','), true));
    return seen;
  }
  void keyword(std::string_view kw) {
    const std::size_t at = pos_;
    if (word() != kw) {
      pos_ = at;
      fail("expected '" + std::string(kw) + "'");
    }
  }

  // fixed<W,F[,signed|unsigned[,rounding[,overflow]]]>  (defaults: signed, floor, wrap)
  [[nodiscard]] fixed_format fixed() {
    keyword("fixed");
    expect('<');
    fixed_format f{};
    f.width = integer();
    expect(',');
    f.frac = integer();
    f.is_signed = true;
    f.round = rounding::floor;
    f.ovf = overflow::wrap;
    if (peek(',')) {
      ++pos_;
      const std::size_t at = pos_;
      const std::string_view s = word();
      if (s == "signed") {
        f.is_signed = true;
      } else if (s == "unsigned") {
        f.is_signed = false;
      } else {
        pos_ = at;
        fail("expected 'signed' or 'unsigned'");
      }
      if (peek(',')) {
        ++pos_;
        f.round = enumerator<rounding>(rounding_names, "rounding mode");
        if (peek(',')) {
          ++pos_;
          f.ovf = enumerator<overflow>(overflow_names, "overflow mode");
        }
      }
    }
    expect('>');
    if (const char* e = validate(f)) fail(e);
    return f;
  }

  void finish() {
    skip_space();
    if (pos_ != text_.size()) fail("unexpected trailing text");
  }
  [[nodiscard]] bool starts_with(std::string_view kw) {
    skip_space();
    return text_.substr(pos_).starts_with(kw);
  }

 private:
  std::string_view text_;
  std::size_t pos_ = 0;
};

// Reads one whole descriptor text with `read` (no trailing text allowed).
template <class Read>
[[nodiscard]] auto parse_whole(std::string_view text, Read read) {
  descriptor_reader r(text);
  auto value = read(r);
  r.finish();
  return value;
}

}  // namespace detail

// Parse the canonical text (or its shortened form with defaults). Throws lop::format_error.
[[nodiscard]] inline fixed_format parse_fixed_format(std::string_view text) {
  return detail::parse_whole(text, [](detail::descriptor_reader& r) { return r.fixed(); });
}
}  // namespace lop
