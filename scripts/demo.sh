#!/usr/bin/env bash
# The README's first command: installs what is missing, brings up the local platform (building
# it on the first run), then walks a copy of the example platform through Slipway's procedure
# step by step (scripts/demo.ts). Exits 0 only if every step behaved as described. Running it
# again is safe: the demo starts by removing what an earlier run left.
set -euo pipefail
cd "$(dirname "$0")/.."
bash scripts/setup.sh
npm run -s platform -- up
npx tsx scripts/demo.ts
echo
echo "Next: npm run -s platform -- status; the demo's copy stays in /tmp/slipway-demo (namespace research-demo)."
