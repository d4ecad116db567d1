// A small Verilog-2005 builder: modules, ports, wires, registers, continuous assignments,
// clocked always blocks and instances, with expressions held as a tree whose nodes know their
// width and signedness. The builder itself writes every sign/zero extension and truncation
// (concatenation, replication, part selects), so what it emits has no implicit width
// conversions and passes `verilator --lint-only -Wall` cleanly. Emission is deterministic:
// declarations appear in the order they were made.
#pragma once
#include <cstdint>
#include <memory>
#include <stdexcept>
#include <string>
#include <string_view>
#include <vector>

#include "lop/detail/int128.hpp"

namespace lop::hw {

// Version of the generator, written into every generated file's header comment.
[[nodiscard]] std::string_view generator_version() noexcept;

// Thrown when a generator builds an ill-formed expression (a bug in the generator, not in
// the user's input).
class builder_error : public std::logic_error {
 public:
  using std::logic_error::logic_error;
};

// ---------------------------------------------------------------------------------------
// Expressions
// ---------------------------------------------------------------------------------------
enum class op : std::uint8_t {
  ref,       // a declared signal (name)
  constant,  // bits
  slice,     // args[0] (a ref) [hi:lo]
  concat,    // {args[0], args[1], ...}, args[0] most significant
  repl,      // {count{args[0]}}
  add,
  sub,
  mul,
  band,
  bor,
  bxor,
  bnot,
  red_or,
  red_and,
  eq,
  ne,
  lt,
  le,
  gt,
  ge,
  mux,  // args[0] ? args[1] : args[2]
};

struct node;
// An immutable expression tree node. `is_signed` says how the value extends (sign or zero);
// the emitted Verilog applies $signed() only where an operator's result depends on it.
using expr = std::shared_ptr<const node>;

struct node {
  op kind = op::constant;
  int width = 1;
  bool is_signed = false;
  std::string name;        // ref
  std::vector<bool> bits;  // constant, least significant first (size == width)
  int hi = 0;              // slice high bit; repl count
  int lo = 0;              // slice low bit
  bool signed_op = false;  // comparisons: compare as signed values
  std::vector<expr> args;
};

// Leaves.
[[nodiscard]] expr constant(int width, lop::detail::i128 value, bool is_signed = false);
[[nodiscard]] expr zeros(int width);
[[nodiscard]] expr ones(int width);
[[nodiscard]] bool is_constant(const expr& e) noexcept;
// Value of a constant of at most 128 bits (sign/zero extended per its flag).
[[nodiscard]] lop::detail::i128 constant_value(const expr& e);

// Selection and composition. slice/bit accept refs and slices of refs.
[[nodiscard]] expr slice(const expr& e, int hi, int lo, bool is_signed = false);
[[nodiscard]] expr bit(const expr& e, int i);
[[nodiscard]] expr msb(const expr& e);  // the most significant bit (sign bit if signed)
[[nodiscard]] expr concat(const std::vector<expr>& parts, bool is_signed = false);
[[nodiscard]] expr repl(int count, const expr& e);

// Reinterpretation (changes how the value extends; emits nothing).
[[nodiscard]] expr as_signed(const expr& e);
[[nodiscard]] expr as_unsigned(const expr& e);

// Width changes: sign-extend (signed) or zero-extend (unsigned), or keep the low bits.
[[nodiscard]] expr resize(const expr& e, int width);
[[nodiscard]] expr shift_left(const expr& e, int n);  // {e, n'b0}

// Arithmetic modulo 2^width: operands are resized to `width` first. The result is signed
// if either operand is.
[[nodiscard]] expr add(const expr& a, const expr& b, int width);
[[nodiscard]] expr sub(const expr& a, const expr& b, int width);
[[nodiscard]] expr mul(const expr& a, const expr& b, int width);

// Bitwise (operands resized to the wider one) and reductions.
[[nodiscard]] expr bit_and(const expr& a, const expr& b);
[[nodiscard]] expr bit_or(const expr& a, const expr& b);
[[nodiscard]] expr bit_xor(const expr& a, const expr& b);
[[nodiscard]] expr bit_not(const expr& a);
[[nodiscard]] expr reduce_or(const expr& a);
[[nodiscard]] expr reduce_and(const expr& a);

// Comparisons by value: operands of mixed signedness are both extended to a common signed
// width first. Result: 1 bit.
[[nodiscard]] expr eq(const expr& a, const expr& b);
[[nodiscard]] expr ne(const expr& a, const expr& b);
[[nodiscard]] expr lt(const expr& a, const expr& b);
[[nodiscard]] expr le(const expr& a, const expr& b);
[[nodiscard]] expr gt(const expr& a, const expr& b);
[[nodiscard]] expr ge(const expr& a, const expr& b);

// cond ? a : b; a and b resized to the wider one. Constant conditions fold.
[[nodiscard]] expr mux(const expr& cond, const expr& a, const expr& b);

// 1-bit logic with constant folding.
[[nodiscard]] expr logic_and(const expr& a, const expr& b);
[[nodiscard]] expr logic_or(const expr& a, const expr& b);
[[nodiscard]] expr logic_not(const expr& a);

// Verilog text of an expression (fully parenthesized).
[[nodiscard]] std::string to_verilog(const expr& e);

// ---------------------------------------------------------------------------------------
// Statements of a clocked always block (non-blocking assignments and if/else)
// ---------------------------------------------------------------------------------------
struct stmt {
  expr cond;  // null: assignment lhs <= rhs; otherwise if (cond) then_ else else_
  expr lhs;
  expr rhs;
  std::vector<stmt> then_;
  std::vector<stmt> else_;
};
[[nodiscard]] stmt nb_assign(const expr& lhs, const expr& rhs);  // widths must match
[[nodiscard]] stmt if_else(const expr& cond, std::vector<stmt> then_, std::vector<stmt> else_ = {});

// ---------------------------------------------------------------------------------------
// Modules
// ---------------------------------------------------------------------------------------
enum class port_dir : std::uint8_t { in, out };

struct port {
  std::string name;
  port_dir dir = port_dir::in;
  int width = 1;
  bool is_signed = false;  // how the raw bits are to be read (documentation + extension)
  bool is_reg = false;
};

class module {
 public:
  // header: lines of the descriptor comment written at the top of the file.
  module(std::string name, std::vector<std::string> header);
  // A module written elsewhere (a user's circuit): emit() gives `text` as is; instances
  // connect to `ports`.
  [[nodiscard]] static module verbatim(std::string name, std::vector<port> ports, std::string text);

