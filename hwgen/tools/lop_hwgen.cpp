// lop-hwgen: emit synthesizable Verilog-2005 for lop descriptors (see docs/verilog-interface.md).
//
// Exit status: 0 success; 1 a tool failed (lint warnings, Yosys error, I/O); 2 bad input
// (malformed descriptor, bad option, unreadable list). Nothing is written unless everything
// succeeded: files are written under temporary names and renamed at the end.
#include <algorithm>
#include <array>
#include <stdio.h>  // popen
#include <sys/wait.h>

#include <CLI/CLI.hpp>
#include <cstdio>
#include <cctype>
#include <iomanip>
#include <filesystem>
#include <fstream>
#include <iostream>
#include <sstream>
#include <string>
#include <vector>

#include "lop/approximate.hpp"
#include "lop/float_format.hpp"
#include "lop/metrics.hpp"
#include "lop/pe_spec.hpp"
#include "lop/hw/float_units.hpp"
#include "lop/hw/generators.hpp"
#include "lop/hw/synth.hpp"
#include "lop/hw/temp_dir.hpp"
#include "lop/hw/verilog.hpp"
#include "lop/hw/tool_io.hpp"

namespace fs = std::filesystem;

namespace {

using lop::tools::exit_bad_input;
using lop::tools::exit_tool_failure;
using lop::tools::failure;
constexpr const char* tool = "lop-hwgen";

struct common_options {
  std::string out_dir;
  bool lint = false;
  bool synth = false;
  bool synth_check = false;
  std::string report_json;
};

void add_common(CLI::App* sub, common_options& o) {
  sub->add_option("-o,--out-dir", o.out_dir,
                  "Write one NAME.v file per module into DIR (created if missing) and print their "
                  "paths; without it the Verilog goes to standard output")
      ->type_name("DIR");
  sub->add_flag("--lint", o.lint,
                "Run `verilator --lint-only -Wall` on the result; exit 1 (writing nothing) on any "
                "warning");
  sub->add_flag("--synth", o.synth,
                "Synthesize the result with Yosys and print the size report (cells, transistors, "
                "flip-flops, iCE40 LUTs)");
  sub->add_flag("--synth-check", o.synth_check,
                "Only check synthesizability with Yosys (synth -noabc, check -assert, no latches); "
                "much faster than --synth on large designs, reports no area");
  sub->add_option("--report-json", o.report_json,
                  "Write the synthesis report as JSON to FILE (implies --synth)")
      ->type_name("FILE");
}

std::string shell_quote(const std::string& s) {
  std::string q = "'";
  for (char c : s) {
    if (c == '\'') {
      q += "'\\''";
    } else {
      q += c;
    }
  }
  return q + "'";
}


using lop::hw::temp_dir;

// Runs a shell command; returns (exit status, combined output).
std::pair<int, std::string> run(const std::string& cmd) {
  FILE* p = popen((cmd + " 2>&1").c_str(), "r");
  if (p == nullptr) throw failure{exit_tool_failure, "lop-hwgen: cannot run " + cmd};
  std::string out;
  char buf[4096];
  for (std::size_t n; (n = std::fread(buf, 1, sizeof buf, p)) > 0;) out.append(buf, n);
  const int status = pclose(p);
  const int rc = status == -1 ? -1 : (WIFEXITED(status) ? WEXITSTATUS(status) : 128);
  return {rc, out};
}

void lint(const std::vector<fs::path>& files, const std::string& top, temp_dir& dir) {
  std::string cmd = "verilator --lint-only -Wall --top-module " + top;
  for (const auto& f : files) cmd += " " + shell_quote(f.string());
  const auto [rc, out] = run(cmd);
  if (rc == 127) throw failure{exit_tool_failure, "lop-hwgen: --lint needs `verilator` in PATH (Debian package verilator)"};
  if (rc != 0 || out.find("%Warning") != std::string::npos || out.find("%Error") != std::string::npos) {
    dir.keep();
    throw failure{exit_tool_failure, "lop-hwgen: verilator lint failed (files kept in " + dir.path().string() +
                                         "):\n" + out};
  }
}

std::string summary(const lop::hw::synth_report& r) {
  std::ostringstream o;
  o << "synthesis of " << r.top << " (" << r.yosys_version << "):\n"
    << "  transistors  " << r.transistors << "\n"
    << "  cells        " << r.cells << "\n"
    << "  flip-flops   " << r.flip_flops << "\n"
    << "  ice40 LUT4   " << r.ice40_lut4 << "\n"
    << "  ice40 cells  " << r.ice40_cells << "\n";
  for (const auto& w : r.warnings) o << "  warning: " << w << "\n";
  return o.str();
}

int emit(const lop::hw::design& d, const common_options& o) {
  const bool synth = o.synth || o.synth_check || !o.report_json.empty();
  const lop::tools::module_files modules = lop::tools::files_of(d);
  const std::string top = d.top().name();

  std::string report_text;
  std::string report_json;
  if (o.lint || synth) {
    temp_dir tmp("lop-hwgen-");
    const std::vector<fs::path> files = lop::tools::write_into(tmp.path(), modules, tool);
    if (o.lint) lint(files, top, tmp);
    if (synth) {
      try {
        lop::hw::synth_options so;
        so.area = o.synth || !o.report_json.empty();
        const lop::hw::synth_report r = lop::hw::synthesize(files, top, so);
        report_text = so.area ? summary(r)
                              : "synthesis check: " + r.top + " synthesizes (" + std::to_string(r.cells) +
                                    " cells before technology mapping), check -assert clean, no latches\n";
        report_json = lop::hw::to_json(r);
      } catch (const lop::hw::synth_error& e) {
        tmp.keep();
        throw failure{exit_tool_failure, std::string(e.what()) + "\n(files kept in " + tmp.path().string() + ")"};
      }
    }
  }

  std::vector<std::pair<fs::path, std::string>> outputs;
  bool created_out_dir = false;
  if (!o.out_dir.empty()) {
    std::error_code ec;
    created_out_dir = !fs::exists(o.out_dir, ec);
    fs::create_directories(o.out_dir, ec);
    if (ec) throw failure{exit_tool_failure, "lop-hwgen: cannot create directory " + o.out_dir + ": " + ec.message()};
    for (const auto& [name, text] : modules) outputs.emplace_back(fs::path(o.out_dir) / name, text);
  }
  if (!o.report_json.empty()) outputs.emplace_back(fs::path(o.report_json), report_json + "\n");
  try {
    lop::tools::write_atomically(outputs, tool);
  } catch (...) {
    std::error_code ec;
    if (created_out_dir) fs::remove(o.out_dir, ec);  // leave nothing behind (it is empty)
    throw;
  }

  std::ostream& info = o.out_dir.empty() ? std::cerr : std::cout;
  if (o.out_dir.empty()) {
    std::cout << d.emit();
  } else {
    for (const auto& [name, text] : modules) std::cout << (fs::path(o.out_dir) / name).string() << "\n";
  }
  if (o.lint) info << "lint: verilator --lint-only -Wall clean (" << modules.size() << " module(s))\n";
  if (synth) info << report_text;
  if (!o.report_json.empty()) info << "report: " << o.report_json << "\n";
  return 0;
}

// An operand of a multiplier: u8 / s16 (width and signedness) or any fixed<...> descriptor.
lop::operand_shape parse_operand_shape(const std::string& text) {
  if (text.size() >= 2 && (text[0] == 'u' || text[0] == 's') &&
      std::all_of(text.begin() + 1, text.end(), [](char c) { return std::isdigit(static_cast<unsigned char>(c)) != 0; })) {
    if (const auto s = lop::detail::parse_operand_shape(text)) return *s;  // the product-table header's reader
    throw lop::format_error("lop-hwgen: operand '" + text + "': widths 1..32 (e.g. u8, s16)");
  }
  if (!text.starts_with("fixed"))
    throw lop::format_error("lop-hwgen: operand '" + text + "': expected u<N> or s<N> (e.g. u8, s16) or a fixed<...> descriptor");
  const lop::fixed_format f = lop::parse_fixed_format(text);
  return {f.width, f.is_signed};
}

// `lop-hwgen table`: the multiplier's products as a product table, to `out` or standard output.
int write_table(const std::string& mul_text, const std::string& a_text, const std::string& b_text,
                const std::string& out) {
  const lop::multiplier m = lop::parse_multiplier(mul_text);
  const lop::operand_shape a = parse_operand_shape(a_text);
  const lop::operand_shape b = parse_operand_shape(b_text);
  if (a.width + b.width > lop::max_table_bits)
    throw lop::format_error("lop-hwgen: a product table holds at most 2^24 products; " + a_text + " x " + b_text +
                            " operands have 2^" + std::to_string(a.width + b.width));
  const lop::multiplier_model mul(m, a, b);
  std::ostringstream o;
  lop::write_product_table(o, a, b, [&](std::int64_t x, std::int64_t y) { return static_cast<std::int64_t>(mul(x, y)); },
                           "products of " + lop::to_string(m) + " (lop-hwgen " +
                               std::string(lop::hw::generator_version()) + " table)");
  if (out.empty()) {
    std::cout << o.str();
  } else {
    lop::tools::write_atomically({{fs::path(out), o.str()}}, tool);
    std::cerr << "table: " << out << "\n";
  }
  return 0;
}

// The error-metrics table (docs/multipliers.md section 3), as text or JSON.
int print_metrics(const std::string& mul_text, const std::string& a_text, const std::string& b_text,
                  std::uint64_t samples, std::uint64_t seed, bool json) {
  const lop::multiplier m = lop::parse_multiplier(mul_text);
  const lop::operand_shape a = parse_operand_shape(a_text);
  const lop::operand_shape b = parse_operand_shape(b_text);
  if (const char* e = lop::validate(m, a.width, b.width))
    throw lop::format_error("lop-hwgen: " + lop::to_string(m) + " on " + a_text + " x " + b_text + ": " + e);
  const lop::error_metrics r = lop::metrics(m, a, b, samples, seed);
  const char* how = r.from == lop::error_metrics::source::exhaustive ? "exhaustive" : "sampled";
  const bool sampled = r.from == lop::error_metrics::source::sampled;
  std::ostringstream o;
  o << std::setprecision(6);
  if (json) {
    o << "{\"multiplier\": \"" << lop::to_string(m) << "\", \"a\": \"" << lop::to_string(a) << "\", \"b\": \"" << lop::to_string(b)
      << "\", \"pairs\": " << r.pairs << ", \"source\": \"" << how << "\"";
    if (sampled) o << ", \"seed\": " << r.seed;
    o << ", \"error_rate\": " << r.error_rate << ", \"med\": " << r.med << ", \"nmed\": " << r.nmed
      << ", \"mred\": " << r.mred << ", \"mse\": " << r.mse << ", \"wce\": " << r.wce << ", \"wcre\": " << r.wcre
      << ", \"bias\": " << r.bias << ", \"zero_products\": " << r.zero_products
      << ", \"zero_products_wrong\": " << r.zero_products_wrong;
    if (sampled)
      o << ", \"ci95\": {\"error_rate\": " << r.error_rate_ci << ", \"med\": " << r.med_ci << ", \"nmed\": " << r.nmed_ci
        << ", \"mred\": " << r.mred_ci
        << ", \"bias\": " << r.bias_ci << "}";
    o << "}\n";
  } else {
    // ci < 0: a worst case or a second moment, which sampling only bounds from below.
    const auto row = [&](const char* name, double v, double ci) {
      o << "  " << std::left << std::setw(12) << name << v;
      if (sampled && ci >= 0) o << "  (+/- " << std::setprecision(3) << ci << std::setprecision(6) << ", 95 %)";
      if (sampled && ci < 0) o << "  (over the samples)";
      o << "\n";
    };
    o << "multiplier  " << lop::to_string(m) << "\n"
      << "operands    " << lop::to_string(a) << " x " << lop::to_string(b) << ", " << r.pairs << " pairs, " << how;
    if (sampled) o << " (seed " << r.seed << ")";
    o << "\n";
    row("error rate", r.error_rate, r.error_rate_ci);
    row("MED", r.med, r.med_ci);
    row("NMED", r.nmed, r.nmed_ci);
    row("MRED", r.mred, r.mred_ci);
    row("MSE", r.mse, -1);
    row("WCE", r.wce, -1);
    row("WCRE", r.wcre, -1);
    row("bias", r.bias, r.bias_ci);
    o << "  zero products " << r.zero_products << " (" << r.zero_products_wrong << " not returned as 0)\n";
  }
  std::cout << o.str();
  return 0;
}

}  // namespace

