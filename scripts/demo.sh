#!/usr/bin/env bash
# The README's first command: installs what is missing, brings up the local platform (building
# it on the first run), deploys the example platform to its dev environment, and shows the
# result. Running it again is safe: an unchanged platform deploys as a no-op.
set -euo pipefail
cd "$(dirname "$0")/.."
bash scripts/setup.sh
npm run -s platform -- up
export KUBECONFIG
KUBECONFIG=$(npm run -s platform -- env | sed -n 's/^export KUBECONFIG=//p')
slipway() { node bin/slipway.js "$@" -c examples/platform/slipway.config.ts; }

step() { printf '\n\033[1m== %s\033[0m\n' "$*"; }
step "1. validate the example platform's definitions"
slipway validate
npx tsx scripts/example-databases.ts examples/platform/slipway.config.ts dev
step "2. plan the dev environment"
slipway plan --env dev || true
step "3. deploy it (migrations first, then apply, watch the rollouts, prune, record)"
slipway deploy --env dev --yes
step "4. status"
slipway status --env dev
step "5. history of one service"
slipway history files --env dev
echo
echo "Next: npm run -s platform -- status | down; the checks of the procedure come next (see README)."
