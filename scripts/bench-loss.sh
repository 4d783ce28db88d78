#!/usr/bin/env bash
# Hard loss (issue 14, point 5): the real demo jar through two cone NATs whose WAN hops drop a share of packets at
# random (netlab.sh `loss`, NETLAB_LOSS per direction), one loss level after another.
#
#   scripts/bench-loss.sh [LOSS ...]          default: 0.01 0.05 0.20
#   IDLE_S=180 DOWNLOAD_S=30 PING_S=10 scripts/bench-loss.sh 0.20
#
# For each level: `netlab.sh up loss`, signaling server on the WAN, LoadTool's mixed server + `p2p-tunnel host` in
# p2plab-host, `p2p-tunnel client` in p2plab-client; then
#   1. 1 KiB round trips for PING_S s (idle tunnel)            -> p50 / p99
#   2. the tunnel left idle for IDLE_S s
#   3. 1 KiB round trips again (proves the tunnel still carries after the idle minutes)
#   4. a download (host -> client) for DOWNLOAD_S s, with 1 KiB round trips beside it for its last PING_S s
#                                                                  -> MB/s, p50 / p99 during the transfer
#   5. the lines of both demo processes that say the connection was lost (keepalive, "lost", "reconnecting") and
#      whether each process is still running.
# One line per level on stdout (and in benchmarks/target/loss/result.txt), logs in benchmarks/target/loss/LEVEL/.
# Build first: mvn -B -ntp -DskipTests package -pl p2p-demo,benchmarks -am. Needs root; traffic stays inside the
# p2plab-* namespaces. Holds flock /tmp/p2plab.lock per level only (other lab users get turns between levels).
set -euo pipefail
cd "$(dirname "$0")/.."

[ "$(id -u)" -eq 0 ] || { echo "bench-loss: needs root (network namespaces)" >&2; exit 1; }
demo=p2p-demo/target/p2p-tunnel.jar tools=benchmarks/target/benchmarks.jar
for f in "$demo" "$tools"; do
  [ -f "$f" ] || { echo "bench-loss: $f missing: mvn -B -ntp -DskipTests package -pl p2p-demo,benchmarks -am" >&2
    exit 1; }
