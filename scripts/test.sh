#!/usr/bin/env bash
# The README's test command: installs what is missing, checks types and lint,
# brings up the local platform (reused if already up) and runs every test against it.
set -euo pipefail
cd "$(dirname "$0")/.."
bash scripts/setup.sh
work_dir=$(mktemp -d)
# The platform starts (or builds, on a fresh machine) while the static checks and the package
# build run: both mostly wait, on the control plane and on the compiler.
npm run -s platform -- up >"$work_dir/platform-up.log" 2>&1 &
platform_up=$!
# Whatever fails below, the start finishes before the caller may stop the platform.
trap 'wait "$platform_up" 2>/dev/null || true; rm -rf "$work_dir"' EXIT
echo "test: starting the local platform in the background ($work_dir/platform-up.log)" >&2
npx tsc --noEmit
npx eslint .
npx prettier --check . >/dev/null || { echo "formatting: run npm run format" >&2; exit 1; }
# The CLI tests run the package as users install it: packed (prepack builds dist/), then
# installed into a prefix of its own, outside the repository.
package_dir="$work_dir/package"
mkdir -p "$package_dir"
npm pack --silent --pack-destination "$package_dir" >/dev/null
npm install --silent --global --prefix "$package_dir/prefix" "$package_dir"/slipway-*.tgz
export SLIPWAY_BIN="$package_dir/prefix/lib/node_modules/slipway/bin/slipway.js"
# The same tarball for the test that installs it into a project outside the repository.
SLIPWAY_TARBALL=$(echo "$package_dir"/slipway-*.tgz)
export SLIPWAY_TARBALL
"$package_dir/prefix/bin/slipway" --version
if ! wait "$platform_up"; then
  cat "$work_dir/platform-up.log" >&2
  echo "test: the local platform did not start (above: its output)" >&2
  exit 1
fi
cat "$work_dir/platform-up.log"
status=0
rm -f .vitest-report.json .vitest-report-exclusive.json .vitest-durations.json
# Everything that can share the platform, files in parallel; then, alone, the tests that stop
# one of its parts.
npx vitest run --project unit --project platform --passWithNoTests "$@" || status=$?
npx vitest run --project exclusive --passWithNoTests --outputFile.json=.vitest-report-exclusive.json "$@" || status=$?
# A plain closing line, readable by any CI.
node -e '
  const fs = require("fs");
  const reports = [".vitest-report.json", ".vitest-report-exclusive.json"]
    .filter((f) => fs.existsSync(f))
    .map((f) => JSON.parse(fs.readFileSync(f, "utf8")));
  const sum = (k) => reports.reduce((n, r) => n + (r[k] ?? 0), 0);
  console.log(`tests: ${sum("numPassedTests")} passed, ${sum("numFailedTests")} failed, ${sum("numPendingTests") + sum("numTodoTests")} skipped`);
' || true
exit "$status"
