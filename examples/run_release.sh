#!/usr/bin/env bash
# What the quick-start scripts share, on a fresh Debian 12 machine: install the dependencies
# (cmake/install-deps.sh), build one target in Release under build/release, and run it.
#   bash examples/run_release.sh TARGET PATH-IN-BUILD-DIR [arguments...]
set -euo pipefail
root="$(cd "$(dirname "${BASH_SOURCE[0]}")/.." && pwd)"
build="$root/build/release"
jobs="$(nproc 2>/dev/null || echo 2)"
target="$1"
exe="$2"
shift 2

bash "$root/cmake/install-deps.sh"
cmake -S "$root" -B "$build" -DCMAKE_BUILD_TYPE=Release -DLOP_BUILD_TESTS=OFF >/dev/null
cmake --build "$build" --target "$target" -j "$jobs"
exec "$build/$exe" "$@"
