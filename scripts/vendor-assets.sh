#!/usr/bin/env bash
# Fetch the browser libraries the web UI serves from {% static %}: htmx and Apache ECharts,
# taken from the npm registry with `npm pack` (no CDN at run time, no node_modules kept).
# Idempotent: a file already in place is left alone. Any failure stops the script.
set -euo pipefail

ROOT="$(cd "$(dirname "${BASH_SOURCE[0]}")/.." && pwd)"
VENDOR="$ROOT/complaintdesk/static/vendor"
mkdir -p "$VENDOR"

if ! command -v npm >/dev/null 2>&1; then
    echo "vendor-assets: npm is not installed (apt-get install -y npm)" >&2
    exit 1
fi

# package spec, file inside the package, file name under static/vendor/
ASSETS=(
    "htmx.org@2 package/dist/htmx.min.js htmx.min.js"
    "echarts@5 package/dist/echarts.min.js echarts.min.js"
)

WORK="$(mktemp -d)"
trap 'rm -rf "$WORK"' EXIT

for entry in "${ASSETS[@]}"; do
    read -r spec inner target <<<"$entry"
    if [[ -s "$VENDOR/$target" ]]; then
        echo "vendor-assets: $target already present"
        continue
    fi
    echo "vendor-assets: fetching $spec"
    tarball="$(cd "$WORK" && npm pack --silent "$spec" | tail -n 1)"
    if [[ -z "$tarball" || ! -f "$WORK/$tarball" ]]; then
        echo "vendor-assets: npm pack $spec produced no tarball" >&2
        exit 1
    fi
    tar -xzf "$WORK/$tarball" -C "$WORK" "$inner"
    if [[ ! -s "$WORK/$inner" ]]; then
        echo "vendor-assets: $inner missing from $tarball" >&2
        exit 1
    fi
    # Copy then rename, so an interrupted run never leaves a half-written file that the
    # "already present" check would accept next time.
    cp "$WORK/$inner" "$VENDOR/$target.tmp"
    mv "$VENDOR/$target.tmp" "$VENDOR/$target"
    rm -rf "$WORK/package" "$WORK/$tarball"
    echo "vendor-assets: wrote complaintdesk/static/vendor/$target"
done
