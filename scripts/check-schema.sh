#!/usr/bin/env bash
# Regenerate the JSON schema of every contract and compare it with schema/.
#
#   scripts/check-schema.sh           fail if schema/ is out of date
#   scripts/check-schema.sh --write   update schema/ in place
#
# Each contract's src/bin/schema.rs calls cosmwasm_schema::write_api!, which
# writes into ./schema relative to the working directory. We run it in a temp
# dir per contract; the result belongs in schema/<contract dir name>/.
set -euo pipefail

source "$(dirname "$0")/lib.sh"
cd "$REPO_ROOT"

MODE="check"
case "${1:-}" in
    "") ;;
    --write) MODE="write" ;;
    *) die "usage: $0 [--write]" ;;
esac

TMP="$(mktemp -d)"
trap 'rm -rf "$TMP"' EXIT

header "Contracts"
CONTRACTS="$(list_contracts)"
[[ -n "$CONTRACTS" ]] || die "no cdylib contract crates found in contracts/*"
echo "$CONTRACTS"

while read -r dir crate lib; do
    header "Generate schema: $crate"
    [[ -f "contracts/$dir/src/bin/schema.rs" ]] \
        || die "contracts/$dir/src/bin/schema.rs is missing; every contract needs a schema binary"
    mkdir -p "$TMP/$dir"
    (cd "$TMP/$dir" && cargo run -q --manifest-path "$REPO_ROOT/Cargo.toml" -p "$crate" --bin schema)
    [[ -d "$TMP/$dir/schema" ]] || die "$crate's schema binary did not write a schema/ directory"
done <<<"$CONTRACTS"

if [[ "$MODE" == write ]]; then
    header "Write schema/"
    while read -r dir crate lib; do
        rm -rf "schema/$dir"
        mkdir -p schema
        cp -R "$TMP/$dir/schema" "schema/$dir"
        echo "updated schema/$dir"
    done <<<"$CONTRACTS"
    exit 0
fi

header "Compare with committed schema/"
drift=0
while read -r dir crate lib; do
    if [[ ! -d "schema/$dir" ]]; then
        echo "schema/$dir is missing"
        drift=1
    elif ! diff -ru "schema/$dir" "$TMP/$dir/schema"; then
        drift=1
    fi
done <<<"$CONTRACTS"

# A schema dir whose contract is gone is stale too.
for existing in schema/*/; do
    [[ -d "$existing" ]] || continue
    name="$(basename "$existing")"
    if ! grep -q "^$name " <<<"$CONTRACTS"; then
        echo "schema/$name has no matching contract in contracts/"
        drift=1
    fi
done

if [[ "$drift" != 0 ]]; then
    echo
    echo "ERROR: schema/ is out of date with the contract messages (diff above)." >&2
    echo "Run 'scripts/check-schema.sh --write' and commit the result." >&2
    exit 1
fi
echo "schema/ is up to date"