  [[nodiscard]] const std::string& name() const noexcept { return name_; }
  [[nodiscard]] const std::vector<port>& ports() const noexcept { return ports_; }
  [[nodiscard]] const port* find_port(std::string_view n) const noexcept;

  expr input(const std::string& n, int width, bool is_signed = false);
  expr output(const std::string& n, int width, bool is_signed = false);      // a wire
  expr output_reg(const std::string& n, int width, bool is_signed = false);  // a reg
  expr wire(const std::string& n, int width, bool is_signed = false);
  expr reg(const std::string& n, int width, bool is_signed = false);
  // Declare a wire holding `value` (same width and signedness) and return a reference.
  expr net(const std::string& n, const expr& value);

  void assign(const expr& lhs, const expr& rhs);  // continuous; widths must match
  void always_posedge(const expr& clk, std::vector<stmt> body);
  // Instance of `sub`; every port of sub must be connected, with matching width.
  void instance(const module& sub, const std::string& inst_name,
                const std::vector<std::pair<std::string, expr>>& connections);
  void comment(const std::string& text);  // a comment line among the body items

  // The module's Verilog text, including the header comment.
  [[nodiscard]] std::string emit() const;

 private:
  struct signal {
    std::string name;
    int width;
    bool is_signed;
    bool is_reg;
  };
  struct item {
    enum class kind : std::uint8_t { assign, always, instance, comment } k;
    expr lhs, rhs;          // assign; rhs = clk for always
    std::vector<stmt> body; // always
    std::string text;       // instance module name / comment
    std::string inst;       // instance name
    std::vector<std::pair<std::string, expr>> conns;
    std::vector<bool> conn_is_output;
  };

  expr declare(const std::string& n, int width, bool is_signed, bool is_reg, int kind);
  void check_new_name(const std::string& n) const;

  std::string name_;
  std::vector<std::string> header_;
  std::vector<port> ports_;
  std::vector<signal> signals_;  // internal wires and regs, in declaration order
  std::vector<item> items_;
  std::string verbatim_;  // verbatim(): the whole text
};

// Valid Verilog identifier made of [A-Za-z0-9_], not starting with a digit.
[[nodiscard]] bool is_identifier(std::string_view s) noexcept;

}  // namespace lop::hw
