#!/usr/bin/env bash
# Refresh the vendored front-end files from the npm registry at the pinned versions below.
# The files are committed, so `make demo` needs no Node.js; run this only to upgrade.
set -euo pipefail
USWDS_VERSION=3.14.0
HTMX_VERSION=2.0.11
here=$(cd "$(dirname "$0")/.." && pwd)
dest="$here/peerline/static/vendor"
work=$(mktemp -d)
trap 'rm -rf "$work"' EXIT
cd "$work"
npm pack --silent "@uswds/uswds@$USWDS_VERSION" "htmx.org@$HTMX_VERSION" >/dev/null
mkdir u h
tar xzf "uswds-uswds-$USWDS_VERSION.tgz" -C u
tar xzf "htmx.org-$HTMX_VERSION.tgz" -C h
rm -rf "$dest"
mkdir -p "$dest/uswds/css" "$dest/uswds/js" "$dest/uswds/img" "$dest/htmx"
dist=u/package/dist
cp "$dist/css/uswds.min.css" "$dest/uswds/css/"
cp "$dist/js/uswds.min.js" "$dist/js/uswds-init.min.js" "$dest/uswds/js/"
cp -r "$dist/fonts" "$dest/uswds/"
rm -rf "$dest/uswds/fonts/public-sans"  # the default theme does not use it
# Only the images the stylesheet refers to, plus the icon sprite.
grep -o 'url([^)]*)' "$dist/css/uswds.min.css" | sed -E 's/url\(["]?\.\.\/(img\/[^")]*)["]?\)/\1/' \
  | grep '^img/' | sort -u | while read -r f; do
    mkdir -p "$dest/uswds/$(dirname "$f")"; cp "$dist/$f" "$dest/uswds/$f"; done
cp "$dist/img/sprite.svg" "$dest/uswds/img/"
cp u/package/LICENSE.md "$dest/uswds/LICENSE.md"
cp h/package/dist/htmx.min.js "$dest/htmx/"
cp h/package/LICENSE "$dest/htmx/LICENSE"
# The source maps are not vendored: drop the comments naming them, or collectstatic's manifest
# storage fails on the missing files and every production page answers 500.
for f in "$dest/uswds/css/uswds.min.css" "$dest/uswds/js/"*.js "$dest/htmx/htmx.min.js"; do
  sed -i -E '/^(\/\*# sourceMappingURL=.*\*\/|\/\/# sourceMappingURL=.*)$/d' "$f"
done
if grep -rl sourceMappingURL "$dest"; then echo "source map comments left (above)" >&2; exit 1; fi
echo "USWDS $USWDS_VERSION and htmx $HTMX_VERSION vendored into $dest ($(du -sh "$dest" | cut -f1))"
