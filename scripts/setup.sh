#!/usr/bin/env bash
# Installs what Slipway's demo and tests need on a fresh Debian machine (Node 20, Go and a JDK are expected):
# the system packages the local platform runs, and the npm dependencies.
set -euo pipefail
cd "$(dirname "$0")/.."

# chromium: UI tests drive Debian's browser
# runc, containernetworking-plugins, nftables: the real node (containers, pod network, Services)
packages=(docker-registry postgresql apache2-utils openssl unzip tar iproute2 chromium runc containernetworking-plugins nftables)
missing=()
for p in "${packages[@]}"; do dpkg -s "$p" >/dev/null 2>&1 || missing+=("$p"); done
if ((${#missing[@]})); then
  echo "setup: installing ${missing[*]}" >&2
  if [ "$(id -u)" -ne 0 ]; then
    echo "setup: these Debian packages are missing and installing them needs root: ${missing[*]}" >&2
    exit 1
  fi
  apt-get update -qq
  DEBIAN_FRONTEND=noninteractive apt-get install -y -qq --no-install-recommends "${missing[@]}" >/dev/null
  # Debian starts its own PostgreSQL cluster and registry on install; the platform runs its own.
  for unit in postgresql docker-registry; do service "$unit" stop >/dev/null 2>&1 || true; done
fi

for tool in node go java; do
  command -v "$tool" >/dev/null || { echo "setup: $tool is required and not on PATH" >&2; exit 1; }
done

if [ ! -d node_modules ] || [ package-lock.json -nt node_modules/.package-lock.json ]; then
  echo "setup: npm ci" >&2
  npm ci --no-audit --no-fund --loglevel=error
fi
