#!/bin/sh
# Opens a `tuneset report` page in headless Chromium (Debian package
# `chromium`) and checks that the charts rendered: the SVG bars are in the
# rendered DOM, laid out with a non-zero size, and painted in the screenshot.
# Usage: tests/browser/report.sh [BUILD_DIR]. Last line: "N passed, N failed".
BUILD=${1:-build}
cd "$(dirname "$0")/../.." || exit 2
ROOT=$(pwd)
TUNESET=${TUNESET:-$ROOT/$BUILD/tuneset}
CHROMIUM=${CHROMIUM:-chromium}
T=$(mktemp -d)
trap 'rm -rf "$T"' EXIT
pass=0
fail=0
ok() { pass=$((pass + 1)); echo "ok   $1"; }
bad() { fail=$((fail + 1)); echo "FAIL $1"; }
check() { name=$1; shift; if "$@"; then ok "$name"; else bad "$name"; fi; }

if ! command -v "$CHROMIUM" >/dev/null 2>&1; then
    echo "FAIL chromium not found (apt-get install -y chromium)"
    echo "0 passed, 1 failed"
    exit 1
fi
# A fresh profile and nothing that talks to the network.
browse() {
    timeout 120 "$CHROMIUM" --headless --no-sandbox --disable-gpu --disable-quic --no-first-run \
        --disable-background-networking --disable-component-update --disable-sync \
        --user-data-dir="$T/profile" --window-size=1200,2000 "$@" 2>>"$T/chromium.log"
}

"$TUNESET" report tests/fixtures/curate/report.jsonl -o "$T/report.html" -q --title "browser test"
check "report written" test -s "$T/report.html"
want=$(grep -o '<rect class="bar"' "$T/report.html" | wc -l)
check "page has bars" test "$want" -gt 10

# 1. The rendered DOM still holds every chart and bar: the page parsed as
#    HTML with inline SVG, nothing was dropped.
browse --dump-dom "file://$T/report.html" > "$T/dom.html"
check "DOM dumped" grep -q "</html>" "$T/dom.html"
check "7 charts in the DOM" test "$(grep -o '<svg ' "$T/dom.html" | wc -l)" = 7
check "all bars in the DOM" test "$(grep -o '<rect class="bar"' "$T/dom.html" | wc -l)" = "$want"

# 2. Layout: a wrapper page loads the report in a frame and measures every
#    bar the browser laid out (the report itself has no script).
cat > "$T/measure.html" <<'HTML'
<!DOCTYPE html><html><body><pre id="result">pending</pre>
<iframe id="f" src="report.html" width="1200" height="2000"></iframe>
<script>
document.getElementById("f").onload = function () {
  var out = document.getElementById("result");
  try {
    var d = this.contentDocument, bars = d.querySelectorAll("svg rect.bar"), sized = 0, zero = 0;
    for (var i = 0; i < bars.length; i++) {
      var r = bars[i].getBoundingClientRect();
      if (r.width > 0 && r.height > 0) sized++; else zero++;
    }
    var charts = d.querySelectorAll("figure.chart svg"), visible = 0;
    for (var j = 0; j < charts.length; j++) {
      var c = charts[j].getBoundingClientRect();
      if (c.width >= 300 && c.height >= 40) visible++;
    }
    out.textContent = "bars=" + bars.length + " sized=" + sized + " zero=" + zero + " charts=" + visible;
  } catch (e) { out.textContent = "error " + e; }
};
</script></body></html>
HTML
browse --allow-file-access-from-files --dump-dom "file://$T/measure.html" > "$T/measure.dom"
res=$(sed -n 's/.*<pre id="result">\([^<]*\)<.*/\1/p' "$T/measure.dom")
echo "     layout: $res"
# Bars for empty bins have zero height on purpose; the fixture has some.
empty=$(grep -o '<rect class="bar"[^>]*height="0.0"' "$T/report.html" | wc -l)
empty=$((empty + $(grep -o '<rect class="bar"[^>]*width="0.0"' "$T/report.html" | wc -l)))
check "every bar laid out" test "$res" = "bars=$want sized=$((want - empty)) zero=$empty charts=7"
check "non-empty bars exist" test "$((want - empty))" -gt 10

# 3. Paint: the screenshot holds many pixels of the bar colour (#3b73c4).
browse --screenshot="$T/shot.png" "file://$T/report.html" >/dev/null
check "screenshot written" test -s "$T/shot.png"
px=$(python3 - "$T/shot.png" <<'PY'
import struct, sys, zlib
data = open(sys.argv[1], "rb").read()
assert data[:8] == b"\x89PNG\r\n\x1a\n"
pos, idat, w, h, ctype = 8, b"", 0, 0, 0
while pos < len(data):
    n, kind = struct.unpack(">I4s", data[pos:pos + 8])
    body = data[pos + 8:pos + 8 + n]
    if kind == b"IHDR":
        w, h, depth, ctype = struct.unpack(">IIBB", body[:10])
        assert depth == 8 and ctype in (2, 6)
    elif kind == b"IDAT":
        idat += body
    pos += 12 + n
bpp = 3 if ctype == 2 else 4
raw, stride, prev, count = zlib.decompress(idat), w * bpp, bytearray(w * bpp), 0
for y in range(h):
    f, line = raw[y * (stride + 1)], bytearray(raw[y * (stride + 1) + 1:(y + 1) * (stride + 1)])
    for i in range(stride):
        a = line[i - bpp] if i >= bpp else 0
        b, c = prev[i], prev[i - bpp] if i >= bpp else 0
        if f == 1: line[i] = (line[i] + a) & 255
        elif f == 2: line[i] = (line[i] + b) & 255
        elif f == 3: line[i] = (line[i] + (a + b) // 2) & 255
        elif f == 4:
            p = a + b - c; pa, pb, pc = abs(p - a), abs(p - b), abs(p - c)
            line[i] = (line[i] + (a if pa <= pb and pa <= pc else b if pb <= pc else c)) & 255
    for x in range(0, stride, bpp):
        if abs(line[x] - 0x3b) < 8 and abs(line[x + 1] - 0x73) < 8 and abs(line[x + 2] - 0xc4) < 8:
            count += 1
    prev = line
print(count)
PY
)
echo "     bar-coloured pixels: $px"
check "bars painted" test "${px:-0}" -gt 5000

echo "$pass passed, $fail failed"
[ "$fail" = 0 ]
