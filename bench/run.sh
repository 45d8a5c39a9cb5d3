#!/usr/bin/env bash
# Starts the platform locally (./start.sh), runs the confirm benchmark against it, and stops it again.
#   bench/run.sh [--silos 1] [bench options: --customers 200 --concurrency 32 --seconds 30 --warmup 5]
set -euo pipefail
cd "$(dirname "$0")/.."
source deploy/ports.sh

silos=1
if [ "${1:-}" = "--silos" ]; then silos=$2; shift 2; fi
port=$(free_port 5180)
mkdir -p .local

./start.sh --port "$port" --silos "$silos" >.local/bench-start.log 2>&1 &
platform=$!
trap 'kill -INT $platform 2>/dev/null || true; wait $platform 2>/dev/null || true' EXIT
for _ in $(seq 1 180); do
  curl -fs "http://127.0.0.1:$port/health/ready" >/dev/null 2>&1 && break
  kill -0 $platform 2>/dev/null || { cat .local/bench-start.log >&2; exit 1; }
  sleep 1
done

dotnet run -c Release --project bench/Actors.Bench -- --url "http://127.0.0.1:$port" "$@"
