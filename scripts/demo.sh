#!/usr/bin/env bash
# The README's first command. Until the deploy engine lands, it brings up the local
# platform (building it on first run) and shows what runs where.
set -euo pipefail
cd "$(dirname "$0")/.."
bash scripts/setup.sh
npm run -s platform -- up
echo
echo "The local platform is up. Try:"
echo "  export KUBECONFIG=\$(npm run -s platform -- env | sed -n 's/^export KUBECONFIG=//p')"
echo "  npm run -s platform -- status"
echo "  npm run -s platform -- down"
