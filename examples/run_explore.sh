#!/usr/bin/env bash
# The main job, from a fresh Debian 12 machine: installs the dependencies, builds lop-explore
# (Release) and runs it on its built-in default data: the committed Fashion-MNIST CNN, the
# Fashion-MNIST test set and the built-in sweep of 13 arithmetic configurations. Results,
# report and Pareto plots go to lop-explore-out/ (docs/explore.md).
#   bash examples/run_explore.sh [lop-explore arguments...]
set -euo pipefail
exec bash "$(dirname "${BASH_SOURCE[0]}")/run_release.sh" lop-explore hwgen/lop-explore "$@"
