#!/usr/bin/env bash
# Build every contract in contracts/* to an optimized wasm artifact, the way
# cosmwasm/optimizer 0.17 builds it, with pinned tools:
#
#   Rust 1.86.0 (what the optimizer pins: the last std whose wasm has no bulk-memory
#   instructions, which the CosmWasm 3.0 VM rejects), the workspace's [profile.release],
#   RUSTFLAGS='-C link-arg=-s', `cargo build --release --lib --locked`, then
#   binaryen's `wasm-opt -Os --signext-lowering` (binaryen pinned in scripts/lib.sh).
#
# Source paths that end up in the wasm (panic locations) are remapped to the
# optimizer's layout (/code for the workspace, /usr/local/cargo for cargo's home),
# so the bytes do not depend on where the repository or cargo's cache live.
#
#   scripts/build-wasm.sh            build into artifacts/, write artifacts/checksums.txt
#                                    and docs/generated/wasm-sizes.md
#   scripts/build-wasm.sh --verify   build from a clean target dir and fail unless every
#                                    artifact's sha256 equals the committed
#                                    artifacts/checksums.txt
#
# Every artifact must pass cosmwasm-check and be at most MAX_WASM_BYTES (default 800 KiB,
# wasmd's default upload limit); each size is also printed against TARGET_WASM_BYTES
# (default 600 KiB, the smallest upload limit found on a production chain).
set -euo pipefail

source "$(dirname "$0")/lib.sh"
cd "$REPO_ROOT"

MODE=build
case "${1:-}" in
    "") ;;
    --verify) MODE=verify ;;
    *) die "usage: $0 [--verify]" ;;
esac

MAX_WASM_BYTES="${MAX_WASM_BYTES:-819200}"
TARGET_WASM_BYTES="${TARGET_WASM_BYTES:-614400}"
WASM_TARGET="wasm32-unknown-unknown"
ARTIFACTS="$REPO_ROOT/artifacts"
TARGET_DIR="$REPO_ROOT/target/wasm"
SIZES_DOC="$REPO_ROOT/docs/generated/wasm-sizes.md"
CARGO_HOME_DIR="${CARGO_HOME:-$HOME/.cargo}"

header "Contracts"
CONTRACTS="$(list_contracts)"
echo "$CONTRACTS"

header "Tools"
rustup toolchain install "$WASM_RUST_TOOLCHAIN" --profile minimal --target "$WASM_TARGET"
echo "rustc: $(rustup run "$WASM_RUST_TOOLCHAIN" rustc --version)"
ensure_binaryen
ensure_cosmwasm_check

if [[ "$MODE" == verify ]]; then
    [[ -f "$ARTIFACTS/checksums.txt" ]] || die "no committed artifacts/checksums.txt to verify against"
    cp "$ARTIFACTS/checksums.txt" "$REPO_ROOT/target/checksums.expected"
    header "Clean target dir $TARGET_DIR"
    rm -rf "$TARGET_DIR"
fi

header "cargo build (Rust $WASM_RUST_TOOLCHAIN, --release --lib --locked)"
export RUSTFLAGS="-C link-arg=-s --remap-path-prefix=$REPO_ROOT=/code --remap-path-prefix=$CARGO_HOME_DIR=/usr/local/cargo"
while read -r dir crate lib; do
    echo "--- $crate"
    cargo "+$WASM_RUST_TOOLCHAIN" build --release --lib --locked \
        --target "$WASM_TARGET" --target-dir "$TARGET_DIR" -p "$crate"
done <<<"$CONTRACTS"

header "wasm-opt -Os --signext-lowering ($("$WASM_OPT" --version))"
mkdir -p "$ARTIFACTS"
rm -f "$ARTIFACTS"/*.wasm
while read -r dir crate lib; do
    "$WASM_OPT" -Os --signext-lowering "$TARGET_DIR/$WASM_TARGET/release/$lib.wasm" \
        -o "$ARTIFACTS/$lib.wasm"
done <<<"$CONTRACTS"

header "Checksums"
(cd "$ARTIFACTS" && sha256sum -- *.wasm > checksums.txt && cat checksums.txt)

failed=0
header "cosmwasm-check ($("$COSMWASM_CHECK" --version))"
"$COSMWASM_CHECK" "$ARTIFACTS"/*.wasm || failed=1

header "Sizes (limit $MAX_WASM_BYTES bytes, target $TARGET_WASM_BYTES bytes)"
rows=()
for wasm in "$ARTIFACTS"/*.wasm; do
    size=$(stat -c %s "$wasm")
    name="$(basename "$wasm")"
    if (( size > MAX_WASM_BYTES )); then
        verdict="over the limit"
        failed=1
    elif (( size > TARGET_WASM_BYTES )); then
        verdict="over the target by $((size - TARGET_WASM_BYTES))"
    else
        verdict="under the target by $((TARGET_WASM_BYTES - size))"
    fi
    printf '%-22s %8d bytes  %4d KiB  %s\n' "$name" "$size" "$((size / 1024))" "$verdict"
    rows+=("| \`$name\` | $size | $((size / 1024)) | $verdict |")
done

if [[ "$MODE" == verify ]]; then
    header "Verify against the committed checksums"
    if diff -u "$REPO_ROOT/target/checksums.expected" "$ARTIFACTS/checksums.txt"; then
        echo "every artifact reproduces its committed checksum"
    else
        cp "$REPO_ROOT/target/checksums.expected" "$ARTIFACTS/checksums.txt.committed"
        echo "ERROR: the rebuilt artifacts differ from artifacts/checksums.txt (above)." >&2
        echo "If the code changed on purpose, run scripts/build-wasm.sh and commit the new checksums." >&2
        failed=1
    fi
fi

if [[ "$MODE" == build ]]; then
    mkdir -p "$(dirname "$SIZES_DOC")"
    {
        echo "# Wasm sizes"
        echo
        echo "Written by \`scripts/build-wasm.sh\` (Rust $WASM_RUST_TOOLCHAIN, \`wasm-opt -Os\`, binaryen $BINARYEN_VERSION);"
        echo "do not edit. Limit $MAX_WASM_BYTES bytes (800 KiB, wasmd's default upload limit), target"
        echo "$TARGET_WASM_BYTES bytes (600 KiB). Checksums: \`artifacts/checksums.txt\`."
        echo
        echo "| artifact | bytes | KiB | against the target |"
        echo "| --- | ---: | ---: | --- |"
        printf '%s\n' "${rows[@]}"
    } > "$SIZES_DOC"
    echo "wrote ${SIZES_DOC#"$REPO_ROOT"/}"
fi

[[ "$failed" == 0 ]] || die "the wasm artifacts failed a check (see above)"
header "Done: artifacts in artifacts/"
