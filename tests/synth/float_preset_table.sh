#!/bin/sh
# Synthesis table of the float presets (docs/synthesis.md, "Float presets"): for every preset
# its multiplier (a*b -> the preset), adder (a+b -> the preset) and MAC (a PE with a = b = the
# preset, acc = fp32 fused, out = the preset; acc = fp32 for fp32 itself), each synthesized by
# lop-hwgen --report-json (lop::hw::synthesize: Yosys generic CMOS estimate + iCE40 flow).
# Prints a Markdown table. Runs the Yosys jobs one at a time.
# Usage: tests/synth/float_preset_table.sh [path/to/lop-hwgen] > table.md
set -eu
HWGEN=${1:-lop-hwgen}
work=$(mktemp -d)
trap 'rm -rf "$work"' EXIT
presets="fp32 fp16 bf16 tf32 fp8_e4m3fn fp8_e5m2 fp8_e4m3fnuz fp8_e5m2fnuz fp6_e2m3fn fp6_e3m2fn fp4_e2m1fn"
# A top-level number of lop-hwgen's report JSON (its keys are unique).
field() { grep -o "\"$2\": *[0-9][0-9]*" "$1" | head -n 1 | sed 's/.*: *//'; }
echo "| preset | multiplier: transistors | multiplier: iCE40 LUT4 | adder: transistors | adder: iCE40 LUT4 | MAC: transistors | MAC: iCE40 LUT4 | MAC: flip-flops |"
echo "|---|---:|---:|---:|---:|---:|---:|---:|"
for p in $presets; do
  "$HWGEN" fmul --a "$p" --out "$p" --report-json "$work/mul.json" >/dev/null 2>&1
  "$HWGEN" fadd --a "$p" --out "$p" --report-json "$work/add.json" >/dev/null 2>&1
  "$HWGEN" pe "pe<a=$p,b=$p,acc=fp32,out=$p,pipeline=0,mac=fused>" --report-json "$work/mac.json" >/dev/null 2>&1
  echo "| \`$p\` | $(field "$work/mul.json" transistors) | $(field "$work/mul.json" ice40_lut4) | $(field "$work/add.json" transistors) | $(field "$work/add.json" ice40_lut4) | $(field "$work/mac.json" transistors) | $(field "$work/mac.json" ice40_lut4) | $(field "$work/mac.json" flip_flops) |"
done
