#!/usr/bin/env bash
# Installs the web app's browser dependency from npm (the exact versions in package-lock.json) and copies the
# SignalR browser bundle into wwwroot/lib, where index.html loads it. Run by the API's build when the bundle is
# missing or the lock file changed; safe to run by hand.
#   deploy/web-client.sh
set -euo pipefail
api="$(cd "$(dirname "$0")/../api/Actors.Api" && pwd)"

if ! command -v npm >/dev/null 2>&1; then
  echo "web-client.sh: npm is needed to install the SignalR browser client (apt-get install -y npm)." >&2
  exit 1
fi

cd "$api"
npm ci --no-audit --no-fund --ignore-scripts --loglevel=error
mkdir -p wwwroot/lib
cp node_modules/@microsoft/signalr/dist/browser/signalr.min.js wwwroot/lib/signalr.min.js
# The copy gets the time of the copy, so the build's up-to-date check sees it newer than the lock file.
touch wwwroot/lib/signalr.min.js