done
IDLE_S=${IDLE_S:-180} DOWNLOAD_S=${DOWNLOAD_S:-30} PING_S=${PING_S:-10}
levels=("$@"); [ ${#levels[@]} -gt 0 ] || levels=(0.01 0.05 0.20)
out=benchmarks/target/loss; mkdir -p "$out"
result="$out/result.txt"; : >"$result"
demo=$(realpath "$demo") tools=$(realpath "$tools")
SERVICE=7070 CLIENT_PORT=9000 SIGNAL_PORT=8787
load() { cut -d' ' -f1-3 /proc/loadavg; }

run_level() { # LOSS DIR: everything of one level, under the lab lock held by the caller
  local loss=$1 dir=$2
  export P2PLAB_LOCK_HELD=1
  NETLAB_LOSS=$loss bash scripts/netlab.sh up loss >"$dir/netlab.log" 2>&1
  local url="http://203.0.113.1:$SIGNAL_PORT" home; home=$(mktemp -d)
  ip netns exec p2plab-wan java -jar "$demo" signal --bind 203.0.113.1 --port $SIGNAL_PORT >"$dir/signal.log" 2>&1 &
  ip netns exec p2plab-host java -cp "$tools" dev.p2ptunnel.benchmarks.e2e.LoadTool mixed-server $SERVICE \
    >"$dir/server.log" 2>&1 &
  await "$dir/signal.log" "^Signaling server listening on " 30 >/dev/null
  # Host and client keep identities and trust lists in config homes of this level (never the real ~/.config).
  XDG_CONFIG_HOME="$home/host" ip netns exec p2plab-host java -jar "$demo" host --port $SERVICE --signal "$url" --yes \
    --stun stun:203.0.113.1:3478 >"$dir/host.log" 2>&1 &
  local host_pid=$!
  local id; id=$(await "$dir/host.log" "^Session ID: " 60 | sed 's/^Session ID: //')
  XDG_CONFIG_HOME="$home/client" ip netns exec p2plab-client java -jar "$demo" client --port $CLIENT_PORT --signal "$url" --session "$id" \
    --name loss --stun stun:203.0.113.1:3478 >"$dir/client.log" 2>&1 &
  local client_pid=$!
  await "$dir/client.log" "connected, path " 90 >/dev/null
  local idle1 idle2 dl during
  idle1=$(ping "$dir/ping-idle" "$PING_S")
  sleep "$IDLE_S"   # the measurement: minutes of an idle tunnel at this loss
  idle2=$(ping "$dir/ping-after-idle" "$PING_S")
  ip netns exec p2plab-client java -cp "$tools" dev.p2ptunnel.benchmarks.e2e.LoadTool download $CLIENT_PORT \
    --seconds "$DOWNLOAD_S" --skip-seconds 2 --timeout-ms $(( (DOWNLOAD_S + 60) * 1000 )) >"$dir/download.log" 2>&1 &
  local dl_pid=$!
  sleep $(( DOWNLOAD_S > PING_S + 4 ? DOWNLOAD_S - PING_S - 2 : 2 ))
  during=$(ping "$dir/ping-during" "$PING_S")
  wait "$dl_pid" || true
  dl=$(grep -o 'mbps=[0-9.]*' "$dir/download.log" || grep -m1 '^error' "$dir/download.log" || echo "mbps=none")
  local lost alive=""
  lost=$(grep -ciE "keepalive|lost|reconnecting|rejoin" "$dir/host.log" "$dir/client.log" | tr '\n' ' ' || true)
  kill -0 "$host_pid" 2>/dev/null && alive+="host=running " || alive+="host=exited "
  kill -0 "$client_pid" 2>/dev/null && alive+="client=running" || alive+="client=exited"
  printf 'loss=%s idle_rtt1k[%s] after_%ss_idle_rtt1k[%s] download_%ss[%s] rtt1k_during_download[%s] lost_lines[%s] %s load=%s\n' \
    "$loss" "$idle1" "$IDLE_S" "$idle2" "$DOWNLOAD_S" "$dl" "$during" "$lost" "$alive" "$(load)" | tee -a "$result"
  bash scripts/netlab.sh down >/dev/null 2>&1 || true
  rm -rf "$home"
}

await() { # FILE REGEX SECONDS: prints the first matching line, fails after SECONDS
  local i
  for i in $(seq $(( $3 * 5 ))); do
    if grep -m1 -E "$2" "$1" 2>/dev/null; then return 0; fi
    sleep 0.2
  done
  echo "bench-loss: no line matching '$2' in $1 within $3 s" >&2; return 1
}

ping() { # LOG SECONDS: 1 KiB round trips through the tunnel; prints "p50=… p99=… n=…" (ms) or the error
  ip netns exec p2plab-client java -cp "$tools" dev.p2ptunnel.benchmarks.e2e.LoadTool ping $CLIENT_PORT --size 1024 \
    --seconds "$2" --warmup-seconds 1 --timeout-ms 120000 >"$1.log" 2>&1 || true
  awk '/^result latency/ { for (i = 1; i <= NF; i++) { split($i, kv, "="); v[kv[1]] = kv[2] }
       printf "p50=%.2fms p99=%.2fms max=%.0fms n=%d", v["p50_us"] / 1e3, v["p99_us"] / 1e3, v["max_us"] / 1e3, v["count"]; found = 1 }
       /^error/ { print; found = 1 } END { if (!found) printf "no result" }' "$1.log"
}

echo "bench-loss: levels ${levels[*]}, idle ${IDLE_S} s, download ${DOWNLOAD_S} s; load before: $(load) ($(nproc) cores)"
for loss in "${levels[@]}"; do
  dir="$out/$loss"; rm -rf "$dir"; mkdir -p "$dir"
  (
    exec 9>/tmp/p2plab.lock
    flock -x -w 900 9 || { echo "bench-loss: /tmp/p2plab.lock stayed busy for 900 s" >&2; exit 1; }
    trap 'jobs -p | xargs -r kill 2>/dev/null || true; P2PLAB_LOCK_HELD=1 bash scripts/netlab.sh down >/dev/null 2>&1 || true' EXIT
    run_level "$loss" "$dir"
  )
done
