#!/usr/bin/env bash
# Build every contract in contracts/* to an optimized wasm artifact.
#
# Output:
#   artifacts/<lib_name>.wasm   e.g. artifacts/insurance_fund.wasm
#   artifacts/checksums.txt     sha256sum format, like the cosmwasm optimizer
#
# Every artifact must pass cosmwasm-check and be at most MAX_WASM_BYTES (a
# regression ceiling; the build fails above it). Each size is also reported
# against the product target of 300 KB (TARGET_WASM_BYTES): see README,
# "Wasm size".
#
# Rust >= 1.87 ships a prebuilt std whose wasm uses bulk-memory instructions,
# which cosmwasm-check rejects. The preferred strategies therefore rebuild std
# from source for the MVP cpu (-Zbuild-std, enabled with RUSTC_BOOTSTRAP=1 on a
# stable compiler), which also lets the build make std small:
#   - panics abort immediately (the VM reports a trap; the transaction fails
#     and reverts exactly as with a panic message, without the formatting code),
#   - std's optimize_for_size implementations, and no backtrace symbolization.
# Strategies, tried in this order:
#   c) Debian's rustc-web + rust-web-src from apt (no rustup download), build-std
#   a) rustup toolchain 1.86 + its rust-src, build-std
#   b) default toolchain with its prebuilt std, then wasm-opt lowers
#      memory.copy/fill back to MVP (largest output; last resort)
#
# The build compiles a copy of the workspace in target/wasm-ws whose
# cosmwasm-std is patched in one place: on wasm32 its error type boxes a
# disabled std::backtrace::Backtrace, which links std's backtrace printer and
# symbol demangler (about 25 KB) into every contract although nothing can ever
# be printed; the patch boxes cosmwasm-std's own "<disabled>" stub instead, as
# it already does without std. The source is checked against its sha256 first,
# so a different cosmwasm-std version fails loudly instead of building unpatched.
#
# Environment:
#   TP_CACHE          tool cache dir (default ~/.cache/tranche-perps)
#   WASM_STRATEGY     force one strategy: a, b or c (default: try c, a, b)
#   MAX_WASM_BYTES    hard size limit per artifact, a regression ceiling (default
#                     480 KB with strategy c, 540 KB with a, 640 KB with b)
#   TARGET_WASM_BYTES size target reported per artifact (default 307200 = 300 KB)
set -euo pipefail

source "$(dirname "$0")/lib.sh"
cd "$REPO_ROOT"

TARGET_WASM_BYTES="${TARGET_WASM_BYTES:-307200}"
WASM_TARGET="wasm32-unknown-unknown"
ARTIFACTS="$REPO_ROOT/artifacts"
# Raw (unoptimized) wasm from whichever strategy succeeded.
RAW_DIR="$REPO_ROOT/target/wasm/raw"

# Feature flags for wasm-opt. The MVP features plus the post-MVP ones that
# cosmwasm accepts; bulk memory is deliberately not in this list.
WASM_OPT_FEATURES=(
    --enable-sign-ext
    --enable-mutable-globals
    --enable-nontrapping-float-to-int
    --enable-multivalue
    --enable-reference-types
)

# ---------------------------------------------------------------------------
# The build workspace: a copy of the crates with the patched cosmwasm-std.
# ---------------------------------------------------------------------------

WASM_WS="$REPO_ROOT/target/wasm-ws"
# The one line changed in cosmwasm-std 2.3.6's src/errors/backtrace.rs, and the
# sha256 of that file before the change.
COSMWASM_STD_VERSION="2.3.6"
BACKTRACE_RS_SHA256="1b06ec53483dd767462be57acca598d14d2b054f63b2dce4b2c05199331eab3f"
BACKTRACE_FROM='return BT(Box::new(std::backtrace::Backtrace::disabled()));'
BACKTRACE_TO='return BT(Box::new(Stub));'

