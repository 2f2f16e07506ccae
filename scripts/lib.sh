# Shared helpers for the scripts in this directory.
#
# Source it, don't run it:   source "$(dirname "$0")/lib.sh"
#
# It sets REPO_ROOT, the tool cache dir and the pinned tool versions, and
# provides functions that install (once) and locate the external tools the
# build needs: binaryen's wasm-opt (from npm) and cosmwasm-check (from crates.io).

# Repo root = parent of the directory holding this file.
REPO_ROOT="$(cd "$(dirname "${BASH_SOURCE[0]}")/.." && pwd)"

# Tools are installed here and reused by later runs.
TP_CACHE="${TP_CACHE:-$HOME/.cache/tranche-perps}"

# Pinned tool versions.
BINARYEN_VERSION="132.0.0"          # npm package `binaryen`; wasm-opt reports "version 132"
COSMWASM_CHECK_VERSION="3.0.10"     # 3.0.11 needs a newer rustc
WASM_RUST_TOOLCHAIN="1.86.0"        # last rustc whose wasm output has no bulk-memory ops

# Filled in by ensure_binaryen / ensure_cosmwasm_check.
WASM_OPT=""
COSMWASM_CHECK=""

# Print a visible step header.
header() {
    echo
    echo "==> $* [${SECONDS}s]"
}

# Print an error message and exit.
die() {
    echo "ERROR: $*" >&2
    exit 1
}

# Install binaryen from npm into $TP_CACHE/binaryen unless the pinned
# version is already there. Sets WASM_OPT.
ensure_binaryen() {
    local dir="$TP_CACHE/binaryen"
    local bin="$dir/node_modules/.bin/wasm-opt"
    local want="version ${BINARYEN_VERSION%%.*}"

    if [[ -x "$bin" && "$("$bin" --version 2>/dev/null)" == *"$want"* ]]; then
        echo "binaryen: using cached $("$bin" --version) at $bin"
    else
        command -v npm >/dev/null || die "npm not found; it is needed to install binaryen"
        echo "binaryen: installing binaryen@$BINARYEN_VERSION into $dir"
        mkdir -p "$dir"
        npm install --prefix "$dir" --no-audit --no-fund --loglevel=error \
            "binaryen@$BINARYEN_VERSION"
        [[ -x "$bin" ]] || die "binaryen install did not produce $bin"
        echo "binaryen: installed $("$bin" --version)"
    fi
    WASM_OPT="$bin"
}

# Install cosmwasm-check with cargo into $TP_CACHE/cosmwasm-check unless the
# pinned version is already there. A cold install takes about 5 minutes.
# Sets COSMWASM_CHECK.
ensure_cosmwasm_check() {
    local root="$TP_CACHE/cosmwasm-check"
    local bin="$root/bin/cosmwasm-check"

    if [[ -x "$bin" && "$("$bin" --version 2>/dev/null)" == *"$COSMWASM_CHECK_VERSION"* ]]; then
        echo "cosmwasm-check: using cached $("$bin" --version) at $bin"
    else
        echo "cosmwasm-check: installing $COSMWASM_CHECK_VERSION into $root (takes ~5 minutes)"
        mkdir -p "$root"
        # Build with the default toolchain and none of the wasm build's flags.
        env -u RUSTFLAGS -u CARGO_TARGET_DIR -u CARGO_BUILD_TARGET \
            cargo install "cosmwasm-check@$COSMWASM_CHECK_VERSION" --locked --root "$root"
        [[ -x "$bin" ]] || die "cosmwasm-check install did not produce $bin"
        echo "cosmwasm-check: installed $("$bin" --version)"
    fi
    COSMWASM_CHECK="$bin"
}

# Print one line per contract crate under contracts/:
#   <dir name> <crate name> <lib name>
# e.g. "insurance-fund insurance-fund insurance_fund".
# The lib name is what cargo names the .wasm file (dashes become underscores,
# or the explicit [lib] name if the crate sets one).
list_contracts() {
    local manifest
    local found=0
    for manifest in "$REPO_ROOT"/contracts/*/Cargo.toml; do
        [[ -f "$manifest" ]] || continue
        found=1
        cargo metadata --no-deps --format-version 1 --manifest-path "$manifest" \
            | python3 -c '
import json, os, sys
manifest = os.path.realpath(sys.argv[1])
for pkg in json.load(sys.stdin)["packages"]:
    if os.path.realpath(pkg["manifest_path"]) != manifest:
        continue
    for target in pkg["targets"]:
        if "cdylib" in target["crate_types"]:
            print(sys.argv[2], pkg["name"], target["name"].replace("-", "_"))
' "$manifest" "$(basename "$(dirname "$manifest")")"
    done
    [[ "$found" == 1 ]] || die "no contracts found under $REPO_ROOT/contracts/*/Cargo.toml"
}