int main(int argc, char** argv) {
  CLI::App app{"lop-hwgen " + std::string(lop::hw::generator_version()) +
               ": synthesizable Verilog-2005 for lop descriptors, bit-exact with the C++ types.\n"
               "Descriptors use lop's canonical text, e.g. 'fixed<16,8,signed,half_even,saturate>' or\n"
               "'pe<a=fixed<8,4>,b=fixed<8,4>,acc=fixed<24,8>,out=fixed<8,4>,mul=exact,pipeline=1>'.\n"
               "Exit status: 0 ok, 1 lint/synthesis/I-O failure, 2 bad input."};
  app.set_version_flag("--version", "lop-hwgen " + std::string(lop::hw::generator_version()));
  app.require_subcommand(1);

  common_options opts;
  std::string text1;
  std::string text2;
  std::string list_file;
  std::string top_name;
  int draws = 1;

  CLI::App* pe = app.add_subcommand("pe", "MAC processing element for a pe<...> descriptor");
  pe->add_option("pe", text1,
                 "PE descriptor, e.g. 'pe<a=fixed<8,4>,b=fixed<8,4>,acc=fixed<24,8>,out=fixed<8,4>>' or, with float "
                 "operands (docs/cfloat.md section 5), 'pe<a=bf16,b=bf16,acc=fp32,out=bf16,pipeline=1,mac=fused>'")
      ->required();
  CLI::App* quant = app.add_subcommand("quantize", "Combinational quantizer from format IN to format OUT");
  quant->add_option("in", text1, "input format (only width, frac, signedness matter)")->required();
  quant->add_option("out", text2, "output format (its rounding and overflow modes are implemented)")->required();
  // The exact two-operand units share one command shape: NAME A B.
  struct binary_unit {
    const char* name;
    const char* help;
    lop::hw::design (*make)(const lop::fixed_format&, const lop::fixed_format&);
    CLI::App* cmd = nullptr;
  };
  std::array<binary_unit, 3> binaries{{
      {"mul", "Exact multiplier a*b (result in product_format(a,b))", &lop::hw::multiplier},
      {"add", "Exact adder a+b (result in sum_format(a,b))", &lop::hw::adder},
      {"sub", "Exact subtractor a-b (result in difference_format(a,b))", &lop::hw::subtractor},
  }};
  for (binary_unit& u : binaries) {
    u.cmd = app.add_subcommand(u.name, u.help);
    u.cmd->add_option("a", text1, "left operand format")->required();
    u.cmd->add_option("b", text2, "right operand format")->required();
    add_common(u.cmd, opts);
  }
  CLI::App* lf =
      app.add_subcommand("lfsr", "The lop::lfsr32 random source (lop_lfsr32 / lop_lfsr32x2 / lop_lfsr32x3)");
  lf->add_option("--draws", draws, "draws per step: 1 (lop_lfsr32), 2 (lop_lfsr32x2) or 3 (lop_lfsr32x3)")
      ->check(CLI::IsMember({1, 2, 3}));
  CLI::App* bun = app.add_subcommand(
      "bundle", "Many units behind one co-simulation interface (clk, rst, en, clear, seed[31:0], "
                "x[63:0], y[63:0], out[TOTAL-1:0])");
  bun->add_option("--list", list_file,
                  "bundle list: one unit a line: 'quantize IN OUT', 'mul A B', 'add A B', 'sub A B' or "
                  "'pe PE'; or float units: 'fconvert IN OUT', 'fmul A B OUT', 'fadd A B OUT', 'fsub A B OUT', "
                  "'ffma A B C OUT', 'ffromfixed FIXED OUT', 'ftofixed FLOAT FIXED' "
                  "(each optionally 'pipeline=N'); '#' comments and blank lines ignored")
      ->required()
      ->type_name("FILE");
  bun->add_option("--top", top_name, "name of the bundle's top module (a Verilog identifier)")->required()->type_name("NAME");
  for (CLI::App* s : {pe, quant, lf, bun}) add_common(s, opts);
  // Table multipliers (docs/multipliers.md, "Table multipliers") for the commands that take one.
  std::vector<std::string> tables;
  const auto add_tables = [&tables](CLI::App* s) {
    s->add_option("--table", tables,
                  "register a table multiplier for mul=table<name=NAME>: "
                  "'NAME<products=FILE,verilog=FILE[,module=M][,a=PORT,b=PORT,y=PORT]>' (repeatable)")
        ->type_name("SPEC");
  };
  for (CLI::App* s : {pe, bun}) add_tables(s);

  // Float units (docs/verilog-interface.md, "Floating-point units"): NAME --a A [--b B] --out R.
  std::string fa_text;
  std::string fb_text;
  std::string fc_text;
  std::string fout_text;
  int fpipeline = 0;
  struct float_unit_cmd {
    const char* name;
    const char* help;
    lop::hw::float_unit::kind kind;
    CLI::App* cmd = nullptr;
  };
  std::array<float_unit_cmd, 7> floats{{
      {"fconvert", "Float converter: y = R_out(a) (lop::detail::float_convert)", lop::hw::float_unit::kind::convert},
      {"fmul", "Float multiplier: y = R_out(a * b), one rounding (lop::detail::float_mul)", lop::hw::float_unit::kind::mul},
      {"fadd", "Float adder: y = R_out(a + b), one rounding (lop::detail::float_add)", lop::hw::float_unit::kind::add},
      {"fsub", "Float subtractor: y = R_out(a - b), one rounding (lop::detail::float_sub)", lop::hw::float_unit::kind::sub},
      {"ffma", "Fused multiply-add: y = R_out(a * b + c), one rounding (lop::detail::float_fma)",
       lop::hw::float_unit::kind::fma},
      {"ffromfixed", "Fixed-point to float converter: y = R_out(a * 2^-frac) (lop::detail::float_from_fixed)",
       lop::hw::float_unit::kind::from_fixed},
      {"ftofixed", "Float to fixed-point converter: the fixed quantizer on the exact value (lop::detail::float_to_fixed)",
       lop::hw::float_unit::kind::to_fixed},
  }};
  for (float_unit_cmd& u : floats) {
    u.cmd = app.add_subcommand(u.name, u.help);
    const bool from_fixed = u.kind == lop::hw::float_unit::kind::from_fixed;
    const bool to_fixed = u.kind == lop::hw::float_unit::kind::to_fixed;
    const bool convert = u.kind == lop::hw::float_unit::kind::convert || from_fixed || to_fixed;
    u.cmd->add_option(convert ? "--in,--a" : "--a", fa_text,
                      from_fixed ? "input format fixed<W,F,signed|unsigned> (its rounding and overflow fields do not "
                                   "matter)"
                                 : "operand format: float<E,M,...> or a preset (fp32, bf16, fp8_e4m3fn, ...); its "
                                   "rounding and overflow fields do not matter")
        ->required()
        ->type_name("FORMAT");
    if (!convert)
      u.cmd->add_option("--b", fb_text, "right operand format (default: the same as --a)")->type_name("FORMAT");
    if (u.kind == lop::hw::float_unit::kind::fma)
      u.cmd->add_option("--c", fc_text, "addend format (default: the result format)")->type_name("FORMAT");
    auto* o = u.cmd->add_option("--out", fout_text,
                                std::string(to_fixed ? "result format fixed<W,F,signed|unsigned,ROUNDING,OVERFLOW>"
                                                     : "result format") +
                                    "; its rounding (all modes; stochastic adds a 32-bit rnd port) and overflow are "
                                    "implemented" +
                                    (convert ? "" : " (default: the format of --a)"))
                  ->type_name("FORMAT");
    if (convert) o->required();
    u.cmd->add_option("--pipeline", fpipeline, "register stages (0..8; latency in clock edges; adds clk)")
        ->check(CLI::Range(0, lop::hw::max_float_pipeline))
        ->type_name("N");
    add_common(u.cmd, opts);
  }
  CLI::App* amul = app.add_subcommand(
      "amul", "Structural multiplier of docs/multipliers.md (approximate, or exact as the full array): y = lop::multiply_raw");
  std::string amul_mult;
  amul->add_option("multiplier", amul_mult, "e.g. 'drum<k=6>', 'truncated<t=8,correction=constant>', 'exact'")->required();
  amul->add_option("a", text1, "operand a format (width and signedness matter)")->required();
  amul->add_option("b", text2, "operand b format")->required();
  add_common(amul, opts);
  add_tables(amul);
  CLI::App* met = app.add_subcommand(
      "metrics", "Error metrics of a multiplier against the exact product (docs/multipliers.md section 3)");
  std::string met_a = "u8";
  std::string met_b = "u8";
  std::uint64_t met_samples = std::uint64_t{1} << 22;
  std::uint64_t met_seed = 1;
  bool met_json = false;
  met->add_option("multiplier", text1, "multiplier, e.g. 'drum<k=6>', 'truncated<t=8,correction=constant>', 'mitchell'")
      ->required();
  met->add_option("--a", met_a, "operand a: u8, s16, ... or a fixed<...> descriptor (default u8)");
  met->add_option("--b", met_b, "operand b (default u8)");
  met->add_option("--samples", met_samples, "uniform samples when the operand space exceeds 2^24 pairs")
      ->check(CLI::Range(std::uint64_t{1}, std::uint64_t{1} << 40));
  met->add_option("--seed", met_seed, "sampling seed (the same seed gives the same numbers)");
  met->add_flag("--json", met_json, "print one JSON object instead of the table");
  add_tables(met);
  CLI::App* tab = app.add_subcommand(
      "table", "Write a multiplier's product table (the file format of table multipliers, docs/multipliers.md)");
  std::string tab_out;
  tab->add_option("multiplier", text1, "multiplier, e.g. 'drum<k=4>' or 'table<name=NAME>' with --table")->required();
  tab->add_option("--a", met_a, "operand a: u8, s6, ... or a fixed<...> descriptor (default u8); wa + wb <= 24");
  tab->add_option("--b", met_b, "operand b (default u8)");
  tab->add_option("-o,--out", tab_out, "write to FILE (default: standard output)")->type_name("FILE");
  add_tables(tab);
  CLI::App* desc = app.add_subcommand("describe", "Parse a fixed<...>, float<...> (or float preset name) or pe<...> descriptor and print its canonical form");
  desc->add_option("descriptor", text1, "descriptor text")->required();

  try {
    app.parse(argc, argv);
  } catch (const CLI::ParseError& e) {
    const int rc = app.exit(e);
    return rc == 0 ? 0 : exit_bad_input;
  }

  try {
    for (const std::string& t : tables) (void)lop::hw::register_table_spec(t);
    if (tab->parsed()) return write_table(text1, met_a, met_b, tab_out);
    if (met->parsed()) return print_metrics(text1, met_a, met_b, met_samples, met_seed, met_json);
    if (desc->parsed()) {
      std::string_view t = text1;
      while (!t.empty() && (t.front() == ' ' || t.front() == '\t')) t.remove_prefix(1);
      if (t.starts_with("pe")) {
        std::cout << lop::to_string(lop::parse_pe_spec(text1)) << "\n";
      } else if (t.starts_with("float") || t.starts_with("fp") || t.starts_with("bf") || t.starts_with("tf")) {
        std::cout << lop::to_string(lop::parse_float_format(text1)) << "\n";
      } else {
        std::cout << lop::to_string(lop::parse_fixed_format(text1)) << "\n";
      }
      return 0;
    }
    lop::hw::design d;
    for (const binary_unit& u : binaries)
      if (u.cmd->parsed()) d = u.make(lop::parse_fixed_format(text1), lop::parse_fixed_format(text2));
    for (const float_unit_cmd& u : floats) {
      if (!u.cmd->parsed()) continue;
      lop::hw::float_unit fu;
      fu.k = u.kind;
      if (fu.k == lop::hw::float_unit::kind::from_fixed) {
        fu.fx = lop::parse_fixed_format(fa_text);
        fu.out = lop::parse_float_format(fout_text);
      } else if (fu.k == lop::hw::float_unit::kind::to_fixed) {
        fu.a = lop::parse_float_format(fa_text);
        fu.fx = lop::parse_fixed_format(fout_text);
      } else {
        fu.a = lop::parse_float_format(fa_text);
        fu.b = fb_text.empty() ? fu.a : lop::parse_float_format(fb_text);
        fu.out = fout_text.empty() ? fu.a : lop::parse_float_format(fout_text);
        fu.c = fc_text.empty() ? fu.out : lop::parse_float_format(fc_text);
      }
      fu.pipeline = fpipeline;
      d = lop::hw::float_unit_design(fu);
    }
    if (amul->parsed()) {
      d = lop::hw::approximate_multiplier(lop::parse_multiplier(amul_mult), lop::parse_fixed_format(text1),
                                          lop::parse_fixed_format(text2));
    } else if (pe->parsed()) {
      d = lop::hw::processing_element(lop::parse_pe_spec(text1));
    } else if (quant->parsed()) {
      d = lop::hw::quantizer(lop::parse_fixed_format(text1), lop::parse_fixed_format(text2));
    } else if (lf->parsed()) {
      d = lop::hw::lfsr(draws);
    } else if (bun->parsed()) {
      const std::string list = lop::tools::read_file(list_file, tool, "bundle list");
      if (lop::hw::is_float_bundle_list(list)) {
        d = lop::hw::float_bundle(top_name, lop::hw::parse_float_bundle_list(list));
      } else {
        d = lop::hw::bundle(top_name, lop::hw::parse_bundle_list(list, fs::path(list_file).parent_path()));
      }
    }
    return emit(d, opts);
  } catch (const lop::format_error& e) {
    std::cerr << e.what() << "\n";
    return exit_bad_input;
  } catch (const failure& f) {
    std::cerr << f.message << "\n";
    return f.code;
  } catch (const std::exception& e) {
    std::cerr << "lop-hwgen: " << e.what() << "\n";
    return exit_tool_failure;
  }
}