prepare_build_workspace() {
    rm -rf "$WASM_WS"
    mkdir -p "$WASM_WS"
    cp -r Cargo.toml Cargo.lock contracts packages "$WASM_WS/"

    # Where cargo unpacked the locked cosmwasm-std.
    local manifest
    manifest="$(cargo metadata --locked --format-version 1 | python3 -c '
import json, sys
want = sys.argv[1]
for pkg in json.load(sys.stdin)["packages"]:
    if pkg["name"] == "cosmwasm-std" and pkg["version"] == want:
        print(pkg["manifest_path"])
' "$COSMWASM_STD_VERSION")"
    [[ -n "$manifest" ]] || die "cosmwasm-std $COSMWASM_STD_VERSION is not in Cargo.lock; update the backtrace patch in $0"

    local patched="$WASM_WS/patched/cosmwasm-std"
    mkdir -p "$(dirname "$patched")"
    cp -r "$(dirname "$manifest")" "$patched"
    chmod -R u+w "$patched"
    local file="$patched/src/errors/backtrace.rs"
    echo "$BACKTRACE_RS_SHA256  $file" | sha256sum --check --quiet \
        || die "cosmwasm-std's backtrace.rs is not the reviewed version; update the patch in $0"
    python3 - "$file" "$BACKTRACE_FROM" "$BACKTRACE_TO" <<'PY'
import sys
path, old, new = sys.argv[1:]
text = open(path).read()
if text.count(old) != 1:
    sys.exit(f"patch target not found exactly once in {path}")
open(path, "w").write(text.replace(old, new))
PY
    cat >>"$WASM_WS/Cargo.toml" <<'TOML'

# Added by scripts/build-wasm.sh for the wasm build only.
[patch.crates-io]
cosmwasm-std = { path = "patched/cosmwasm-std" }
TOML
    # Re-resolve only cosmwasm-std onto the patched copy; everything else stays locked.
    (cd "$WASM_WS" && cargo update --offline -p cosmwasm-std --quiet) \
        || die "could not point the build workspace at the patched cosmwasm-std"
    local changed
    changed="$(diff <(grep -v '^checksum\|^source' Cargo.lock) \
        <(grep -v '^checksum\|^source' "$WASM_WS/Cargo.lock") || true)"
    [[ -z "$changed" ]] || die "patching cosmwasm-std changed more than its source in Cargo.lock: $changed"
    echo "build workspace $WASM_WS (cosmwasm-std $COSMWASM_STD_VERSION with the backtrace stub)"
}

# ---------------------------------------------------------------------------
# Strategies. Each one builds all contracts in $WASM_WS and copies the raw wasm
# files to $RAW_DIR/<lib_name>.wasm, or returns non-zero.
# ---------------------------------------------------------------------------

# Copy <target dir>/wasm32-unknown-unknown/release/<lib>.wasm into $RAW_DIR.
collect_raw() {
    local target_dir="$1"
    local dir crate lib
    while read -r dir crate lib; do
        cp "$target_dir/$WASM_TARGET/release/$lib.wasm" "$RAW_DIR/$lib.wasm" || return 1
    done <<<"$CONTRACTS"
}

# Build every contract with std rebuilt from source.
#   $1 rustc binary, $2 cargo command (may include +toolchain), $3 rust-src
#   library dir, $4 target dir, $5 extra RUSTFLAGS.
build_with_std_from_source() {
    local rustc_bin="$1" cargo_cmd="$2" library="$3" target_dir="$4" extra_flags="$5"

    # Immediate-abort panics: a std feature on older compilers, a panic
    # strategy on newer ones (whose std no longer has the feature).
    local panic_flag="" std_features=()
    if grep -q "^panic_immediate_abort *=" "$library/sysroot/Cargo.toml" 2>/dev/null; then
        std_features+=(panic_immediate_abort)
    else
        panic_flag="-Zunstable-options -Cpanic=immediate-abort"
    fi
    local feature
    for feature in optimize_for_size backtrace-trace-only; do
        if grep -q "^$feature *=" "$library/sysroot/Cargo.toml" 2>/dev/null; then
            std_features+=("$feature")
        fi
    done
    local features_csv
    features_csv="$(IFS=,; echo "${std_features[*]}")"
    echo "rustc $("$rustc_bin" --version); std features: $features_csv; panic flag: ${panic_flag:-none}"

    local dir crate lib
    while read -r dir crate lib; do
        echo "--- build -Zbuild-std -p $crate"
        (cd "$WASM_WS" && RUSTC_BOOTSTRAP=1 RUSTC="$rustc_bin" \
            RUSTFLAGS="-C target-cpu=mvp -C target-feature=+mutable-globals,+sign-ext,+nontrapping-fptoint -C link-arg=-s $panic_flag $extra_flags" \
            $cargo_cmd build --release --lib --locked \
            --target "$WASM_TARGET" --target-dir "$target_dir" -p "$crate" \
            -Zbuild-std=std,panic_abort "-Zbuild-std-features=$features_csv") || return 1
    done <<<"$CONTRACTS"
    collect_raw "$target_dir"
}

