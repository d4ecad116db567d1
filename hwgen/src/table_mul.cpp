// Table multipliers in hardware: the user's own Verilog module (lop/table_multiplier.hpp),
// checked against the port convention and instantiated by a wrapper with the ports every
// lop multiplier has (a, b, y of wa + wb + 1 bits), which the PE generator instantiates.
#include <algorithm>
#include <array>
#include <cctype>
#include <optional>
#include <fstream>
#include <sstream>
#include <string>
#include <vector>

#include "lop/approximate.hpp"
#include "lop/hw/generators.hpp"

namespace lop::hw {

namespace {

using lop::detail::i128;

// Verilog tokens after removing comments and compiler directives: identifiers/keywords,
// numbers and single punctuation characters.
std::vector<std::string> verilog_tokens(const std::string& text) {
  std::vector<std::string> t;
  std::size_t i = 0;
  const std::size_t n = text.size();
  const auto ident = [](char c) { return std::isalnum(static_cast<unsigned char>(c)) != 0 || c == '_' || c == '$'; };
  while (i < n) {
    const char c = text[i];
    if (std::isspace(static_cast<unsigned char>(c)) != 0) {
      ++i;
    } else if (c == '/' && i + 1 < n && text[i + 1] == '/') {
      while (i < n && text[i] != '\n') ++i;
    } else if (c == '/' && i + 1 < n && text[i + 1] == '*') {
      const std::size_t end = text.find("*/", i + 2);
      i = end == std::string::npos ? n : end + 2;
    } else if (c == '`') {  // `timescale, `default_nettype, ...: the rest of the line
      while (i < n && text[i] != '\n') ++i;
    } else if (c == '(' && i + 1 < n && text[i + 1] == '*') {  // (* attribute *)
      const std::size_t end = text.find("*)", i + 2);
      i = end == std::string::npos ? n : end + 2;
    } else if (ident(c)) {
      const std::size_t s = i;
      while (i < n && (ident(text[i]) || text[i] == '\'')) ++i;
      t.emplace_back(text.substr(s, i - s));
    } else {
      t.emplace_back(1, c);
      ++i;
    }
  }
  return t;
}

bool is_direction(const std::string& s) { return s == "input" || s == "output" || s == "inout"; }

}  // namespace

verilog_module_ports read_verilog_ports(const std::filesystem::path& file, const std::string& module_name) {
  const std::string where = file.string();
  std::ifstream in(file, std::ios::binary);
  if (!in) throw format_error("lop-hwgen: cannot open the Verilog file '" + where + "'; check the path");
  std::ostringstream buf;
  buf << in.rdbuf();
  verilog_module_ports r;
  r.name = module_name;
  r.text = buf.str();
  const std::vector<std::string> t = verilog_tokens(r.text);
  const auto fail = [&](const std::string& what) {
    throw format_error("lop-hwgen: " + where + ": module " + module_name + ": " + what);
  };

  std::size_t at = t.size();
  for (std::size_t i = 0; i + 1 < t.size(); ++i) {
    if (t[i] != "module" && t[i] != "macromodule") continue;
    r.modules_in_file.push_back(t[i + 1]);
    if (t[i + 1] == module_name && at == t.size()) at = i + 2;
  }
  if (at == t.size()) {
    std::string have;
    for (const auto& m : r.modules_in_file) have += (have.empty() ? "" : ", ") + m;
    throw format_error("lop-hwgen: " + where + " has no module " + module_name +
                       (have.empty() ? std::string(" (it has no modules)") : " (it has: " + have + ")") +
                       "; name the module with module=NAME");
  }
  std::size_t i = at;
  const auto next = [&]() -> const std::string& {
    if (i >= t.size()) fail("the file ends inside the module's header");
    return t[i++];
  };
  const auto peek = [&]() -> std::string { return i < t.size() ? t[i] : std::string(); };
  // A parameter list is skipped; the ports' ranges must still be plain numbers.
  if (peek() == "#") {
    next();
    if (next() != "(") fail("expected '(' after '#'");
    for (int depth = 1; depth > 0;) {
      const std::string& s = next();
      depth += s == "(" ? 1 : s == ")" ? -1 : 0;
    }
  }
  // [msb:lsb] with plain decimal numbers -> width.
  const auto range = [&]() -> int {
    next();  // '['
    std::string text;
    std::vector<std::string> sides(1);
    for (std::string s = next(); s != "]"; s = next()) {
      text += s;
      if (s == ":") {
        sides.emplace_back();
      } else {
        sides.back() += s;
      }
    }
    const auto plain = [](const std::string& s) {
      return !s.empty() && s.size() <= 6 && s.find_first_not_of("0123456789") == std::string::npos;
    };
    if (sides.size() != 2 || !plain(sides[0]) || !plain(sides[1]))
      fail("port range [" + text +
           "] is not plain numbers; lop reads port widths from numeric ranges (write [7:0], not parameters)");
    const int a = std::stoi(sides[0]);
    const int b = std::stoi(sides[1]);
    return (a > b ? a - b : b - a) + 1;
  };
  // direction [wire|reg|logic] [signed] [range] name {, name}: the declaration's ports.
  const auto declare = [&](std::string dir, bool ansi) {
    int width = 1;
    while (peek() == "wire" || peek() == "reg" || peek() == "logic" || peek() == "signed" || peek() == "unsigned") next();
    if (peek() == "[") width = range();
    for (;;) {
      const std::string name = next();
      if (!std::isalpha(static_cast<unsigned char>(name[0])) && name[0] != '_')
        fail("expected a port name, got '" + name + "'");
      bool found = false;
      for (auto& p : r.ports) {
        if (p.name != name) continue;
        p.direction = dir;
        p.width = width;
        found = true;
      }
      if (!found) {
        if (!ansi) fail("'" + name + "' is declared " + dir + " but is not in the port list");
        r.ports.push_back({name, dir, width});
      }
      if (peek() != ",") return;
      // In a header, ", input ..." starts a new declaration; ", name" continues this one.
      if (ansi && i + 1 < t.size() && is_direction(t[i + 1])) return;
      next();
    }
  };

  if (next() != "(") fail("expected the port list after the module's name");
  if (peek() == ")") fail("the module has no ports");
  if (is_direction(peek())) {  // ANSI header: declarations in the port list
    for (;;) {
      const std::string dir = next();
      if (!is_direction(dir)) fail("expected input, output or inout, got '" + dir + "'");
      declare(dir, true);
      const std::string& sep = next();
      if (sep == ")") break;
      if (sep != ",") fail("expected ',' or ')' in the port list, got '" + sep + "'");
    }
  } else {  // port names, declared in the body
    for (;;) {
      r.ports.push_back({next(), "", 0});
      const std::string& sep = next();
      if (sep == ")") break;
      if (sep != ",") fail("expected ',' or ')' in the port list, got '" + sep + "'");
    }
    while (i < t.size() && t[i] != "endmodule") {
      const std::string& s = t[i++];
      if (is_direction(s) && (i < 2 || t[i - 2] == ";" || t[i - 2] == ")")) declare(s, false);
    }
    for (const auto& p : r.ports)
      if (p.direction.empty()) fail("port '" + p.name + "' has no input/output declaration");
  }
  return r;
}

std::string register_table_spec(std::string_view spec, const std::filesystem::path& base_dir) {
  const auto fail = [&](const std::string& what) {
    throw format_error("lop-hwgen: table multiplier '" + std::string(spec) + "': " + what +
                       "; expected NAME<products=FILE,verilog=FILE[,module=NAME][,a=PORT,b=PORT,y=PORT]>");
  };
  const auto trim = [](std::string_view s) {
    while (!s.empty() && std::isspace(static_cast<unsigned char>(s.front())) != 0) s.remove_prefix(1);
    while (!s.empty() && std::isspace(static_cast<unsigned char>(s.back())) != 0) s.remove_suffix(1);
    return std::string(s);
  };
  const std::size_t open = spec.find('<');
  const std::string name = trim(spec.substr(0, open));
  if (open == std::string_view::npos || trim(spec).back() != '>') fail("no <...> after the name");
  if (const char* e = validate(lop::multiplier::table(name))) fail(e);
  std::string_view body = spec.substr(open + 1);
  body = body.substr(0, body.rfind('>'));
  std::optional<std::filesystem::path> products;
  std::optional<std::filesystem::path> verilog;
  verilog_module v;
  v.name = name;
  const auto path = [&](const std::string& p) {
    const std::filesystem::path f(p);
    return f.is_absolute() || base_dir.empty() ? f : base_dir / f;
  };
  std::vector<std::string> seen;
  while (!body.empty()) {
    const std::size_t comma = body.find(',');
    const std::string item = trim(body.substr(0, comma));
    body = comma == std::string_view::npos ? std::string_view() : body.substr(comma + 1);
    const std::size_t eq = item.find('=');
    if (eq == std::string::npos) fail("'" + item + "' is not key=value");
    const std::string key = trim(std::string_view(item).substr(0, eq));
    const std::string value = trim(std::string_view(item).substr(eq + 1));
    if (value.empty()) fail("no value for " + key);
    if (std::find(seen.begin(), seen.end(), key) != seen.end()) fail(key + " given twice");
    seen.push_back(key);
    if (key == "products") {
      products = path(value);
    } else if (key == "verilog") {
      verilog = path(value);
    } else if (key == "module") {
      v.name = value;
    } else if (key == "a") {
      v.a = value;
    } else if (key == "b") {
      v.b = value;
    } else if (key == "y") {
      v.y = value;
    } else {
      fail("unknown key '" + key + "' (keys: products, verilog, module, a, b, y)");
    }
  }
  if (!products && !verilog) fail("give products=FILE, verilog=FILE or both");
  if (verilog) v.file = *verilog;
  if (!verilog && seen.size() > 1) fail("module, a, b and y describe the Verilog; give verilog=FILE");
  if (products) {
    table_multiplier t = table_multiplier::read(name, *products);
    if (verilog) t.with_verilog(v);
    register_table_multiplier(std::move(t));
  } else {
    register_table_multiplier(table_multiplier(name, v));
  }
  return name;
}

design table_multiplier_design(const lop::multiplier& mul, const fixed_format& a, const fixed_format& b) {
  const std::string name(mul.table_name());
  const auto circuit = find_table_multiplier(name);
  if (!circuit)
    throw format_error("lop-hwgen: table multiplier '" + name + "' is not registered; pass --table '" + name +
                       "<verilog=FILE[,module=NAME][,a=PORT,b=PORT,y=PORT][,products=FILE]>' (or register it in C++)");
  if (!circuit->verilog())
    throw format_error("lop-hwgen: table multiplier '" + name +
                       "' has no Verilog module; give it with verilog=FILE (C++: table_multiplier::with_verilog)");
  const operand_shape sa{a.width, a.is_signed};
  const operand_shape sb{b.width, b.is_signed};
  if (circuit->simulates() && (circuit->a() != sa || circuit->b() != sb))
    throw format_error("lop-hwgen: table multiplier '" + name + "' multiplies " + to_string(circuit->a()) + " x " +
                       to_string(circuit->b()) + " operands, not " + to_string(sa) + " x " + to_string(sb));
  const verilog_module& v = *circuit->verilog();
  const std::string module_name = v.name.empty() ? name : v.name;
  const verilog_module_ports user = read_verilog_ports(v.file, module_name);
  const std::string where = v.file.string() + ": module " + module_name;
  const int W = a.width + b.width + 1;
  // The convention: a and b in, y out, nothing else.
  const auto find = [&](const std::string& port, const char* role, const char* dir) -> const verilog_port& {
    for (const auto& p : user.ports)
      if (p.name == port) {
        if (p.direction != dir)
          throw format_error("lop-hwgen: " + where + ": port " + port + " (" + role + ") must be an " + dir +
                             ", it is an " + p.direction);
        return p;
      }
    std::string have;
    for (const auto& p : user.ports) have += (have.empty() ? "" : ", ") + p.name;
    throw format_error("lop-hwgen: " + where + " has no port '" + port + "' (" + role + "); its ports are " + have +
                       "; name the ports with a=, b=, y=");
  };
  const verilog_port& pa = find(v.a, "operand a", "input");
  const verilog_port& pb = find(v.b, "operand b", "input");
  const verilog_port& py = find(v.y, "product y", "output");
  for (const auto& p : user.ports)
    if (p.name != v.a && p.name != v.b && p.name != v.y)
      throw format_error("lop-hwgen: " + where + " has a port '" + p.name + "' besides a=" + v.a + ", b=" + v.b +
                         ", y=" + v.y + "; a table multiplier's module is combinational with those three ports only");
  if (pa.width != a.width || pb.width != b.width)
    throw format_error("lop-hwgen: " + where + ": its operands are " + std::to_string(pa.width) + " x " +
                       std::to_string(pb.width) + " bits (ports " + v.a + ", " + v.b + "), the PE's are " +
                       std::to_string(a.width) + " x " + std::to_string(b.width));
  if (py.width > W)
    throw format_error("lop-hwgen: " + where + ": its product " + v.y + " has " + std::to_string(py.width) +
                       " bits; a " + std::to_string(a.width) + " x " + std::to_string(b.width) +
                       " multiplier's product has at most " + std::to_string(W));

  const bool is_signed = a.is_signed || b.is_signed;
  // Products the module's output cannot carry would make simulation and hardware differ.
  if (circuit->simulates() && a.width + b.width <= tabulated_function_bits && py.width < W) {
    const i128 lo = is_signed ? -(static_cast<i128>(1) << (py.width - 1)) : 0;
    const i128 hi = (static_cast<i128>(1) << (is_signed ? py.width - 1 : py.width)) - 1;
    for (std::uint64_t x = 0; x < (std::uint64_t{1} << a.width); ++x)
      for (std::uint64_t y = 0; y < (std::uint64_t{1} << b.width); ++y) {
        const std::int64_t va = lop::detail::operand_value(x, sa);
        const std::int64_t vb = lop::detail::operand_value(y, sb);
        const i128 p = circuit->product(va, vb);
        if (p < lo || p > hi)
          throw format_error("lop-hwgen: " + where + ": the product " + std::to_string(static_cast<std::int64_t>(p)) +
                             " of a = " + std::to_string(va) + ", b = " + std::to_string(vb) +
                             " in its products does not fit the module's " + std::to_string(py.width) + "-bit " +
                             (is_signed ? "signed" : "unsigned") + " output " + v.y);
      }
  }
  // The user's file, unchanged, after a comment, as one unit named after the file (several
  // circuits may share a file); Verilator's style warnings are off inside it (it is not lop's
  // code), errors still count.
  std::string file_unit = "lop_user_" + v.file.stem().string();
  for (char& c : file_unit)
    if (std::isalnum(static_cast<unsigned char>(c)) == 0) c = '_';
  const std::array<const char*, 5> lint{"UNUSED", "UNDRIVEN", "WIDTH", "DECLFILENAME", "PINCONNECTEMPTY"};
  std::string text = "// The user's Verilog " + v.file.filename().string() +
                     " (table multipliers), copied unchanged by lop-hwgen " + std::string(generator_version()) + ".\n";
  for (const char* w : lint) text += std::string("// verilator lint_off ") + w + "\n";
  text += user.text;
  if (!user.text.empty() && user.text.back() != '\n') text += "\n";
  for (const char* w : lint) text += std::string("// verilator lint_on ") + w + "\n";
  const module file = module::verbatim(file_unit, {}, std::move(text));
  // What the wrapper instantiates (its text is the file's).
  const module external = module::verbatim(
      module_name,
      {port{v.a, port_dir::in, a.width, a.is_signed, false}, port{v.b, port_dir::in, b.width, b.is_signed, false},
       port{v.y, port_dir::out, py.width, is_signed, false}},
      "// in " + file_unit + ".v\n");

  module m(approximate_multiplier_name(mul, a, b),
           {"table multiplier " + to_string(mul) + ": the user's module " + module_name + " (" +
                v.file.filename().string() + "), a (" + std::to_string(a.width) + " bits, " +
                (a.is_signed ? "signed" : "unsigned") + ") * b (" + std::to_string(b.width) + " bits, " +
                (b.is_signed ? "signed" : "unsigned") + ") -> y (" + std::to_string(W) + " bits, its " +
                std::to_string(py.width) + "-bit product " + (is_signed ? "sign" : "zero") + "-extended)"});
  const expr xa = m.input("a", a.width, a.is_signed);
  const expr xb = m.input("b", b.width, b.is_signed);
  const expr y = m.output("y", W, is_signed);
  const expr p = m.wire("p", py.width, is_signed);
  m.instance(external, "u_user", {{v.a, xa}, {v.b, xb}, {v.y, p}});
  m.assign(y, as_unsigned(resize(p, W)));
  design d;
  d.add(file);
  d.add(m);
  return d;
}

}  // namespace lop::hw
