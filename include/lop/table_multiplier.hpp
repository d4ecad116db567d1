// Bring-your-own multipliers. A circuit the user supplies (one from a public library of
// approximate multipliers, say) enters lop as multiplier::table("name"): its products come
// from a truth table (a file in the format below, or a vector) or from a C++ function, and
// its hardware is the user's own Verilog module, which lop-hwgen instantiates inside the
// generated PE. A pe_spec is a template argument and can hold only the name, so a run-time
// registry maps names to circuits (docs/multipliers.md, "Table multipliers").
#pragma once
#include <charconv>
#include <cstdint>
#include <filesystem>
#include <fstream>
#include <functional>
#include <map>
#include <memory>
#include <mutex>
#include <optional>
#include <ostream>
#include <sstream>
#include <string>
#include <string_view>
#include <utility>
#include <vector>

#include "lop/detail/int128.hpp"
#include "lop/format.hpp"
#include "lop/multiplier.hpp"

namespace lop {

// The user's Verilog module of a table multiplier (docs/multipliers.md gives the convention):
// combinational, input ports a (wa bits) and b (wb bits) carrying the operands' raw bits,
// output y of at most wa + wb + 1 bits carrying the product's raw bits, two's complement when
// either operand is signed (lop extends y to the PE's wa + wb + 1-bit product). Port names
// other than a, b, y are given here.
struct verilog_module {
  std::filesystem::path file;  // holds the module and every module it instantiates
  std::string name;            // the module's name
  std::string a = "a";
  std::string b = "b";
  std::string y = "y";
};

// A table holds at most 2^max_table_bits products (wa + wb <= 24); a function is tabulated
// when registered if wa + wb <= tabulated_function_bits, else called per product.
inline constexpr int max_table_bits = 24;
inline constexpr int tabulated_function_bits = 20;

// "u8" / "s16": the operand shape's short text (the table header and lop-hwgen use it).
[[nodiscard]] inline std::string to_string(operand_shape s) {
  return (s.is_signed ? "s" : "u") + std::to_string(s.width);
}

namespace detail {

// Lowest and highest raw product of a wa x wb multiplier: one bit more than the exact product
// (lop::product_format(a, b, m)), two's complement when either operand is signed.
[[nodiscard]] constexpr std::pair<i128, i128> table_product_range(operand_shape a, operand_shape b) noexcept {
  const int p = a.width + b.width + 1;
  if (a.is_signed || b.is_signed) return {-(static_cast<i128>(1) << (p - 1)), (static_cast<i128>(1) << (p - 1)) - 1};
  return {0, (static_cast<i128>(1) << p) - 1};
}

[[nodiscard]] constexpr std::uint64_t operand_mask(operand_shape s) noexcept {
  return s.width >= 64 ? ~std::uint64_t{0} : (std::uint64_t{1} << s.width) - 1U;
}

// The value of raw bits `bits` in shape s.
[[nodiscard]] constexpr std::int64_t operand_value(std::uint64_t bits, operand_shape s) noexcept {
  const std::uint64_t mask = operand_mask(s);
  bits &= mask;
  if (s.is_signed && s.width < 64 && ((bits >> (s.width - 1)) & 1U) != 0) return static_cast<std::int64_t>(bits | ~mask);
  return static_cast<std::int64_t>(bits);
}

// "u8" | "s16" -> shape; nullopt when malformed.
[[nodiscard]] inline std::optional<operand_shape> parse_operand_shape(std::string_view t) {
  if (t.size() < 2 || (t[0] != 'u' && t[0] != 's')) return std::nullopt;
  int w = 0;
  const auto [ptr, ec] = std::from_chars(t.data() + 1, t.data() + t.size(), w);
  if (ec != std::errc{} || ptr != t.data() + t.size() || w < 1 || w > max_approximate_operand_width)
    return std::nullopt;
  return operand_shape{w, t[0] == 's'};
}

}  // namespace detail

class table_multiplier {
 public:
  // f(a, b) for operand values a, b (raw bit patterns read per their shapes): the product's raw value.
  using function = std::function<std::int64_t(std::int64_t, std::int64_t)>;