# (c) Debian's rustc-web and its std source. Needs apt-get (root or sudo).
build_strategy_c() {
    local sudo=""
    if [[ "$(id -u)" != 0 ]]; then
        command -v sudo >/dev/null || { echo "strategy c needs root or sudo for apt-get"; return 1; }
        sudo="sudo -n"
    fi
    command -v apt-get >/dev/null || { echo "apt-get not found"; return 1; }

    local packages=(rustc-web rust-web-src cargo-web lld-19)
    if ! dpkg -s "${packages[@]}" >/dev/null 2>&1; then
        $sudo apt-get update -q || return 1
        DEBIAN_FRONTEND=noninteractive $sudo apt-get install -y -q "${packages[@]}" || return 1
    fi

    local wasm_ld="/usr/lib/llvm-19/bin/wasm-ld"
    local library="/usr/lib/rustlib/src/rust/library"
    [[ -x /usr/bin/rustc ]] || { echo "/usr/bin/rustc missing after apt-get install"; return 1; }
    [[ -x "$wasm_ld" ]] || { echo "$wasm_ld missing after apt-get install"; return 1; }
    [[ -d "$library" ]] || { echo "$library missing after apt-get install"; return 1; }
    # Debian's cargo if present, otherwise whatever cargo is on PATH.
    local cargo_bin="cargo"
    [[ -x /usr/bin/cargo ]] && cargo_bin="/usr/bin/cargo"

    CARGO_TARGET_WASM32_UNKNOWN_UNKNOWN_LINKER="$wasm_ld" \
        build_with_std_from_source /usr/bin/rustc "$cargo_bin" "$library" \
        "$REPO_ROOT/target/wasm-c" "-C link-arg=--allow-undefined"
}

# (a) Rust 1.86 and its std source from rustup.
build_strategy_a() {
    command -v rustup >/dev/null || { echo "rustup not found"; return 1; }
    rustup toolchain install "$WASM_RUST_TOOLCHAIN" --profile minimal \
        --target "$WASM_TARGET" --component rust-src || return 1
    local sysroot
    sysroot="$(rustup run "$WASM_RUST_TOOLCHAIN" rustc --print sysroot)" || return 1
    build_with_std_from_source "$(rustup which --toolchain "$WASM_RUST_TOOLCHAIN" rustc)" \
        "cargo +$WASM_RUST_TOOLCHAIN" "$sysroot/lib/rustlib/src/rust/library" \
        "$REPO_ROOT/target/wasm-a" ""
}

# (b) The default toolchain and its prebuilt std. Its output uses bulk memory;
# wasm-opt lowers it.
build_strategy_b() {
    rustup target add "$WASM_TARGET" || return 1

    local target_dir="$REPO_ROOT/target/wasm-b"
    local dir crate lib
    while read -r dir crate lib; do
        echo "--- cargo build -p $crate"
        (cd "$WASM_WS" && RUSTFLAGS="-C link-arg=-s" \
            cargo build --release --lib --locked \
            --target "$WASM_TARGET" --target-dir "$target_dir" -p "$crate") || return 1
    done <<<"$CONTRACTS"
    collect_raw "$target_dir"
}

# Optimize $RAW_DIR/<lib>.wasm into artifacts/<lib>.wasm.
#   -Oz                 smallest output (slightly smaller than -Os here)
#   --signext-lowering  drop sign-ext ops too, for chains on older wasmvm
# Strategy b additionally needs bulk memory enabled while reading the input
# and lowered away (--llvm-memory-copy-fill-lowering) before writing.
optimize() {
    local strategy="$1"
    local flags=(-Oz "${WASM_OPT_FEATURES[@]}")
    if [[ "$strategy" == b ]]; then
        flags+=(--enable-bulk-memory --enable-bulk-memory-opt --llvm-memory-copy-fill-lowering)
    fi
    flags+=(--signext-lowering)

    local dir crate lib
    while read -r dir crate lib; do
        echo "--- wasm-opt $lib.wasm"
        "$WASM_OPT" "${flags[@]}" "$RAW_DIR/$lib.wasm" -o "$ARTIFACTS/$lib.wasm.tmp"
        mv "$ARTIFACTS/$lib.wasm.tmp" "$ARTIFACTS/$lib.wasm"
    done <<<"$CONTRACTS"
}

# ---------------------------------------------------------------------------

header "Contracts"
CONTRACTS="$(list_contracts)"
[[ -n "$CONTRACTS" ]] || die "no cdylib contract crates found in contracts/*"
echo "$CONTRACTS"

