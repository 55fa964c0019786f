#!/usr/bin/env bash
# Static checks of the k6 scripts under load/k6 (k6 itself cannot be installed here):
#   - every .js file parses as an ES module: each is copied to a temporary folder as .mjs and
#     given to `node --check`, which parses without resolving imports, so 'k6/http' and the
#     other k6 built-ins need not exist. (Node parses with V8, k6 with its own engine: this
#     catches syntax errors, not every feature k6 lacks.)
#   - every relative import ('./lib/api.js') names a file that exists;
#   - every top-level script sets thresholds.
# Prints one summary line; exits non-zero on any failure.
set -euo pipefail
source "$(dirname "$0")/env.sh"
cd "$REPO_ROOT"

if ! command -v node >/dev/null; then
  log "node is missing; installing Debian's nodejs (apt) to parse the k6 scripts"
  sudo=""; [ "$(id -u)" -ne 0 ] && sudo="sudo"
  $sudo apt-get update -qq
  DEBIAN_FRONTEND=noninteractive $sudo apt-get install -y -qq --no-install-recommends nodejs >/dev/null
fi

mapfile -t files < <(find load/k6 -name '*.js' -type f | sort)
if [ ${#files[@]} -eq 0 ]; then
  echo "check-k6: no scripts found under load/k6"
  exit 1
fi

work=$(mktemp -d)
trap 'rm -rf "$work"' EXIT

failed=0
for file in "${files[@]}"; do
  # .mjs makes node parse the copy as a module whatever the nearest package.json says.
  copy="$work/$(echo "$file" | tr '/' '_').mjs"
  cp "$file" "$copy"
  if ! node --check "$copy" 2>"$work/error"; then
    log "$file does not parse:"
    sed "s|$copy|$file|g" "$work/error" >&2
    failed=$((failed + 1))
    continue
  fi

  dir=$(dirname "$file")
  while IFS= read -r target; do
    if [ ! -f "$dir/$target" ]; then
      log "$file imports $target, which does not exist"
      failed=$((failed + 1))
    fi
  done < <(grep -oE "from +['\"]\.{1,2}/[^'\"]+['\"]" "$file" | sed -E "s/^from +['\"]//; s/['\"]$//")

  if [ "$dir" = "load/k6" ] && ! grep -q "thresholds:" "$file"; then
    log "$file sets no thresholds"
    failed=$((failed + 1))
  fi
done

if [ $failed -gt 0 ]; then
  echo "check-k6: $failed problem(s) in ${#files[@]} k6 files"
  exit 1
fi
echo "check-k6: ${#files[@]} k6 files parse, their relative imports exist, every script sets thresholds"