  // products[(a_bits << b.width) | b_bits] for every pair of raw bit patterns (a's outer).
  // Throws lop::format_error naming the first problem (count, a product out of range, ...).
  table_multiplier(std::string name, operand_shape a, operand_shape b, const std::vector<std::int64_t>& products)
      : name_(std::move(name)), a_(a), b_(b), simulates_(true) {
    check_shapes();
    const std::size_t n = pairs();
    if (products.size() != n)
      fail(std::to_string(products.size()) + " products given; " + to_string(a_) + " x " + to_string(b_) +
           " operands need " + std::to_string(n) + " (one per pair of raw bit patterns, a's outer)");
    table_.resize(n);
    // Products of wa + wb <= 24 bits operands fit 25 bits.
    for (std::size_t i = 0; i < n; ++i) table_[i] = static_cast<std::int32_t>(checked(products[i], i));
  }

  // Products from a function, tabulated now when wa + wb <= tabulated_function_bits.
  table_multiplier(std::string name, operand_shape a, operand_shape b, function f)
      : name_(std::move(name)), a_(a), b_(b), simulates_(true), f_(std::move(f)) {
    if (!f_) fail("no function given");
    check_shapes();
    if (a_.width + b_.width <= tabulated_function_bits) {
      table_.resize(pairs());
      for (std::size_t i = 0; i < table_.size(); ++i)
        table_[i] = static_cast<std::int32_t>(
            checked(f_(detail::operand_value(i >> b_.width, a_), detail::operand_value(i, b_)), i));
    }
  }

  // Hardware only: lop-hwgen instantiates the module, nothing can simulate the circuit.
  table_multiplier(std::string name, verilog_module v) : name_(std::move(name)), verilog_(std::move(v)) {
    check_name();
  }

  // The table file `file` (format: docs/multipliers.md; write_product_table writes it).
  [[nodiscard]] static table_multiplier read(std::string name, const std::filesystem::path& file);

  // The user's module, which lop-hwgen instantiates for this circuit.
  table_multiplier& with_verilog(verilog_module v) & {
    verilog_ = std::move(v);
    return *this;
  }
  table_multiplier&& with_verilog(verilog_module v) && { return std::move(with_verilog(std::move(v))); }

  [[nodiscard]] const std::string& name() const noexcept { return name_; }
  [[nodiscard]] bool simulates() const noexcept { return simulates_; }  // products known
  [[nodiscard]] operand_shape a() const noexcept { return a_; }
  [[nodiscard]] operand_shape b() const noexcept { return b_; }
  [[nodiscard]] const std::optional<verilog_module>& verilog() const noexcept { return verilog_; }

  // The raw product of operand values a, b (in the shapes' ranges; simulates() must hold).
  [[nodiscard]] detail::i128 product(detail::i128 a, detail::i128 b) const {
    const auto bits = [](detail::i128 v, operand_shape s) {
      return static_cast<std::uint64_t>(static_cast<detail::u128>(v)) & detail::operand_mask(s);
    };
    const std::uint64_t i = (bits(a, a_) << b_.width) | bits(b, b_);
    if (!table_.empty()) return table_[i];
    return checked(f_(static_cast<std::int64_t>(a), static_cast<std::int64_t>(b)), i);
  }

 private:
  [[noreturn]] void fail(const std::string& what) const {
    throw format_error("lop: table multiplier '" + name_ + "': " + what);
  }
  void check_name() const {
    if (const char* e = validate(multiplier::table(name_))) fail(e);
  }
  void check_shapes() const {
    check_name();
    if (a_.width < 1 || b_.width < 1 || a_.width > max_approximate_operand_width ||
        b_.width > max_approximate_operand_width)
      fail("operands have 1 to 32 bits");
    if (!f_ && a_.width + b_.width > max_table_bits)
      fail("a table holds at most 2^24 products (wa + wb <= 24); give a function for wider operands");
  }
  [[nodiscard]] std::size_t pairs() const noexcept { return std::size_t{1} << (a_.width + b_.width); }
  // p if it fits the one-bit-wider product, else an error naming the pair.
  [[nodiscard]] std::int64_t checked(std::int64_t p, std::uint64_t index) const {
    const auto [lo, hi] = detail::table_product_range(a_, b_);
    if (p < lo || p > hi) {
      std::ostringstream os;
      os << "product " << p << " for a = " << detail::operand_value(index >> b_.width, a_)
         << ", b = " << detail::operand_value(index, b_) << " does not fit the " << (a_.width + b_.width + 1)
         << "-bit " << (a_.is_signed || b_.is_signed ? "signed" : "unsigned") << " product ("
         << static_cast<std::int64_t>(lo) << " .. " << static_cast<std::int64_t>(hi) << ")";
      fail(os.str());
    }
    return p;
  }

