#!/usr/bin/env bash
# Run every check: formatting, clippy, tests (the workspace, then each crate on its own, so a
# crate that only works inside the workspace is caught), the reproducible wasm build verified
# against the committed checksums, schema drift, and the journeys on a real single-node wasmd
# chain.
#
# With CI=true proptest runs 1000 cases per property unless PROPTEST_CASES is
# set; otherwise proptest's own default (or your PROPTEST_CASES) applies.
set -euo pipefail

source "$(dirname "$0")/lib.sh"
cd "$REPO_ROOT"

if [[ "${CI:-}" == true ]]; then
    export PROPTEST_CASES="${PROPTEST_CASES:-1000}"
fi

header "cargo fmt --check"
cargo fmt --all -- --check

header "cargo clippy"
cargo clippy --workspace --all-targets -- -D warnings

header "cargo test (PROPTEST_CASES=${PROPTEST_CASES:-proptest default})"
cargo test --workspace

header "cargo test, each crate on its own (PROPTEST_CASES=${PROPTEST_CASES_ALONE:-256})"
for crate in $(cargo metadata --no-deps --format-version 1 \
    | python3 -c 'import json,sys; print(" ".join(p["name"] for p in json.load(sys.stdin)["packages"]))'); do
    if [[ "$crate" == tranche-perps-testing ]]; then
        # Its tests are the workspace's integration tests, just run above with the same
        # features; alone it only has to build.
        echo "--- cargo test -p $crate --no-run"
        cargo test -q -p "$crate" --no-run
        continue
    fi
    echo "--- cargo test -p $crate"
    PROPTEST_CASES="${PROPTEST_CASES_ALONE:-256}" cargo test -p "$crate"
done

header "Wasm build, verified against artifacts/checksums.txt"
bash scripts/build-wasm.sh --verify

header "Check schema"
bash scripts/check-schema.sh

header "End to end on a wasmd localnet (journeys, on-chain assertions, gas table)"
bash scripts/e2e.sh

header "All checks passed"
