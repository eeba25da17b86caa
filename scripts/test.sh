#!/usr/bin/env bash
# The README's test command: installs what is missing, checks types and lint,
# brings up the local platform (reused if already up) and runs every test against it.
set -euo pipefail
cd "$(dirname "$0")/.."
bash scripts/setup.sh
npx tsc --noEmit
npx eslint .
npx prettier --check . >/dev/null || { echo "formatting: run npm run format" >&2; exit 1; }
npm run -s platform -- up
status=0
npx vitest run "$@" || status=$?
# A plain closing line, readable by any CI.
node -e '
  const r = JSON.parse(require("fs").readFileSync(".vitest-report.json", "utf8"));
  console.log(`tests: ${r.numPassedTests} passed, ${r.numFailedTests} failed, ${r.numPendingTests + r.numTodoTests} skipped`);
' || true
exit "$status"
