#!/usr/bin/env bash
# Starts the platform locally (./start.sh), runs a benchmark against it, and stops it again.
#   bench/run.sh [--silos 1] [bench options]
#   confirm (default): --customers 200 --concurrency 32 --seconds 30 --warmup 20
#   live: --scenario live --connections 1000 [--customers 250] [--rate 100 | --concurrency N] --seconds 30 --warmup 20
#   peers: --scenario peers [--customers 10000] [--concurrency 64] [--seconds 20] [--warmup 20] [--idle-customers 100000]
#          [--workloads payments,hot,reads,memory]
#     the platform and the plain-SQL peers (bench/Actors.Peers) on one PostgreSQL, the same workloads at each;
#     prints a markdown table.
#   scale: --scenario scale [--customers 200] [--concurrency 32] [--seconds 60] [--warmup 20] [--add-at 15] [--remove-at 35]
#     one silo and two API nodes behind the entry point (--apis 2 unless given); a silo is added mid-run and the first
#     one stopped gracefully; counts every answer: 2xx, 503 + Retry-After, other.
set -euo pipefail
cd "$(dirname "$0")/.."
source deploy/ports.sh

printf -v invocation ' %q' "$@"
invocation="bench/run.sh${invocation}"

silos=1
apis=""
scenario=confirm
bench_args=()
while [ $# -gt 0 ]; do
  case "$1" in
    --silos) silos=$2; shift 2 ;;
    --apis) apis=$2; shift 2 ;;
    --scenario) scenario=$2; bench_args+=("$1" "$2"); shift 2 ;;
    *) bench_args+=("$1"); shift ;;
  esac
done
[ -n "$apis" ] || { [ "$scenario" = scale ] && apis=2 || apis=1; }
port=$(free_port 5180)
mkdir -p .local/logs

# Every run starts from an empty database of its own: customers left by an earlier run (their reconcile reminders
# live 15 minutes after their last payment) would wake up during the measurement and be counted as load.
data=.local/bench-postgres
deploy/local-postgres.sh stop "$data" >/dev/null 2>&1 || true
rm -rf "$data"

# The process listening on a loopback port; empty without ss.
listener_pid() { ss -ltnpH "sport = :$1" 2>/dev/null | grep -o 'pid=[0-9]*' | head -1 | cut -d= -f2 || true; }

wait_ready() {
  local url=$1 pid=$2 log=$3
  for _ in $(seq 1 180); do
    curl -fs "$url/health/ready" >/dev/null 2>&1 && return 0
    kill -0 "$pid" 2>/dev/null || { cat "$log" >&2; exit 1; }
    sleep 1
  done
  echo "$url did not become ready; see $log." >&2
  exit 1
}

bench=""
peers=""
platform=""
stop_all() {
  if [ -n "$bench" ]; then kill -TERM "$bench" 2>/dev/null || true; wait "$bench" 2>/dev/null || true; fi
  # The peers before the platform: start.sh stops PostgreSQL as it ends.
  if [ -n "$peers" ]; then kill -TERM "$peers" 2>/dev/null || true; wait "$peers" 2>/dev/null || true; fi
  # TERM, not INT: a background job of a script ignores SIGINT, so start.sh would never see it.
  if [ -n "$platform" ]; then kill -TERM "$platform" 2>/dev/null || true; wait "$platform" 2>/dev/null || true; fi
  if [ "$scenario" = peers ]; then deploy/local-postgres.sh stop "$data" || true; fi
}
trap stop_all EXIT
trap 'exit 130' INT
trap 'exit 143' TERM

connection=""
if [ "$scenario" = peers ]; then
  # PostgreSQL starts once, here; start.sh finds it running and uses it as it is, and the peers get the same server.
  connection=$(deploy/local-postgres.sh start "$data")
fi

# Devices here pay many times a second, which the risk score would rightly challenge with step-up, and every device
# shares one loopback address, which the per-address rate limit would rightly hold back.
Personalization__RiskChecks=false RateLimits__Enabled=false ./start.sh --port "$port" --silos "$silos" --apis "$apis" --data "$data" >.local/bench-start.log 2>&1 &
platform=$!
# Its own words, not only a ready answer on the port: on a shared machine another run may hold that port for a while.
until grep -q '^The platform is up' .local/bench-start.log; do
  kill -0 "$platform" 2>/dev/null || { cat .local/bench-start.log >&2; exit 1; }
  sleep 1
