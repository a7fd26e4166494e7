#!/usr/bin/env bash
# Rebuild the vendored browser assets from npm, pinned by package-lock.json:
#   YASGUI (the query editor) into server/natoasia/site/static/vendor/yasgui/, and axe-core (used only by
#   tests/test_browser.py, so not shipped in the wheel) into tests/vendor/axe-core/, each with its licences.
# The server and CI never run npm: the copied files are committed.
set -euo pipefail
cd "$(dirname "$0")"
npm ci --no-audit --no-fund --ignore-scripts
vendor=../server/natoasia/site/static/vendor
test_vendor=../tests/vendor
rm -rf "$vendor/yasgui" "$test_vendor/axe-core"
mkdir -p "$vendor/yasgui" "$test_vendor/axe-core"

yasgui=node_modules/@triply/yasgui
cp "$yasgui/build/yasgui.min.js" "$yasgui/build/yasgui.min.css" "$vendor/yasgui/"
# The bundle's own sourceMappingURL would make browsers' developer tools ask for a map we do not ship.
sed -i 's|^//# sourceMappingURL=.*$||' "$vendor/yasgui/yasgui.min.js"
cp "$yasgui/build/yasgui.min.js.LICENSE.txt" "$vendor/yasgui/THIRD-PARTY-NOTICES.txt"
for part in yasgui yasqe yasr yasgui-utils; do
  cp "node_modules/@triply/$part/LICENSE.txt" "$vendor/yasgui/LICENSE-$part.txt"
done

axe=node_modules/axe-core
cp "$axe/axe.min.js" "$axe/LICENSE" "$axe/LICENSE-3RD-PARTY.txt" "$test_vendor/axe-core/"

node -e '
  const lock = require("./package-lock.json").packages;
  const v = (p) => lock["node_modules/" + p].version;
  console.log(JSON.stringify({"@triply/yasgui": v("@triply/yasgui"), "axe-core": v("axe-core")}, null, 2));
' > "$vendor/VERSIONS.json"
echo "vendored into $vendor:"
find "$vendor" "$test_vendor" -type f | sort
