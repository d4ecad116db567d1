// What every PE generator shares (fixed: generators.cpp, float: float_pe.cpp): the ports, in
// the order and with the signedness of docs/verilog-interface.md, and the pipeline register
// block (reset to zero by rst, loaded every cycle otherwise).
#pragma once
#include <string>
#include <vector>

#include "lop/hw/verilog.hpp"
#include "lop/pe_spec.hpp"

namespace lop::hw::pe_util {

struct pe_shell {
  expr clk, rst, en, clear, a, b, seed, out, acc;
  // The operands and controls as the product stage sees them (after the input stage).
  expr sa, sb, sen, sclr;
  std::vector<stmt> pipe_reset;
  std::vector<stmt> pipe_load;

  // clk, rst, en, clear, a, b, [seed], out, acc; then, for pipeline 2, the input stage.
  pe_shell(module& m, const pe_spec& s, int draws) {
    const auto is_signed = [](const number_format& f) { return f.is_fixed() && f.fixed.is_signed; };
    clk = m.input("clk", 1);
    rst = m.input("rst", 1);
    en = m.input("en", 1);
    clear = m.input("clear", 1);
    a = m.input("a", width(s.a), is_signed(s.a));
    b = m.input("b", width(s.b), is_signed(s.b));
    seed = draws > 0 ? m.input("seed", 32) : nullptr;
    out = m.output_reg("out", width(s.out), is_signed(s.out));
    acc = m.output_reg("acc", width(s.acc), is_signed(s.acc));
    sa = a, sb = b, sen = en, sclr = clear;
    if (s.pipeline >= 2) {
      sa = reg(m, "a_q", sa);
      sb = reg(m, "b_q", sb);
      sen = reg(m, "en_q0", sen);
      sclr = reg(m, "clear_q0", sclr);
    }
  }

  // A pipeline register loaded with v every cycle (reset to 0); returns it.
  expr reg(module& m, const std::string& name, const expr& v) {
    const expr r = m.reg(name, v->width, v->is_signed);
    pipe_reset.push_back(nb_assign(r, zeros(v->width)));
    pipe_load.push_back(nb_assign(r, as_unsigned(v)));
    return r;
  }
  // The product stage's registers for pipeline >= 1: en and clear travel with the product.
  void register_controls(module& m) {
    sen = reg(m, "en_q", sen);
    sclr = reg(m, "clear_q", sclr);
  }
  // The always block of every pipeline register (none for pipeline 0).
  void close_pipeline(module& m) const {
    if (pipe_reset.empty()) return;
    m.comment("pipeline registers");
    m.always_posedge(clk, {if_else(rst, pipe_reset, pipe_load)});
  }
};

}  // namespace lop::hw::pe_util
