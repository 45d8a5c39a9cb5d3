#!/usr/bin/env bash
# Starts the whole platform on this machine: a local PostgreSQL in .local/, the schema, silos and the API.
#   ./start.sh [--port 5080] [--silos 1] [--apis 1] [--data .local/postgres]
# With --apis 2 or more, the API nodes get ports of their own and the entry point (deploy/Actors.EntryPoint) serves
# --port in front of them: requests spread over the nodes, a SignalR client stays on one.
# Ctrl-C stops everything; the data stays in the data folder for the next start. A silo stopped on its own (SIGTERM,
# to remove it) leaves the rest running while another silo remains.
set -euo pipefail
cd "$(dirname "$0")"
source deploy/ports.sh

api_port=5080
silo_count=1
api_count=1
data=.local/postgres
while [ $# -gt 0 ]; do
  case "$1" in
    --port) api_port=$2; shift 2 ;;
    --silos) silo_count=$2; shift 2 ;;
    --apis) api_count=$2; shift 2 ;;
    --data) data=$2; shift 2 ;;
    *) echo "usage: ./start.sh [--port N] [--silos N] [--apis N] [--data DIR]" >&2; exit 2 ;;
  esac
done
for count in "$silo_count" "$api_count"; do
  [[ "$count" =~ ^[1-9][0-9]?$ ]] || { echo "--silos and --apis take a number from 1 to 99." >&2; exit 2; }
done
if port_in_use "$api_port"; then
  echo "Port $api_port is taken: choose another with --port." >&2
  exit 1
fi

mkdir -p .local/logs

pids=()
silo_pids=()
declare -A host_names
# Each host runs from its build folder, which is its content root: that is where its appsettings.json is.
start_host() {
  local dir=$1 dll=$2 log=$3 name=$4
  shift 4
  (cd "$dir" && exec dotnet "$dll" "$@") >"$log" 2>&1 &
  pids+=($!)
  host_names[$!]=$name
}

