// Uses lop (header-only) and lop::hwgen from an installed package or a source tree.
#include <cstdio>
#include <string>

#include "lop/pe_spec.hpp"
#include "lop/hw/synth.hpp"
#include "lop/hw/verilog.hpp"
#include "lop/pe.hpp"

int main() {
  // The header-only library: descriptor text and the bit-exact PE model.
  const lop::fixed_format f = lop::parse_fixed_format("fixed<8,4,signed,half_even,saturate>");
  if (f.width != 8 || f.frac != 4 || !f.is_signed) return 1;
  const lop::pe_spec spec{f, f, lop::sfix(20, 8), f};
  lop::pe_model pe(spec);
  pe.mac(16, 32);   // 1.0 * 2.0
  pe.mac(-8, 16);   // -0.5 * 1.0
  if (pe.acc() != 384 || pe.out() != 24) {  // 1.5 in acc (frac 8) and out (frac 4)
    std::printf("pe_model: acc %lld out %lld\n", static_cast<long long>(pe.acc()), static_cast<long long>(pe.out()));
    return 1;
  }

  // The hwgen library: build and emit a tiny module, round-trip a synthesis report.
  lop::hw::module m("consumer_add", {"lop package consumer test"});
  const auto a = m.input("a", 8);
  const auto b = m.input("b", 8);
  const auto s = m.output("s", 9);
  m.assign(s, lop::hw::add(a, b, 9));
  const std::string v = m.emit();
  if (v.find("module consumer_add") == std::string::npos) return 1;

  lop::hw::synth_report r;
  r.top = "consumer_add";
  r.transistors = 42;
  if (lop::hw::report_from_json(lop::hw::to_json(r)).transistors != 42) return 1;

  std::printf("lop consumer OK: %s, hwgen %.*s, lop-hwgen at %s\n", lop::to_string(f).c_str(),
              static_cast<int>(lop::hw::generator_version().size()), lop::hw::generator_version().data(),
              LOP_HWGEN_EXECUTABLE);
  return 0;
}
