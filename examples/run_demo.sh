#!/usr/bin/env bash
# The main job, from a fresh Debian 12 machine: installs the dependencies, builds lop-demo
# (which generates the default PE's Verilog and Verilates it), then co-simulates the PE
# against the C++ model and prints its synthesis report.
#   bash examples/run_demo.sh [lop-demo arguments...]
set -euo pipefail
root="$(cd "$(dirname "${BASH_SOURCE[0]}")/.." && pwd)"
build="$root/build/release"
jobs="$(nproc 2>/dev/null || echo 2)"

bash "$root/cmake/install-deps.sh"
cmake -S "$root" -B "$build" -DCMAKE_BUILD_TYPE=Release -DLOP_BUILD_TESTS=OFF >/dev/null
cmake --build "$build" --target lop-demo -j "$jobs"
exec "$build/examples/lop-demo" "$@"