# The wasm builds use --locked so they never rewrite Cargo.lock; check it up
# front so a stale lockfile gives one clear error instead of three failed
# strategies.
header "Check Cargo.lock is up to date"
cargo metadata --locked --format-version 1 >/dev/null \
    || die "Cargo.lock is out of date; run a normal 'cargo build' or 'cargo update -w' and commit it"
echo "ok"

header "Tools"
ensure_binaryen
ensure_cosmwasm_check

header "Build workspace"
prepare_build_workspace

rm -rf "$RAW_DIR"
mkdir -p "$RAW_DIR" "$ARTIFACTS"

STRATEGIES=(c a b)
case "${WASM_STRATEGY:-}" in
    "") ;;
    a | b | c) STRATEGIES=("$WASM_STRATEGY") ;;
    *) die "WASM_STRATEGY must be a, b or c (got '$WASM_STRATEGY')" ;;
esac

USED_STRATEGY=""
for strategy in "${STRATEGIES[@]}"; do
    header "Build raw wasm: strategy $strategy"
    if "build_strategy_$strategy"; then
        USED_STRATEGY="$strategy"
        break
    fi
    echo "strategy $strategy failed"
done
[[ -n "$USED_STRATEGY" ]] || die "every wasm build strategy failed (tried: ${STRATEGIES[*]})"

header "Optimize with $("$WASM_OPT" --version) (strategy $USED_STRATEGY)"
# Drop artifacts of contracts that no longer exist.
rm -f "$ARTIFACTS"/*.wasm "$ARTIFACTS"/*.wasm.tmp
optimize "$USED_STRATEGY"

header "Checksums"
(cd "$ARTIFACTS" && sha256sum -- *.wasm > checksums.txt && cat checksums.txt)

header "cosmwasm-check ($("$COSMWASM_CHECK" --version))"
failed=0
"$COSMWASM_CHECK" "$ARTIFACTS"/*.wasm || failed=1

header "Entry points"
# cosmwasm-check only requires the interface exports; a contract whose entry points were
# dropped by the linker (e.g. defined in a dependency) would pass it and do nothing.
for wasm in "$ARTIFACTS"/*.wasm; do
    if ! python3 - "$wasm" <<'PY'
import sys
data = open(sys.argv[1], "rb").read()
def leb(i):
    r = s = 0
    while True:
        b = data[i]; i += 1; r |= (b & 0x7F) << s; s += 7
        if b < 0x80: return r, i
i, exports = 8, set()
while i < len(data):
    sid = data[i]; size, i = leb(i + 1); end = i + size
    if sid == 7:
        count, j = leb(i)
        for _ in range(count):
            n, j = leb(j); exports.add(data[j:j + n].decode()); j += n
            j += 1; _, j = leb(j)
    i = end
missing = {"instantiate", "execute", "query"} - exports
if missing:
    sys.exit(f"missing entry points {sorted(missing)}")
PY
    then
        echo "FAIL  artifacts/$(basename "$wasm") lacks its entry points"
        failed=1
    else
        echo "ok    artifacts/$(basename "$wasm") exports instantiate, execute, query"
    fi
done

if [[ -z "${MAX_WASM_BYTES:-}" ]]; then
    case "$USED_STRATEGY" in
        c) MAX_WASM_BYTES=491520 ;; # 480 KB
        a) MAX_WASM_BYTES=552960 ;; # 540 KB: Rust 1.86's std comes out ~35 KB larger
        b) MAX_WASM_BYTES=655360 ;; # 640 KB: the prebuilt std, ~100 KB larger
    esac
fi
header "Sizes (hard limit $MAX_WASM_BYTES bytes, target $TARGET_WASM_BYTES bytes)"
for wasm in "$ARTIFACTS"/*.wasm; do
    size=$(stat -c %s "$wasm")
    name="artifacts/$(basename "$wasm")"
    if (( size > MAX_WASM_BYTES )); then
        echo "TOO BIG      $size bytes ($((size / 1024)) KiB)  $name"
        failed=1
    elif (( size > TARGET_WASM_BYTES )); then
        echo "over target  $size bytes ($((size / 1024)) KiB)  $name: $((size - TARGET_WASM_BYTES)) bytes above $TARGET_WASM_BYTES"
    else
        echo "ok           $size bytes ($((size / 1024)) KiB)  $name"
    fi
done

if [[ "$failed" != 0 ]]; then
    die "wasm artifacts failed cosmwasm-check or the size limit (see above)"
fi
header "Done: artifacts in artifacts/ (strategy $USED_STRATEGY)"
