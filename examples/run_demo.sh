#!/usr/bin/env bash
# The single-PE demo, from a fresh Debian 12 machine: installs the dependencies, builds
# lop-demo (which generates the default PE's Verilog and Verilates it), then co-simulates the
# PE against the C++ model and prints its synthesis report.
#   bash examples/run_demo.sh [lop-demo arguments...]
set -euo pipefail
exec bash "$(dirname "${BASH_SOURCE[0]}")/run_release.sh" lop-demo examples/lop-demo "$@"
