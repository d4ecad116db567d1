#!/bin/sh
# The multiplier table of docs/multipliers.md: for 8x8 and 16x16 unsigned operands, each
# multiplier's error metrics (lop-hwgen metrics: exhaustive at 8 bits, 1,000,000 seeded samples
# at 16) next to its synthesized area (lop-hwgen amul --report-json: Yosys generic CMOS
# transistor estimate and iCE40 LUT4), plus the structural exact array and a behavioural a*b
# (lop-hwgen mul) through the same flow. Prints a Markdown table; Yosys jobs run one at a time.
# Usage: tests/synth/approx_table.sh [path/to/lop-hwgen] > table.md
set -eu
HWGEN=${1:-lop-hwgen}
work=$(mktemp -d)
trap 'rm -rf "$work"' EXIT
# A top-level number of a JSON object (lop-hwgen's keys are unique), printed as is.
field() { grep -o "\"$2\": *[-0-9.e+]*" "$1" | head -n 1 | sed 's/.*: *//'; }
pct() { awk -v x="$1" 'BEGIN { printf "%.3g", 100 * x }'; }
echo "| operands | multiplier | error rate % | NMED % | MRED % | WCRE % | bias | transistors | iCE40 LUT4 |"
echo "|---|---|---:|---:|---:|---:|---:|---:|---:|"
for w in 8 16; do
  f="fixed<$w,0,unsigned>"
  "$HWGEN" mul "$f" "$f" --report-json "$work/area.json" >/dev/null 2>&1
  echo "| u$w × u$w | behavioural \`a*b\` | 0 | 0 | 0 | 0 | 0 | $(field "$work/area.json" transistors) | $(field "$work/area.json" ice40_lut4) |"
  if [ "$w" = 8 ]; then
    muls="exact truncated<t=6> truncated<t=6,correction=constant> truncated<t=6,correction=variable> broken_array<h=2,v=6> mitchell mitchell<correction=constant> drum<k=3> drum<k=4> drum<k=6>"
  else
    muls="exact truncated<t=14> truncated<t=14,correction=constant> truncated<t=14,correction=variable> broken_array<h=4,v=12> mitchell mitchell<correction=constant> drum<k=4> drum<k=6> drum<k=8>"
  fi
  for m in $muls; do
    "$HWGEN" metrics "$m" --a "u$w" --b "u$w" --samples 1000000 --seed 1 --json > "$work/m.json"
    "$HWGEN" amul "$m" "$f" "$f" --report-json "$work/area.json" >/dev/null 2>&1
    name=$m
    [ "$m" = exact ] && name="exact (structural array)"
    echo "| u$w × u$w | \`$name\` | $(pct "$(field "$work/m.json" error_rate)") | $(pct "$(field "$work/m.json" nmed)") | $(pct "$(field "$work/m.json" mred)") | $(pct "$(field "$work/m.json" wcre)") | $(field "$work/m.json" bias) | $(field "$work/area.json" transistors) | $(field "$work/area.json" ice40_lut4) |"
  done
done
