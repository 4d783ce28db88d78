#!/usr/bin/env bash
# End-to-end benchmark in the network lab (issue 8): tunnel vs raw DataChannel on the same path, same run.
#
#   scripts/bench-e2e.sh [--quick] [--variant cone|symmetric]... [E2eHarness options]
#
# Full run (default): cone (direct path, STUN) and symmetric (relayed path, STUN + TURN); 5 alternating runs of raw
# DataChannel (600 MB) vs tunnel (iperf3 -P 1 and -P 8, 8 s), 10 setup runs, 20 000 round trips of 64 B
# each way after 10 000 warm-up.
# Issue 15 (interactive work): redis-benchmark -t set,get -c 1 -P 1, -c 50 -P 1, -c 50 -P 16 against a redis-server in
# p2plab-host, on its loopback vs through the tunnel (5 alternating runs); 1 KiB round trips alone and during a download
# through the same tunnel (5 runs of 4 s each); CPU seconds of both demo JVMs from start to first byte (setup runs);
# CPU seconds per GB on both sides, tunnel vs raw DataChannel (throughput runs). A second table in the output.
# Then 10 000 connections held open through one real tunnel (demo host and client at -Xmx256m, the driver in
# p2plab-client proves each with a 1-byte echo), then 1 000 of them active at once (64 B round trip, every byte
# checked); threads, heap after a full GC, RSS, fds and errors of both demo JVMs (jcmd, /proc) while held, after the
# active round and after 70 s idle. Sizes: --connections N (0 skips), --active N, --idle-seconds N (0 skips).
# --quick: a seconds-long smoke (tiny sizes, one run each, cone only, 200 connections / 50 active) for CI; it skips
# with exit 0 and a reason when it cannot run here (not root, tools or jars missing, lab does not come up).
# --only STEP[,STEP]: only the steps named (throughput, latency, setup, fairness, redis, loaded, connections; latency
# and setup share one step), e.g. scripts/bench-e2e.sh --variant cone --only connections (~1.5 min).
# --demo-jvm-options "OPTS" / --demo-options "OPTS": passed to every demo host and client (experiments; such a run
# never rewrites docs/PERFORMANCE.md).
# A complete run (both variants, every step, default sizes) also rewrites the table in docs/PERFORMANCE.md between
# its markers, headed by date, command and exit status; any other run leaves that file alone.
# Build first: mvn -B -ntp -DskipTests package (the reactor builds both jars; no install needed). Results: benchmarks/target/e2e-result.{json,md}, logs in
# benchmarks/target/e2e/. Needs root (network namespaces); traffic stays inside the p2plab-* namespaces.
# Always cleans up: kills the harness and everything it started, then `netlab.sh down`. Takes turns with the lab
# tests through their machine-wide lock (flock /tmp/p2plab.lock, held for the whole run).
set -euo pipefail
cd "$(dirname "$0")/.."

quick=0
for a in "$@"; do [ "$a" = --quick ] && quick=1; done
skip() { # reason: a smoke that cannot run here is not a failure; a full run that cannot run is
  if [ "$quick" = 1 ]; then echo "bench-e2e: SKIPPED: $*"; exit 0; fi
  echo "bench-e2e: cannot run: $*" >&2; exit 1
}

[ "$(id -u)" -eq 0 ] || skip "needs root for network namespaces"
for tool in ip iptables turnserver iperf3 redis-server redis-benchmark java flock; do
  command -v "$tool" >/dev/null || skip "$tool not installed (scripts/install-test-deps.sh)"
done
jar=benchmarks/target/benchmarks.jar demo=p2p-demo/target/p2p-tunnel.jar
for f in "$jar" "$demo"; do [ -f "$f" ] || skip "$f missing: build with mvn -B -ntp -DskipTests package"; done
# One lab per machine (fixed namespace names): take turns with the lab tests and other lab scripts, which hold
# flock on the same file from `netlab.sh up` to `down`. Held on fd 9 until this script exits, so the cleanup below
# runs under it too; the kernel drops it if we die.
exec 9>/tmp/p2plab.lock
lock_wait=$([ "$quick" = 1 ] && echo 120 || echo 600)
if ! flock -x -n 9; then
  echo "bench-e2e: waiting up to $lock_wait s for /tmp/p2plab.lock (lab tests running?)"
  flock -x -w "$lock_wait" 9 || skip "the network lab stayed busy (/tmp/p2plab.lock held for $lock_wait s)"
fi
export P2PLAB_LOCK_HELD=1   # netlab.sh, run by the harness and the cleanup below: this run holds the lock
# The demo hosts and clients keep their identity and trust lists under $XDG_CONFIG_HOME/p2p-tunnel: a directory of
# this run's own (removed at exit), never the real ~/.config of whoever runs the benchmark (root in CI).
config_home=$(mktemp -d "${TMPDIR:-/tmp}/p2p-bench-config.XXXXXX")
export XDG_CONFIG_HOME="$config_home"

harness_pid=""
cleanup() {
  if [ -n "$harness_pid" ] && kill -0 "$harness_pid" 2>/dev/null; then
    kill "$harness_pid" 2>/dev/null || true   # its shutdown hook kills every lab process it started
    for _ in $(seq 50); do kill -0 "$harness_pid" 2>/dev/null || break; sleep 0.1; done
    kill -9 "$harness_pid" 2>/dev/null || true
  fi
  bash scripts/netlab.sh down >/dev/null 2>&1 || true   # still under the lock
  rm -rf -- "$config_home"
}
trap cleanup EXIT
trap 'exit 130' INT TERM

limit=$([ "$quick" = 1 ] && echo 240 || echo 3600)   # seconds; every wait inside is bounded too
# A complete run (both paths, every step, default sizes) rewrites the table in docs/PERFORMANCE.md between its
# markers; any other run leaves the file alone and says so.
doc=()
[ "$quick" = 1 ] || doc=(--update-doc docs/PERFORMANCE.md --command "scripts/bench-e2e.sh${*:+ $*}")
timeout --kill-after=10 "$limit" java -cp "$jar" dev.p2ptunnel.benchmarks.e2e.E2eHarness \
  --netlab scripts/netlab.sh --demo-jar "$demo" --out benchmarks/target/e2e-result.json "${doc[@]}" "$@" &
harness_pid=$!
set +e
wait "$harness_pid"; status=$?
set -e
harness_pid=""
case "$status" in 124|137) echo "bench-e2e: timed out after $limit s" >&2 ;; esac
# 3: the harness measured nothing because the lab could not come up (or stayed busy with lab tests).
[ "$status" -eq 3 ] && skip "the network lab could not come up or stayed busy (see above)"
exit "$status"