  std::string name_;
  operand_shape a_{};
  operand_shape b_{};
  bool simulates_ = false;
  std::vector<std::int32_t> table_;  // tabulated products, else empty
  function f_;
  std::optional<verilog_module> verilog_;
};

// ---------------------------------------------------------------------------------------
// The table file: text, '#' starts a comment; a header line, then every product.
//   lop-product-table a=u8 b=u8
//   0 0 0 ... 0        <- a = 0: the products for b's raw bit patterns 0 .. 2^wb - 1
//   0 1 2 ... 255      <- a = 1
// One line per raw bit pattern of a in increasing order (for a signed a: 0, 1, ..., -1), the
// products as decimal integers separated by blanks. Line breaks are free; only the order counts.
// ---------------------------------------------------------------------------------------
template <class Product>
void write_product_table(std::ostream& os, operand_shape a, operand_shape b, Product&& product,
                         std::string_view comment = {}) {
  if (a.width + b.width > max_table_bits)
    throw format_error("lop: a product table holds at most 2^24 products (wa + wb <= 24)");
  if (!comment.empty()) os << "# " << comment << "\n";
  os << "lop-product-table a=" << to_string(a) << " b=" << to_string(b) << "\n";
  std::string line;
  for (std::uint64_t x = 0; x < (std::uint64_t{1} << a.width); ++x) {
    line.clear();
    for (std::uint64_t y = 0; y < (std::uint64_t{1} << b.width); ++y) {
      if (y > 0) line += ' ';
      line += std::to_string(static_cast<std::int64_t>(
          product(detail::operand_value(x, a), detail::operand_value(y, b))));
    }
    line += '\n';
    os << line;
  }
}

inline table_multiplier table_multiplier::read(std::string name, const std::filesystem::path& file) {
  std::ifstream in(file, std::ios::binary);
  if (!in)
    throw format_error("lop: cannot open the product table '" + file.string() + "' of table multiplier '" + name +
                       "'; check the path");
  std::ostringstream buf;
  buf << in.rdbuf();
  const std::string text = buf.str();
  const std::string where = file.string();
  std::size_t pos = 0;
  int line = 1;
  const auto error = [&](const std::string& what) {
    throw format_error("lop: " + where + ":" + std::to_string(line) + ": " + what);
  };
  // The next token (nullopt at the end), skipping blanks, line breaks and comments.
  const auto token = [&]() -> std::optional<std::string_view> {
    while (pos < text.size()) {
      const char c = text[pos];
      if (c == '\n') {
        ++line;
        ++pos;
      } else if (c == ' ' || c == '\t' || c == '\r' || c == ',') {
        ++pos;
      } else if (c == '#') {
        while (pos < text.size() && text[pos] != '\n') ++pos;
      } else {
        const std::size_t start = pos;
        while (pos < text.size() && text[pos] != ' ' && text[pos] != '\t' && text[pos] != '\r' &&
               text[pos] != '\n' && text[pos] != ',' && text[pos] != '#')
          ++pos;
        return std::string_view(text).substr(start, pos - start);
      }
    }
    return std::nullopt;
  };
  const auto header = token();
  if (!header || *header != "lop-product-table")
    error("expected the header 'lop-product-table a=u8 b=u8' (operand shapes u<bits> or s<bits>)");
  operand_shape shapes[2]{};
  for (int i = 0; i < 2; ++i) {
    const char key = i == 0 ? 'a' : 'b';
    const auto t = token();
    const std::optional<operand_shape> s =
        t && t->size() > 2 && (*t)[0] == key && (*t)[1] == '=' ? detail::parse_operand_shape(t->substr(2))
                                                              : std::nullopt;
    if (!s)
      error(std::string("expected ") + key + "=u<bits> or " + key + "=s<bits> (1 to 32 bits) in the header, got '" +
            std::string(t ? *t : "end of file") + "'");
    shapes[i] = *s;
  }
  if (shapes[0].width + shapes[1].width > max_table_bits)
    error("a table holds at most 2^24 products (wa + wb <= 24); register a function for wider operands");
  const std::size_t n = std::size_t{1} << (shapes[0].width + shapes[1].width);
  std::vector<std::int64_t> products;
  products.reserve(n);
  while (const auto t = token()) {
    std::int64_t v = 0;
    const char* first = t->data();
    const char* last = t->data() + t->size();
    if (first != last && *first == '+') ++first;
    const auto [ptr, ec] = std::from_chars(first, last, v);
    if (ec != std::errc{} || ptr != last) error("'" + std::string(*t) + "' is not a decimal integer");
    if (products.size() == n)
      error("more than the " + std::to_string(n) + " products that " + to_string(shapes[0]) + " x " +
            to_string(shapes[1]) + " operands have");
    products.push_back(v);
  }
  if (products.size() != n)
    throw format_error("lop: " + where + ": " + std::to_string(products.size()) + " products; " + to_string(shapes[0]) + " x " + to_string(shapes[1]) +
          " operands need " + std::to_string(n) + " (2^" + std::to_string(shapes[0].width) + " lines of 2^" +
          std::to_string(shapes[1].width) + ")");
  try {
    return table_multiplier(std::move(name), shapes[0], shapes[1], products);
  } catch (const format_error& e) {
    throw format_error(where + ": " + e.what());
  }
}

// ---------------------------------------------------------------------------------------
// The registry: one per program, safe to use from several threads.
// ---------------------------------------------------------------------------------------
namespace detail {
struct table_registry {
  std::mutex mutex;
  std::map<std::string, std::shared_ptr<const table_multiplier>, std::less<>> circuits;
};
[[nodiscard]] inline table_registry& table_multipliers() {
  static table_registry r;
  return r;
}
}  // namespace detail

// Make t available as multiplier::table(t.name()); replaces a circuit of the same name (users
// already holding the old one keep it).
inline void register_table_multiplier(table_multiplier t) {
  auto& r = detail::table_multipliers();
  auto p = std::make_shared<const table_multiplier>(std::move(t));
  const std::lock_guard lock(r.mutex);
  r.circuits[p->name()] = std::move(p);
}

// The circuit registered as `name`, or null.
[[nodiscard]] inline std::shared_ptr<const table_multiplier> find_table_multiplier(std::string_view name) {
  auto& r = detail::table_multipliers();
  const std::lock_guard lock(r.mutex);
  const auto it = r.circuits.find(name);
  return it == r.circuits.end() ? nullptr : it->second;
}

// Remove the circuit registered as `name`; false when there was none.
inline bool unregister_table_multiplier(std::string_view name) {
  auto& r = detail::table_multipliers();
  const std::lock_guard lock(r.mutex);
  const auto it = r.circuits.find(name);
  if (it == r.circuits.end()) return false;
  r.circuits.erase(it);
  return true;
}

// The circuit table multiplier m names, ready to multiply operands of shapes a and b. Throws
// lop::format_error when it is not registered, cannot simulate, or multiplies other operands.
[[nodiscard]] inline std::shared_ptr<const table_multiplier> table_multiplier_for(const multiplier& m, operand_shape a,
                                                                                operand_shape b) {
  const std::string name(m.table_name());
  auto t = find_table_multiplier(name);
  if (!t)
    throw format_error("lop: table multiplier '" + name +
                       "' is not registered; call lop::register_table_multiplier (C++) or pass --table '" + name +
                       "<products=FILE,...>' (lop-hwgen)");
  if (!t->simulates())
    throw format_error("lop: table multiplier '" + name +
                       "' was registered with its Verilog only; give its products (a table file or a function) to "
                       "simulate it");
  if (t->a() != a || t->b() != b)
    throw format_error("lop: table multiplier '" + name + "' multiplies " + to_string(t->a()) + " x " +
                       to_string(t->b()) + " operands, not " + to_string(a) + " x " + to_string(b) +
                       "; change the operand formats or register a circuit for these operands");
  return t;
}

}  // namespace lop
