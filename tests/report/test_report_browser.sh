#!/usr/bin/env bash
# activ report in a real browser: generate the report, open it in headless Chromium,
# and check through the dumped DOM that there is one card per catalogue entry, that
# every image exists and is non-empty, and that the page's self-test of search and
# sorting passes; then save a screenshot beside the report.
#   test_report_browser.sh path/to/activ OUT_DIR   (OUT_DIR/site, OUT_DIR/screenshot.png)
set -euo pipefail

activ=$(realpath "$1")
out=$2
mkdir -p "$out"
out=$(realpath "$out")
site=$out/site
profile=$(mktemp -d "${TMPDIR:-/tmp}/activ-chromium.XXXXXX")
trap 'rm -rf "$profile"' EXIT

failures=0
fail() {
  echo "FAIL: $*" >&2
  failures=$((failures + 1))
}

browser=$(command -v chromium || command -v chromium-browser || true)
[[ -n $browser ]] || { echo "FAIL: chromium not found (scripts/install-deps installs it)" >&2; exit 1; }
# A fresh profile, and nothing that reaches the network.
chrome() {
  "$browser" --headless --no-sandbox --disable-gpu --disable-quic --no-first-run --disable-background-networking \
    --disable-component-update --disable-sync --user-data-dir="$profile" "$@" 2>/dev/null
}

start=$(date +%s%N)
"$activ" report -o "$site" >/dev/null
echo "report generated in $((($(date +%s%N) - start) / 1000000)) ms"
[[ -s $site/index.html ]] || { echo "FAIL: no $site/index.html" >&2; exit 1; }

# Running the page's script (?selftest) needs virtual time for it to finish.
dom=$out/dom.html
chrome --virtual-time-budget=10000 --dump-dom "file://$site/index.html?selftest" >"$dom"

expected=$("$activ" list --json | grep -c '^  {"name"')
cards=$(grep -o '<article class="card"' "$dom" | wc -l)
[[ $cards -eq $expected ]] || fail "$cards cards in the DOM, $expected catalogue entries"
ids=$(grep -o '<article class="card" id="[^"]*"' "$dom" | sort | uniq -d)
[[ -z $ids ]] || fail "duplicate card ids: $ids"

selftest=$(grep -o 'data-selftest="[^"]*"' "$dom" || true)
[[ $selftest == 'data-selftest="pass '* ]] || fail "page self-test: ${selftest:-did not run}"

images=0
while IFS= read -r src; do
  images=$((images + 1))
  [[ -s "$site/$src" ]] || fail "image $src is missing or empty"
  grep -q "<svg" "$site/$src" || fail "image $src is not an SVG"
done < <(grep -oE '<(img|object)[^>]* (src|data)="[^"]*"' "$dom" | sed -E 's/.* (src|data)="([^"]*)"/\2/')
# One plot per card; axis functions (softmax, ...) are drawn along a probe row and say so.
[[ $images -eq $expected ]] || fail "$images images for $expected cards"
probes=$(grep -o 'class="probe' "$dom" | wc -l)
axis_entries=$("$activ" list --json | grep -c '"kind": *"axis"' || true)
[[ $probes -eq $axis_entries && $probes -gt 0 ]] || fail "$probes probe-row captions for $axis_entries axis entries"
# With benchmark results in the repository: the Speed table and one on the relu card.
if ! grep -q 'Not measured yet: <code>make bench' "$dom"; then
  speed_tables=$(grep -o 'class="sortable speed"' "$dom" | wc -l)
  [[ $speed_tables -ge 2 ]] || fail "$speed_tables speed tables (expected the Speed section's and the cards')"
  grep -q '<td><code>relu</code></td><td>fwd</td>' "$dom" || fail "no speed row for relu forward"
fi
# With an activ compare run in the repository: its ranked table and the line on the relu card.
if ! grep -q 'Not measured yet: <code>activ compare' "$dom"; then
  grep -q 'class="sortable compare"' "$dom" || fail "no Fashion-MNIST table"
  grep -q 'Fashion-MNIST (activ compare, see above)' "$dom" || fail "no compare line on any card"
fi
# Nothing may come from the network: every src/href is relative or a fragment.
if grep -oE '(src|href)="(https?:)?//[^"]*"' "$dom"; then fail "the page references the network"; fi

chrome --screenshot="$out/screenshot.png" --window-size=1280,2000 --virtual-time-budget=10000 \
  "file://$site/index.html" >/dev/null
[[ -s $out/screenshot.png ]] || fail "no screenshot"

echo "report browser test: $cards cards, $images images ($probes along a probe row), ${selftest:-no self-test}; screenshot $out/screenshot.png"
[[ $failures -eq 0 ]]
