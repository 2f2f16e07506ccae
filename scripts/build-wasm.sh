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
#   scripts/build-wasm.sh --suite    build only the suite's contracts; the third-party artifacts
#                                    already in artifacts/third-party/ must match their
#                                    workspaces' checksums.txt and are checked as they are
#   scripts/build-wasm.sh --third-party
#                                    build only the third-party workspaces; the suite's
#                                    artifacts already in artifacts/ must match
#                                    artifacts/checksums.txt and are checked and listed in
#                                    docs/generated/wasm-sizes.md as they are
#
# Contracts the suite deploys next to its own are built the same way from their crates.io
# releases, each in a workspace of its own under third-party/ (DAO DAO's on cosmwasm-std 1.5,
# which must never mix with the suite's 2.x, and the token DAO's cw20-stake and voting module;
# cw-plus's multisig, group and cw20-base, the anchors of scripts/gas-report.sh). There each member is
# a thin cdylib wrapper linking one released crate; its artifact is named after that crate and
# lands in artifacts/third-party/<workspace>/, with its checksums in third-party/<workspace>/checksums.txt.
# wasm-opt gets `--one-caller-inline-max-function-size 0` for them: without it, inlining gives
# dao-dao-core and dao-voting-cw20-staked functions over the 100 locals cosmwasm-check allows.
#
# Every artifact must pass cosmwasm-check and be at most MAX_WASM_BYTES (default 800 KiB,
# wasmd's default upload limit); each size is also printed against TARGET_WASM_BYTES
# (default 600 KiB, the smallest upload limit found on a production chain).
set -euo pipefail

source "$(dirname "$0")/lib.sh"
cd "$REPO_ROOT"

MODE=build
SUITE=build
THIRD_PARTY=build
case "${1:-}" in
    "") ;;
    --verify) MODE=verify ;;
    --third-party) SUITE=keep ;;
    --suite) THIRD_PARTY=keep ;;
    *) die "usage: $0 [--verify | --suite | --third-party]" ;;
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

failed=0
rows=()

# Lists a third-party workspace's wrappers as "<dir> <crate> <lib> <artifact name>".
list_wrappers() {
    cargo metadata --no-deps --format-version 1 --manifest-path "$1/Cargo.toml" | python3 -c '
import json, os, sys
for pkg in json.load(sys.stdin)["packages"]:
    for target in pkg["targets"]:
        if "cdylib" in target["crate_types"]:
            lib = target["name"].replace("-", "_")
            print(os.path.basename(os.path.dirname(pkg["manifest_path"])), pkg["name"], lib,
                  lib.removesuffix("_wasm"))
'
}

# check_sizes <title> <artifact dir> <wasm names>: cosmwasm-check and the size limits; adds
# each artifact's row to the sizes page.
check_sizes() {
    local title="$1" out="$2" wasms="$3"
    local rel="${out#"$ARTIFACTS"}"
    rel="artifacts${rel}"
    header "$title: cosmwasm-check ($("$COSMWASM_CHECK" --version))"
    (cd "$out" && "$COSMWASM_CHECK" $wasms) || failed=1

    header "$title: sizes (limit $MAX_WASM_BYTES bytes, target $TARGET_WASM_BYTES bytes)"
    local wasm size verdict
    for wasm in $wasms; do
        size=$(stat -c %s "$out/$wasm")
        if (( size > MAX_WASM_BYTES )); then
            verdict="over the limit"
            failed=1
        elif (( size > TARGET_WASM_BYTES )); then
            verdict="over the target by $((size - TARGET_WASM_BYTES))"
        else
            verdict="under the target by $((TARGET_WASM_BYTES - size))"
        fi
        printf '%-40s %8d bytes  %4d KiB  %s\n' "$wasm" "$size" "$((size / 1024))" "$verdict"
        rows+=("| \`$rel/$wasm\` | $size | $((size / 1024)) | $verdict |")
    done
}

