#!/usr/bin/env bash
# The test suite, from a fresh Debian 12 machine: installs the dependencies, configures with
# AddressSanitizer + UndefinedBehaviorSanitizer, builds everything (library, hwgen, tests,
# examples, benchmarks) and runs every test with CTest.
#   bash tests/run.sh [build-dir]        (default: build/tests)
set -euo pipefail
root="$(cd "$(dirname "${BASH_SOURCE[0]}")/.." && pwd)"
build="${1:-$root/build/tests}"
jobs="$(nproc 2>/dev/null || echo 2)"

bash "$root/cmake/install-deps.sh"
cmake -S "$root" -B "$build" -DCMAKE_BUILD_TYPE=RelWithDebInfo -DLOP_SANITIZE=ON \
  -DLOP_BUILD_TESTS=ON -DLOP_BUILD_EXAMPLES=ON -DLOP_BUILD_BENCH=ON
cmake --build "$build" -j "$jobs"
cd "$build"
ctest --output-on-failure -j "$jobs"
