#!/usr/bin/env bash
# Builds the checker in release mode and runs the throughput bench on bench/vendor/
# (vendoring it first with bench/vendor.sh when it is missing).
#
#   bash bench/run.sh [EXTRA BENCH ARGS, e.g. --runs 7 --threads 2]
#
# Set CARGO_TARGET_DIR to build elsewhere when the shared target/ is locked.
set -euo pipefail

repo_root="$(cd "$(dirname "${BASH_SOURCE[0]}")/.." && pwd)"
cd "$repo_root"

if [ ! -d bench/vendor ]; then
    bash bench/vendor.sh
fi

cargo build --release --quiet
cargo bench --quiet --bench throughput -- "$repo_root/bench/vendor" "$@"
