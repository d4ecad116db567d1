#!/usr/bin/env bash
# Installs lop's build and test dependencies from Debian 12 packages (needs root or sudo).
# Skips apt entirely when everything is already installed.
set -euo pipefail
packages=(
  build-essential cmake pkg-config
  libeigen3-dev libfmt-dev catch2 libmpfr-dev libgmp-dev libbenchmark-dev
  nlohmann-json3-dev libcli11-dev zlib1g-dev
  verilator yosys iverilog gnuplot-nox
  dataset-fashion-mnist
)
missing=()
for p in "${packages[@]}"; do
  dpkg-query -W -f='${Status}' "$p" 2>/dev/null | grep -q "install ok installed" || missing+=("$p")
done
if [ ${#missing[@]} -eq 0 ]; then
  echo "lop: all dependencies are installed"
  exit 0
fi
sudo=""
if [ "$(id -u)" -ne 0 ]; then
  command -v sudo >/dev/null || { echo "lop: need root (or sudo) to install: ${missing[*]}" >&2; exit 1; }
  sudo="sudo"
fi
echo "lop: installing ${missing[*]}"
$sudo apt-get update -qq
DEBIAN_FRONTEND=noninteractive $sudo apt-get install -y -qq --no-install-recommends "${missing[@]}"
