#!/usr/bin/env bash
# The main job, from a fresh Debian 12 machine: installs the dependencies, builds lop-explore
# (Release) and runs it on its built-in default data: the committed Fashion-MNIST CNN, the
# Fashion-MNIST test set and the built-in sweep of 13 arithmetic configurations. Results,
# report and Pareto plots go to lop-explore-out/ (docs/explore.md).
#   bash examples/run_explore.sh [lop-explore arguments...]
set -euo pipefail
root="$(cd "$(dirname "${BASH_SOURCE[0]}")/.." && pwd)"
build="$root/build/release"
jobs="$(nproc 2>/dev/null || echo 2)"

bash "$root/cmake/install-deps.sh"
cmake -S "$root" -B "$build" -DCMAKE_BUILD_TYPE=Release -DLOP_BUILD_TESTS=OFF >/dev/null
cmake --build "$build" --target lop-explore -j "$jobs"
exec "$build/hwgen/lop-explore" "$@"
