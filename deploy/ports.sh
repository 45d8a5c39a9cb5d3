# Sourced by the local scripts: finding free loopback ports without extra tools.

port_in_use() { (exec 3<>"/dev/tcp/127.0.0.1/$1") 2>/dev/null; }

# free_port [PREFERRED]: PREFERRED when it is free, else a random free port.
free_port() {
  local port=${1:-}
  if [ -n "$port" ] && ! port_in_use "$port"; then echo "$port"; return; fi
  for _ in $(seq 1 200); do
    port=$((20000 + RANDOM % 30000))
    port_in_use "$port" || { echo "$port"; return; }
  done
  echo "no free port found" >&2
  return 1
}