# build_group <title> <workspace> <target dir> <artifact dir> <checksums file> <contracts> [wasm-opt flags...]
# Builds every listed crate of one workspace, optimizes each into the artifact dir, checks it
# and its size, and writes (or, with --verify, compares) the group's checksums.
build_group() {
    local title="$1" workspace="$2" target_dir="$3" out="$4" sums="$5" contracts="$6"
    shift 6
    local opt_flags=("$@")
    header "$title: contracts"
    echo "$contracts"
    if [[ "$MODE" == verify ]]; then
        [[ -f "$sums" ]] || die "no committed ${sums#"$REPO_ROOT"/} to verify against"
        mkdir -p "$(dirname "$target_dir")"
        cp "$sums" "$target_dir.checksums.expected"
        header "$title: clean target dir ${target_dir#"$REPO_ROOT"/}"
        rm -rf "$target_dir"
    fi

    header "$title: cargo build (Rust $WASM_RUST_TOOLCHAIN, --release --lib --locked)"
    # Paths that end up in the wasm are remapped to the optimizer's layout: /code for the
    # workspace, /usr/local/cargo for cargo's home.
    local -x RUSTFLAGS="-C link-arg=-s --remap-path-prefix=$workspace=/code --remap-path-prefix=$CARGO_HOME_DIR=/usr/local/cargo"
    local dir crate lib name
    while read -r dir crate lib name; do
        echo "--- $crate"
        # One crate per build: building wrappers together would unify a released crate's
        # features with the `library` feature another member's dependency turns on.
        (cd "$workspace" && cargo "+$WASM_RUST_TOOLCHAIN" build --release --lib --locked \
            --target "$WASM_TARGET" --target-dir "$target_dir" -p "$crate")
    done <<<"$contracts"

    header "$title: wasm-opt -Os --signext-lowering ${opt_flags[*]} ($("$WASM_OPT" --version))"
    mkdir -p "$out"
    rm -f "$out"/*.wasm
    while read -r dir crate lib name; do
        "$WASM_OPT" -Os --signext-lowering "${opt_flags[@]}" \
            "$target_dir/$WASM_TARGET/release/$lib.wasm" -o "$out/${name:-$lib}.wasm"
    done <<<"$contracts"

    local wasms
    wasms="$(cd "$out" && find . -maxdepth 1 -name '*.wasm' | sed 's|^\./||' | sort)"
    header "$title: checksums"
    (cd "$out" && sha256sum -- $wasms > "$sums.new" && mv "$sums.new" "$sums.built" && cat "$sums.built")

    check_sizes "$title" "$out" "$wasms"

    if [[ "$MODE" == verify ]]; then
        header "$title: verify against the committed checksums"
        if diff -u "$target_dir.checksums.expected" "$sums.built"; then
            echo "every artifact reproduces its committed checksum"
        else
            echo "ERROR: the rebuilt artifacts differ from ${sums#"$REPO_ROOT"/} (above)." >&2
            echo "If the code changed on purpose, run scripts/build-wasm.sh and commit the new checksums." >&2
            failed=1
        fi
        rm -f "$sums.built"
    else
        mv "$sums.built" "$sums"
    fi
}

if [[ "$SUITE" == build ]]; then
    build_group "Suite" "$REPO_ROOT" "$TARGET_DIR" "$ARTIFACTS" "$ARTIFACTS/checksums.txt" \
        "$(list_contracts)"
else
    header "Suite: the artifacts in artifacts/ as they are (not rebuilt)"
    (cd "$ARTIFACTS" && sha256sum -c checksums.txt) \
        || die "artifacts/ does not match artifacts/checksums.txt: run scripts/build-wasm.sh"
    check_sizes "Suite" "$ARTIFACTS" "$(awk '{print $2}' "$ARTIFACTS/checksums.txt" | sed 's/^\*//' | sort)"
fi
for workspace in "$REPO_ROOT"/third-party/*/; do
    workspace="${workspace%/}"
    name="$(basename "$workspace")"
    if [[ "$THIRD_PARTY" == keep ]]; then
        header "Third party: $name: the artifacts in artifacts/third-party/$name as they are (not rebuilt)"
        (cd "$ARTIFACTS/third-party/$name" && sha256sum -c "$workspace/checksums.txt") \
            || die "artifacts/third-party/$name does not match its checksums.txt: run scripts/build-wasm.sh"
        check_sizes "Third party: $name" "$ARTIFACTS/third-party/$name" \
            "$(awk '{print $2}' "$workspace/checksums.txt" | sed 's/^\*//' | sort)"
        continue
    fi
    build_group "Third party: $name" "$workspace" "$REPO_ROOT/target/third-party/$name" \
        "$ARTIFACTS/third-party/$name" "$workspace/checksums.txt" "$(list_wrappers "$workspace")" \
        --one-caller-inline-max-function-size 0
done

if [[ "$MODE" == build ]]; then
    mkdir -p "$(dirname "$SIZES_DOC")"
    {
        echo "# Wasm sizes"
        echo
        echo "Written by \`scripts/build-wasm.sh\` (Rust $WASM_RUST_TOOLCHAIN, \`wasm-opt -Os\`, binaryen $BINARYEN_VERSION);"
        echo "do not edit. Limit $MAX_WASM_BYTES bytes (800 KiB, wasmd's default upload limit), target"
        echo "$TARGET_WASM_BYTES bytes (600 KiB). Checksums: \`artifacts/checksums.txt\` and, for the"
        echo "released third-party contracts the suite deploys next to its own (built from crates.io"
        echo "in the workspaces under \`third-party/\`), each workspace's \`checksums.txt\`."
        echo
        echo "| artifact | bytes | KiB | against the target |"
        echo "| --- | ---: | ---: | --- |"
        printf '%s\n' "${rows[@]}"
    } > "$SIZES_DOC"
    echo "wrote ${SIZES_DOC#"$REPO_ROOT"/}"
fi

[[ "$failed" == 0 ]] || die "the wasm artifacts failed a check (see above)"
header "Done: artifacts in artifacts/"
