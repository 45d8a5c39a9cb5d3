#!/usr/bin/env bash
# Starts the platform locally (./start.sh), runs a benchmark against it, and stops it again.
#   bench/run.sh [--silos 1] [bench options]
#   confirm (default): --customers 200 --concurrency 32 --seconds 30 --warmup 5
#   live: --scenario live --connections 1000 [--customers 250] [--rate 100 | --concurrency N] --seconds 30 --warmup 5
set -euo pipefail
cd "$(dirname "$0")/.."
source deploy/ports.sh

silos=1
bench_args=()
while [ $# -gt 0 ]; do
  case "$1" in
    --silos) silos=$2; shift 2 ;;
    *) bench_args+=("$1"); shift ;;
  esac
done
port=$(free_port 5180)
mkdir -p .local

./start.sh --port "$port" --silos "$silos" >.local/bench-start.log 2>&1 &
platform=$!
# TERM, not INT: a background job of a script ignores SIGINT, so start.sh would never see it.
trap 'kill -TERM $platform 2>/dev/null || true; wait $platform 2>/dev/null || true' EXIT
for _ in $(seq 1 180); do
  curl -fs "http://127.0.0.1:$port/health/ready" >/dev/null 2>&1 && break
  kill -0 $platform 2>/dev/null || { cat .local/bench-start.log >&2; exit 1; }
  sleep 1
done

# The API's process id, for its memory and CPU in the live report; without ss that part is left out.
api_pid=$(ss -ltnpH "sport = :$port" 2>/dev/null | grep -o 'pid=[0-9]*' | head -1 | cut -d= -f2 || true)
dotnet run -c Release --project bench/Actors.Bench -- --url "http://127.0.0.1:$port" ${api_pid:+--api-pid "$api_pid"} \
  ${bench_args[@]+"${bench_args[@]}"}