# Pinned wasmd (runs CosmWasm 2.x contracts on wasmvm 3) and the Go toolchain that builds it;
# the Go module proxy serves both.
WASMD_VERSION="v0.61.14"
WASMD_GO_TOOLCHAIN="go1.24.9"
WASMD=""

# Build wasmd from its Go module source into $TP_CACHE/wasmd unless the pinned version is
# there. (`go install pkg@version` refuses modules with replace directives, so the module is
# downloaded and built as the main module.) Sets WASMD.
ensure_wasmd() {
    local dir="$TP_CACHE/wasmd-$WASMD_VERSION"
    local bin="$dir/bin/wasmd"
    if [[ -x "$bin" ]] && "$bin" version >/dev/null 2>&1; then
        echo "wasmd: using cached $WASMD_VERSION at $bin"
    else
        command -v go >/dev/null || die "go not found; it is needed to build wasmd"
        echo "wasmd: building $WASMD_VERSION with $WASMD_GO_TOOLCHAIN (a few minutes)"
        local src
        src="$(GOTOOLCHAIN="$WASMD_GO_TOOLCHAIN" go mod download -json "github.com/CosmWasm/wasmd@$WASMD_VERSION" \
            | python3 -c 'import json,sys; print(json.load(sys.stdin)["Dir"])')"
        rm -rf "$dir/src" && mkdir -p "$dir/bin"
        cp -r "$src" "$dir/src" && chmod -R u+w "$dir/src"
        (cd "$dir/src" && GOTOOLCHAIN="$WASMD_GO_TOOLCHAIN" go build -o "$bin" ./cmd/wasmd)
        "$bin" version >/dev/null 2>&1 || die "wasmd build did not produce a working $bin"
        rm -rf "$dir/src"
        echo "wasmd: built $("$bin" version 2>&1)"
    fi
    WASMD="$bin"
}

# Starts a fresh localnet of its own under $1 (relative to the repository), stopped when the
# calling script exits, and writes $1/localnet.json: deploy/localnet.json pointed at that node's
# home (and, when LOCALNET_RPC_PORT is set, at that port). Sets LOCALNET_CONFIG to it. For
# scripts that deploy more than one build side by side, or that must not touch a shared chain.
start_side_localnet() {
    local out="$1" source_config="${2:-$REPO_ROOT/deploy/localnet.json}"
    export LOCALNET_HOME="$REPO_ROOT/$out/chain"
    ensure_wasmd
    export WASMD
    trap 'bash "$REPO_ROOT/scripts/localnet.sh" stop' EXIT
    bash "$REPO_ROOT/scripts/localnet.sh" start
    mkdir -p "$REPO_ROOT/$out"
    LOCALNET_CONFIG="$out/localnet.json"
    python3 - "$LOCALNET_HOME" "$REPO_ROOT/$LOCALNET_CONFIG" "$source_config" <<'PY'
import json, os, sys
cfg = json.load(open(sys.argv[3]))
cfg["home"] = sys.argv[1]
if os.environ.get("LOCALNET_RPC_PORT"):
    cfg["node"] = "tcp://127.0.0.1:" + os.environ["LOCALNET_RPC_PORT"]
json.dump(cfg, open(sys.argv[2], "w"), indent=2)
PY
}

# Debian's headless Chromium for the dashboard's browser tests (no browser download: the
# package comes from the distribution's archive). Installs it with apt-get when missing.
ensure_chromium() {
    if [[ -x /usr/bin/chromium ]]; then
        echo "chromium: $(/usr/bin/chromium --version 2>/dev/null | head -1)"
        return
    fi
    command -v apt-get >/dev/null || die "chromium is missing and apt-get is not available to install it"
    local sudo=()
    [[ "$(id -u)" == 0 ]] || sudo=(sudo -n)
    echo "chromium: installing Debian's chromium package"
    "${sudo[@]}" apt-get update -qq
    DEBIAN_FRONTEND=noninteractive "${sudo[@]}" apt-get install -y -qq chromium >/dev/null
    [[ -x /usr/bin/chromium ]] || die "installing chromium did not produce /usr/bin/chromium"
    echo "chromium: $(/usr/bin/chromium --version 2>/dev/null | head -1)"
}