# A free port that no host started here has been given yet (a host may not listen on it yet).
given_ports=" $api_port "
pick_port() {
  local port
  port=$(free_port "$1")
  while [[ "$given_ports" == *" $port "* ]]; do port=$(free_port); done
  given_ports+="$port "
  echo "$port"
}
stop_all() {
  trap - INT TERM EXIT
  echo
  echo "Stopping ..."
  [ ${#pids[@]} -eq 0 ] || kill -TERM "${pids[@]}" 2>/dev/null || true
  wait || true
  deploy/local-postgres.sh stop "$data"
  echo "Stopped. The data stays in $data."
}
trap 'stop_all; exit 0' INT TERM
trap stop_all EXIT

echo "Starting PostgreSQL in $data ..."
connection=$(deploy/local-postgres.sh start "$data")

if [ ! -s .local/dev-signing-key ]; then
  (umask 077 && head -c 32 /dev/urandom | od -An -tx1 | tr -d ' \n' >.local/dev-signing-key)
fi

# The Privacy keys of this data folder (master key and identifier key): made with it, kept beside the other local
# secrets, never committed. Data sealed under them opens only with them; rotation is in the README.
keys_file=.local/privacy-keys/$(printf '%s' "$data" | tr -c 'A-Za-z0-9._-' '_')
if [ ! -s "$keys_file" ]; then
  mkdir -p .local/privacy-keys
  (umask 077 && printf 'Privacy__MasterKeys__local1=%s\nPrivacy__ActiveMasterKey=local1\nPrivacy__IdentifierKey=%s\n' \
    "$(head -c 32 /dev/urandom | base64)" "$(head -c 32 /dev/urandom | base64)" >"$keys_file")
fi
set -a
source "$keys_file"
set +a

# The key that signs audit receipts (EC P-256, PKCS#8 PEM), made the same way per data folder; its public key is
# published at /.well-known/receipt-keys. Rotation is in the README.
receipt_key=.local/receipt-keys/$(printf '%s' "$data" | tr -c 'A-Za-z0-9._-' '_').pem
if [ ! -s "$receipt_key" ]; then
  mkdir -p .local/receipt-keys
  (umask 077 && openssl genpkey -algorithm EC -pkeyopt ec_paramgen_curve:P-256 -out "$receipt_key")
fi

echo "Building ..."
dotnet build Actors.sln -c Release --nologo -v quiet -clp:ErrorsOnly
silo_dir=silo/Actors.Silo/bin/Release/net10.0
api_dir=api/Actors.Api/bin/Release/net10.0
logs=$PWD/.local/logs

export ConnectionStrings__Actors="$connection"
export Orleans__ClusterId=local
export Orleans__ServiceId=actors
dotnet "$silo_dir/Actors.Silo.dll" migrate

silos_started=0
start_silo() {
  local i=$((silos_started + 1)) silo_port gateway_port metrics_port
  silos_started=$i
  silo_port=$(pick_port $((11110 + i)))
  gateway_port=$(pick_port $((30000 + i - 1)))
  metrics_port=$(pick_port $((9463 + i)))
  Orleans__SiloPort=$silo_port Orleans__GatewayPort=$gateway_port Orleans__AdvertisedIP=127.0.0.1 \
    Urls="http://127.0.0.1:$metrics_port" start_host "$silo_dir" Actors.Silo.dll "$logs/silo-$i.log" "Silo $i"
  silo_pids+=($!)
  running+=($!)
  echo "Silo $i: silo port $silo_port, gateway $gateway_port, metrics http://127.0.0.1:$metrics_port/metrics, pid $! (log .local/logs/silo-$i.log)"
}
running=()
for _ in $(seq 1 "$silo_count"); do start_silo; done
# Scaling out while it runs: SIGUSR1 to this script adds a silo; SIGTERM to a silo's pid removes it (it drains first).
trap 'start_silo' USR1

# Each API node's metrics are served on a management port of its own, unauthenticated, for a local scraper.
nodes=()
for i in $(seq 1 "$api_count"); do
  if [ "$api_count" -eq 1 ]; then
    node_port=$api_port log_name=api
  else
    node_port=$(pick_port $((api_port + i))) log_name=api-$i
  fi
  management_port=$(pick_port $((9460 + i - 1)))
  Receipts__SigningKey=$(cat "$receipt_key") Receipts__KeyId=local1 \
    Auth__SigningKey=$(cat .local/dev-signing-key) Auth__DevTokens=true Urls="http://127.0.0.1:$node_port;http://127.0.0.1:$management_port" \
    Management__Port=$management_port Management__PublicUrl="http://127.0.0.1:$api_port" \
    start_host "$api_dir" Actors.Api.dll "$logs/$log_name.log" "API node $i"
  running+=($!)
  nodes+=("http://127.0.0.1:$node_port")
  echo "API node $i: http://127.0.0.1:$node_port, management (metrics) http://127.0.0.1:$management_port/metrics (log .local/logs/$log_name.log)"
done
if [ "$api_count" -gt 1 ]; then
  # The same keys as EntryPoint__Nodes__0=… in the environment, given on its command line.
  entry_settings=("--Urls=http://127.0.0.1:$api_port")
  for i in "${!nodes[@]}"; do entry_settings+=("--EntryPoint:Nodes:$i=${nodes[$i]}"); done
  start_host deploy/Actors.EntryPoint/bin/Release/net10.0 Actors.EntryPoint.dll "$logs/entry-point.log" "The entry point" "${entry_settings[@]}"
  running+=($!)
  echo "Entry point: http://127.0.0.1:$api_port in front of ${#nodes[@]} API nodes (log .local/logs/entry-point.log)"
fi

url="http://127.0.0.1:$api_port"
echo "Waiting for the API to be ready ..."
for _ in $(seq 1 120); do
  curl -fs "$url/health/ready" >/dev/null 2>&1 && break
  for pid in "${pids[@]}"; do
    kill -0 "$pid" 2>/dev/null || { echo "A process stopped early; see .local/logs/." >&2; exit 1; }
  done
  sleep 1
done
curl -fs "$url/health/ready" >/dev/null || { echo "The API did not become ready; see .local/logs/." >&2; exit 1; }

token=$(curl -fs -X POST "$url/v1/dev/tokens" -H 'Content-Type: application/json' -d '{"role":"operator"}' \
  | sed -E 's/.*"accessToken":"([^"]+)".*/\1/')
cat <<EOT

The platform is up: $url   (web app: $url/, OpenAPI: $url/openapi/v1.json, metrics: http://127.0.0.1:$management_port/metrics)

Create a customer with an operator token:
  curl -s -X POST $url/v1/customers -H "Authorization: Bearer $token" -H 'Content-Type: application/json' \\
    -d '{"displayName":"Ada Lovelace","email":"ada@example.com","homeCurrency":"GBP","timeZone":"Europe/London"}'

Add a silo: kill -USR1 $$   Remove one: kill -TERM <its pid>   Press Ctrl-C to stop.
EOT
# A silo that stops (removed with SIGTERM) is reported; the platform runs on while another silo does.
while true; do
  ended=""
  wait -n -p ended "${running[@]}" || true
  [ -n "${ended:-}" ] || continue
  remaining=()
  for pid in "${running[@]}"; do [ "$pid" = "$ended" ] || remaining+=("$pid"); done
  running=("${remaining[@]}")
  silos_left=0
  for pid in "${silo_pids[@]}"; do [[ " ${running[*]} " == *" $pid "* ]] && silos_left=$((silos_left + 1)); done
  if [[ " ${silo_pids[*]} " == *" $ended "* ]] && [ "$silos_left" -gt 0 ]; then
    echo "${host_names[$ended]} stopped; $silos_left silo(s) still running."
    continue
  fi
  echo "${host_names[$ended]} stopped by itself; see .local/logs/." >&2
  exit 1
done