done
wait_ready "http://127.0.0.1:$port" "$platform" .local/bench-start.log

# The API's process id, for its memory and CPU in the reports; without ss that part is left out.
api_pid=$(listener_pid "$port")

if [ "$scenario" = scale ]; then
  # The platform adds a silo on SIGUSR1; the first silo is the one stopped.
  first_silo=$(sed -nE 's/^Silo 1: .*pid ([0-9]+).*/\1/p' .local/bench-start.log)
  dotnet build bench/Actors.Bench -c Release --nologo -v quiet -clp:ErrorsOnly
  dotnet bench/Actors.Bench/bin/Release/net10.0/Actors.Bench.dll --url "http://127.0.0.1:$port" --platform-pid "$platform" \
    --silo-pid "$first_silo" --platform-log .local/bench-start.log ${bench_args[@]+"${bench_args[@]}"} &
  bench=$!
  wait "$bench"
  exit 0
fi

if [ "$scenario" != peers ]; then
  # The server start.sh runs (already running, so this only names it): the bench counts its commits per operation.
  connection=$(deploy/local-postgres.sh start "$data")
  dotnet run -c Release --project bench/Actors.Bench -- --url "http://127.0.0.1:$port" ${api_pid:+--api-pid "$api_pid"} \
    --postgres "$connection" ${bench_args[@]+"${bench_args[@]}"}
  exit 0
fi

# Built after start.sh's build of the solution, so the two never write the same output at once.
dotnet build bench/Actors.Peers -c Release --nologo -v quiet -clp:ErrorsOnly
peers_port=$(free_port 5280)
# The platform's signing key (start.sh made it), so the platform's tokens verify at the peers too.
signing_key=$(cat .local/dev-signing-key)
(cd bench/Actors.Peers/bin/Release/net10.0 && ConnectionStrings__Peers="$connection" Auth__SigningKey="$signing_key" \
  Urls="http://127.0.0.1:$peers_port" exec dotnet Actors.Peers.dll) >.local/logs/peers.log 2>&1 &
peers=$!
wait_ready "http://127.0.0.1:$peers_port" "$peers" .local/logs/peers.log

# Each silo by its metrics port, which start.sh prints.
silo_pids=""
for metrics_port in $(sed -nE 's|^Silo [0-9]+: .*metrics http://127\.0\.0\.1:([0-9]+)/metrics.*|\1|p' .local/bench-start.log); do
  pid=$(listener_pid "$metrics_port")
  [ -z "$pid" ] || silo_pids="${silo_pids:+$silo_pids,}$pid"
done

# PostgreSQL's postmaster, whose processes are the database's CPU time in the report.
postgres_pid=$(listener_pid "$(echo "$connection" | sed -nE 's/.*Port=([0-9]+).*/\1/p')")

# The silo's GC heap per idle customer comes from two .NET global tools.
export PATH="$PATH:$HOME/.dotnet/tools"
for tool in dotnet-gcdump dotnet-counters; do
  command -v "$tool" >/dev/null 2>&1 || dotnet tool install -g "$tool" >/dev/null \
    || echo "$tool could not be installed: the GC heap will be missing." >&2
done

# Run from its build, in the background, so that a TERM or Ctrl-C of this script reaches it through stop_all too.
dotnet build bench/Actors.Bench -c Release --nologo -v quiet -clp:ErrorsOnly
dotnet bench/Actors.Bench/bin/Release/net10.0/Actors.Bench.dll --url "http://127.0.0.1:$port" --peers-url "http://127.0.0.1:$peers_port" \
  ${api_pid:+--api-pid "$api_pid"} ${silo_pids:+--silo-pids "$silo_pids"} --peers-pid "$peers" ${postgres_pid:+--postgres-pid "$postgres_pid"} \
  --gcdump "$(command -v dotnet-gcdump || echo dotnet-gcdump)" --counters "$(command -v dotnet-counters || echo dotnet-counters)" \
  --command "$invocation" ${bench_args[@]+"${bench_args[@]}"} &
bench=$!
wait "$bench"
