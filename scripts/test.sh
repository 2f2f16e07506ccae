#!/usr/bin/env bash
# Run every check: formatting, clippy, tests, wasm build, schema drift, and the journeys on a
# real single-node wasmd chain.
#
# With CI=true proptest runs 2000 cases per property unless PROPTEST_CASES is
# set; otherwise proptest's own default (or your PROPTEST_CASES) applies.
set -euo pipefail

source "$(dirname "$0")/lib.sh"
cd "$REPO_ROOT"

if [[ "${CI:-}" == true ]]; then
    export PROPTEST_CASES="${PROPTEST_CASES:-2000}"
fi

header "cargo fmt --check"
cargo fmt --all -- --check

header "cargo clippy"
cargo clippy --workspace --all-targets -- -D warnings

header "cargo test (PROPTEST_CASES=${PROPTEST_CASES:-proptest default})"
cargo test --workspace

header "Build wasm artifacts"
bash scripts/build-wasm.sh

header "Check schema"
bash scripts/check-schema.sh

header "End to end on a wasmd localnet (journeys, on-chain assertions, gas table)"
bash scripts/e2e.sh

header "All checks passed"
