#!/usr/bin/env bash
# Start, step by step (issue 15): the demo host and client started as bench-e2e's setup step starts them (cone lab,
# signaling server `p2p-tunnel signal` on the WAN, host waiting with --yes, a first-byte probe on the client's port),
# each JVM with a class-load log (-Xlog:class+load, uptime), and at the first byte the CPU of every thread of both
# JVMs from /proc (C1/C2 compiler threads, main thread `java`, GC, signaling, libwebrtc), summed per thread name.
#
#   sudo scripts/start-profile.sh OUTDIR RUNS ["HOST_JVM_OPTIONS" ["CLIENT_JVM_OPTIONS"]]
#   sudo P2P_TUNNEL_CDS=off scripts/start-profile.sh OUTDIR RUNS   (one JVM per side, no class archive: java -jar
#       otherwise runs each command in a second JVM with the archive; CPU counts the process and its children)
#   sudo DEMO_OPTIONS=--verbose scripts/start-profile.sh OUTDIR RUNS   (demo options for both; --verbose lines carry the
#       time of day in ms, and the setup's steps (logger dev.p2ptunnel.webrtc.setup) end up merged in RUN/timeline.txt)
#
# Run 0 is a warm-up (identity, native cache, java -jar's class archives); OUTDIR/summary.txt gets one line per run
# with the load average, host start -> Session ID, client start -> first byte and the CPU ms of each JVM. Holds
# /tmp/p2plab.lock from `netlab.sh up` to `down`; traffic stays inside the p2plab-* namespaces. Build first
# (mvn -B -ntp -DskipTests package). Not a test: a tool for docs/PERFORMANCE.md.
set -uo pipefail
out=$(realpath -m "$1") runs=$2 hopts=${3:-} copts=${4:-}
mkdir -p "$out"
cd "$(dirname "$0")/.."
JAR=${JAR:-p2p-demo/target/p2p-tunnel.jar} BJ=benchmarks/target/benchmarks.jar
exec 9>/tmp/p2plab.lock; flock -x -w 900 9 || { echo lock busy; exit 1; }
export P2PLAB_LOCK_HELD=1
pids=()
cleanup() { for p in "${pids[@]}"; do kill "$p" 2>/dev/null; done; sleep 0.5; for p in "${pids[@]}"; do kill -9 "$p" 2>/dev/null; done; bash scripts/netlab.sh down >/dev/null 2>&1; }
trap cleanup EXIT
bash scripts/netlab.sh up cone >/dev/null || exit 1
eval "$(bash scripts/netlab.sh env | sed 's/^/export /')"
ip netns exec p2plab-wan java -jar $JAR signal --bind "$SIGNALING_IP" --port 8787 > "$out/signal.log" 2>&1 & pids+=($!)
ip netns exec p2plab-host java -cp $BJ dev.p2ptunnel.benchmarks.e2e.TcpTool echo-server 9000 > "$out/echo.log" 2>&1 & pids+=($!)
wfor() { for i in $(seq 3000); do grep -q "$2" "$1" 2>/dev/null && return 0; sleep 0.005; done; return 1; }
wfor "$out/signal.log" "listening on"; wfor "$out/echo.log" ready
# Both functions count the process and its children: java -jar runs the command in a second JVM (the class archive,
# p2p-demo's ClassArchive) unless P2P_TUNNEL_CDS=off.
threads() { for q in $1 $(pgrep -P $1); do for t in /proc/$q/task/*; do s=$(cat $t/stat 2>/dev/null) || continue; c=$(cat $t/comm); r=${s##*) }; set -- $r; echo "$c $(( (${12}+${13})*10 ))"; done; done | awk '{n=$0; sub(/ [0-9]+$/,"",n); v=$NF; gsub(/[0-9]+$/,"#",n); a[n]+=v} END{for(k in a) if(a[k]>0) printf "%s=%d\n",k,a[k]}' | sort -t= -k2 -nr | tr '\n' ' '; }
tot() { local s r c=0; for q in $1 $(pgrep -P $1); do s=$(cat /proc/$q/stat); r=${s##*) }; set -- $r; c=$((c + (${12}+${13})*10)); done; echo $c; }
# The class-load log of each JVM: host-cl.PID.log (two with java -jar's second JVM).
hl() { echo "java $hopts -Xlog:class+load:file=$1/host-cl.%p.log:uptime -jar $JAR"; }
cl() { echo "java $copts -Xlog:class+load:file=$1/client-cl.%p.log:uptime -jar $JAR"; }
# With DEMO_OPTIONS=--verbose: both JVMs' log lines (time of day in ms, this machine's clock) and the script's own
# marks in one list, in ms since the client's start (negative: before it): RUN/timeline.txt.
timeline() {
  local d=$1 h0 h1 c0 fb; read -r h0 h1 c0 fb < <(sed 's/[a-z0-9]*=//g' "$d/times")
  local tz; tz=$(date +%z); local off=$(( (10#${tz:1:2}*60 + 10#${tz:3:2}) * 60000 )); [ "${tz:0:1}" = - ] && off=$((-off))
  { echo "$(( (h0 + off) % 86400000 )) host JVM started"; echo "$(( (h1 + off) % 86400000 )) host: Session ID printed"
    echo "$(( (c0 + off) % 86400000 )) client JVM started"; echo "$(( (fb + off) % 86400000 )) first byte at the probe"
    for side in host client; do
      sed -n 's/^p2p-tunnel: \[[a-z]*\] \([0-9][0-9]\):\([0-9][0-9]\):\([0-9][0-9]\)\.\([0-9][0-9][0-9]\) /\1 \2 \3 \4 /p' "$d/$side.log" |
        awk -v s=$side '{ printf "%d %s: ", (($1*60+$2)*60+$3)*1000+$4, s; for (i=5;i<=NF;i++) printf "%s%s", $i, (i<NF?" ":"\n") }'
    done; } | sort -n -s -k1,1 | awk -v c=$(( (c0 + off) % 86400000 )) '{ t=$1; $1=""; printf "%7d%s\n", t-c, $0 }'
}
for r in $(seq 0 "$runs"); do
  d=$out/run$r; mkdir -p $d
  ip netns exec p2plab-client java -cp $BJ dev.p2ptunnel.benchmarks.e2e.TcpTool first-byte 7000 --timeout-ms 60000 > $d/probe.log 2>&1 & probe=$!
  wfor $d/probe.log ready
  h0=$(date +%s%3N)
  ip netns exec p2plab-host $(hl $d) host --port 9000 --signal "http://$SIGNALING_IP:8787" --yes --stun "$STUN" ${DEMO_OPTIONS:-} > $d/host.log 2>&1 & hp=$!
  wfor $d/host.log "Session ID:" || { echo host failed; cat $d/host.log; exit 1; }; h1=$(date +%s%3N); sid=$(grep -o 'Session ID: [^ ]*' $d/host.log | cut -d' ' -f3)
  hcpu_sid=$(threads $hp)
  c0=$(date +%s%3N)
  ip netns exec p2plab-client $(cl $d) client --port 7000 --signal "http://$SIGNALING_IP:8787" --session "$sid" --stun "$STUN" ${DEMO_OPTIONS:-} > $d/client.log 2>&1 & cp=$!
  wfor $d/probe.log first_byte; fb=$(grep -o 'first_byte_epoch_ms=[0-9]*' $d/probe.log | cut -d= -f2)
  hc=$(threads $hp); cc=$(threads $cp); ht=$(tot $hp); ct=$(tot $cp)
  echo "run $r load $(cut -d' ' -f1 /proc/loadavg) host_sid_ms=$((h1-h0)) client_fb_ms=$((fb-c0)) cpu_host=$ht cpu_client=$ct hostcpu_at_sid: $hcpu_sid" | tee -a $out/summary.txt
  echo "h0=$h0 h1=$h1 c0=$c0 fb=$fb" > $d/times
  timeline $d > $d/timeline.txt
  echo "   host threads: $hc" | tee -a $out/summary.txt
  echo "   client threads: $cc" | tee -a $out/summary.txt
  kill $(pgrep -P $cp) $(pgrep -P $hp) $cp $hp $probe 2>/dev/null; wait $cp $hp $probe 2>/dev/null
done
