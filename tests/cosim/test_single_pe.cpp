// What a user does to co-simulate one PE (this file is the worked example in docs/cosim.md):
//   lop_add_verilated(my_test KIND pe DESCRIPTOR "pe<...>" TOP lop_example_pe)
// then drive the Verilated model and lop::pe_model with the same stream, cycle by cycle.
#include <catch2/catch.hpp>

#include <cstdint>
#include <deque>
#include <random>

#include "Vlop_example_pe.h"  // generated: class V<TOP>
#include "lop/pe.hpp"

namespace {
// Must match DESCRIPTOR in tests/cosim/CMakeLists.txt.
constexpr const char* pe_text =
    "pe<a=fixed<8,7,signed,floor,wrap>,b=fixed<8,7,signed,floor,wrap>,"
    "acc=fixed<20,12,signed,half_even,saturate>,out=fixed<8,6,signed,half_away,saturate>,"
    "mul=exact,pipeline=1>";
}  // namespace

TEST_CASE("cosim: a single PE through lop_add_verilated", "[cosim][example]") {
  const lop::pe_spec spec = lop::parse_pe_spec(pe_text);
  lop::pe_model model(spec);
  Vlop_example_pe pe;

  // One clock cycle: apply inputs, rising edge, falling edge.
  auto tick = [&](std::uint8_t a, std::uint8_t b, bool en, bool clear, bool rst) {
    pe.a = a;
    pe.b = b;
    pe.en = en;
    pe.clear = clear;
    pe.rst = rst;
    pe.clk = 1;
    pe.eval();
    pe.clk = 0;
    pe.eval();
  };
  auto raw8 = [](std::uint8_t v) { return static_cast<lop::pe_model::raw>(static_cast<std::int8_t>(v)); };

  tick(0, 0, false, false, true);  // synchronous reset
  model.reset();

  // pipeline=1: what enters at cycle t reaches the accumulator at cycle t+1.
  struct in { std::uint8_t a, b; bool en, clear; };
  std::deque<in> line{{0, 0, false, false}};
  std::mt19937 rng(42);
  int nonzero = 0;
  for (int t = 0; t < 200000; ++t) {
    const in now{static_cast<std::uint8_t>(rng()), static_cast<std::uint8_t>(rng()), rng() % 8 != 0,
                 rng() % 1000 == 0};
    tick(now.a, now.b, now.en, now.clear, false);
    line.push_back(now);
    const in s = line.front();
    line.pop_front();
    if (s.en)
      model.mac(raw8(s.a), raw8(s.b), s.clear);
    else if (s.clear)
      model.clear();
    const auto want_out = static_cast<std::uint32_t>(model.out()) & 0xFFU;
    const auto want_acc = static_cast<std::uint32_t>(model.acc()) & 0xFFFFFU;
    if (pe.out != want_out || pe.acc != want_acc) {
      INFO("cycle " << t << ": out " << +pe.out << " vs " << want_out << ", acc " << pe.acc
                    << " vs " << want_acc);
      FAIL("generated PE differs from lop::pe_model");
    }
    nonzero += pe.out != 0 ? 1 : 0;
  }
  CHECK(nonzero > 100000);  // the stream really exercises the PE
  pe.final();
}
