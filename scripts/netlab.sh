#!/usr/bin/env bash
# Network lab for NAT-traversal tests: two home routers (NAT + stateful firewall) on a fake internet, with
# coturn (STUN + TURN) on that internet. Everything lives in network namespaces named p2plab-*; none of them
# is connected to the machine's real network (no veth to the root namespace, no default route out of the lab).
# NETLAB_SLOT=N (N = 1, 2, …) makes lab number N beside the first, independent of it: namespaces p2plabN-*, state
# in /tmp/p2plabN, lock /tmp/p2plabN.lock, the same addresses inside (namespaces keep them apart). The lab tests of
# one build use slots 0 and 1 so that two lab classes run at once; unset or 0 is the lab described below.
#
#   netlab.sh up VARIANT   VARIANT = cone | symmetric | symmetric-both | loss | rate   (runs `down` first)
#   netlab.sh down         kill lab processes (coturn), delete every p2plab-* namespace; safe to repeat
#   netlab.sh status       namespaces, addresses, NAT rules, coturn pid, counters
#   netlab.sh env          KEY=VALUE lines for tests (addresses, STUN/TURN URLs, credentials, namespaces)
#
# Topology (docs/NETLAB.md has the diagram and the reasons behind each rule):
#   p2plab-wan      bridge br0 203.0.113.1/24 ("the internet"; coturn and the signaling address)
#   p2plab-nat-a    wan0 203.0.113.10/24, lan0 192.168.10.1/24, MASQUERADE + firewall   (home router of the host)
#   p2plab-nat-b    wan0 203.0.113.20/24, lan0 192.168.20.1/24, MASQUERADE + firewall   (home router of the client)
#   p2plab-host     eth0 192.168.10.2/24, default route via 192.168.10.1
#   p2plab-client   eth0 192.168.20.2/24, default route via 192.168.20.1
# 203.0.113.0/24 is TEST-NET-3 (RFC 5737): "public-looking", never routed on the real internet.
set -euo pipefail

SLOT=${NETLAB_SLOT:-0}
[[ "$SLOT" =~ ^[0-9]$ ]] || { echo "netlab: NETLAB_SLOT: '$SLOT' (expected a digit 0-9)" >&2; exit 1; }
[ "$SLOT" = 0 ] && SLOT_NAME=p2plab || SLOT_NAME=p2plab$SLOT
PREFIX=$SLOT_NAME-
NS_WAN=${PREFIX}wan NS_NAT_A=${PREFIX}nat-a NS_NAT_B=${PREFIX}nat-b NS_HOST=${PREFIX}host NS_CLIENT=${PREFIX}client
WAN_NET=203.0.113 WAN_IP=203.0.113.1 NAT_A_WAN=203.0.113.10 NAT_B_WAN=203.0.113.20
LAN_A=192.168.10 LAN_B=192.168.20 HOST_IP=192.168.10.2 CLIENT_IP=192.168.20.2
TURN_PORT=3478 TURN_USER=p2plab TURN_PASS=p2plab-secret TURN_REALM=p2plab.test
RELAY_MIN=49152 RELAY_MAX=49999
RATE=${NETLAB_RATE:-20mbit}     # `rate` variant
LOSS=${NETLAB_LOSS:-0.01}       # `loss` variant: probability per packet and per WAN hop
STATE_DIR=${NETLAB_DIR:-/tmp/$SLOT_NAME}
TURN_LOG=$STATE_DIR/turnserver.log
TURN_PID=$STATE_DIR/turnserver.pid
TURN_ERR=$STATE_DIR/turnserver.stderr

die() { echo "netlab: $*" >&2; exit 1; }
need_root() { [ "$(id -u)" -eq 0 ] || die "must run as root (network namespaces)"; }
nsx() { local ns=$1; shift; ip netns exec "$ns" "$@"; }
lab_namespaces() { ip netns list 2>/dev/null | awk '{print $1}' | grep "^${PREFIX}" || true; }

# up and down rebuild or delete this slot's lab (one per slot and machine), killing every process in it. Lab tests and
# bench-e2e.sh hold flock on $LAB_LOCK for their whole run and tell us so with P2PLAB_LOCK_HELD=1; anyone else
# (a person at a shell) gets the lock for this command or a clear refusal, never a lab pulled from under a run.
LAB_LOCK=/tmp/$SLOT_NAME.lock
guard_lab() {
  need_root
  [ "${P2PLAB_LOCK_HELD:-}" = 1 ] && return 0
  exec 8>"$LAB_LOCK"
  flock -x -n 8 || die "the lab is in use: $LAB_LOCK is held (lab tests or bench-e2e.sh running?); wait for them to end or stop them first"
}

cmd_down() {
  need_root
  # coturn started by us: by pid file, then any process still running inside a lab namespace (crashed runs,
  # test peers left behind). `ip netns pids` lists exactly the processes in that namespace, nothing else.
  if [ -f "$TURN_PID" ]; then
    local p; p=$(cat "$TURN_PID" 2>/dev/null || true)
    if [ -n "$p" ] && [ "$(cat /proc/"$p"/comm 2>/dev/null)" = turnserver ]; then kill "$p" 2>/dev/null || true; fi
    rm -f "$TURN_PID"
  fi
  local ns pids
  for ns in $(lab_namespaces); do
    pids=$(ip netns pids "$ns" 2>/dev/null || true)
    [ -n "$pids" ] && kill $pids 2>/dev/null || true
  done
  for _ in 1 2 3 4 5 6 7 8 9 10; do
    pids=""; for ns in $(lab_namespaces); do pids+=$(ip netns pids "$ns" 2>/dev/null || true); done
    [ -z "$pids" ] && break; sleep 0.2
  done
  for ns in $(lab_namespaces); do
    pids=$(ip netns pids "$ns" 2>/dev/null || true)
    [ -n "$pids" ] && kill -9 $pids 2>/dev/null || true
  done
  for ns in $(lab_namespaces); do ip netns del "$ns" 2>/dev/null || true; done
  rm -f "$STATE_DIR/variant"
  [ -z "$(lab_namespaces)" ] || die "could not delete: $(lab_namespaces | tr '\n' ' ')"
}

# veth between two namespaces, created inside the first one so it never exists in the root namespace.
link() { # ns1 if1 ns2 if2
  ip -n "$1" link add "$2" type veth peer name "$4" netns "$3"
  ip -n "$1" link set "$2" up; ip -n "$3" link set "$4" up
}

base_ns() {
  ip netns add "$1"
  ip -n "$1" link set lo up
  # IPv4 only: libwebrtc would otherwise also try IPv6 link-local pairs; the lab models an IPv4 internet.
  nsx "$1" sysctl -qw net.ipv6.conf.all.disable_ipv6=1 net.ipv6.conf.default.disable_ipv6=1
}

setup_router() { # ns wan_ip lan_prefix random_fully(0/1)
  local ns=$1 wan=$2 lan=$3 rnd=$4
  ip -n "$ns" addr add "$wan/24" dev wan0
  ip -n "$ns" addr add "$lan.1/24" dev lan0
  nsx "$ns" sysctl -qw net.ipv4.ip_forward=1
  local ipt=(ip netns exec "$ns" iptables -w)
  "${ipt[@]}" -t nat -A POSTROUTING -o wan0 -j MASQUERADE $([ "$rnd" = 1 ] && echo --random-fully)
  # Stateful firewall of a home router: LAN may go out; from the WAN only replies come in.
  "${ipt[@]}" -P FORWARD DROP
  "${ipt[@]}" -A FORWARD -m conntrack --ctstate INVALID -j DROP
  "${ipt[@]}" -A FORWARD -m conntrack --ctstate ESTABLISHED,RELATED -j ACCEPT
  "${ipt[@]}" -A FORWARD -i lan0 -o wan0 -j ACCEPT
  # Hole punching needs this: a peer's punch that reaches the router before the router has the mapping is
  # addressed to the router itself. Accepted, it would get a conntrack entry for (peer -> router:port), and the
  # LAN machine's own outgoing packet to that peer would then be SNATed to another port (the tuple is taken):
  # the mapping the peer learned via STUN is stolen and ICE fails after ~15 s. Dropping NEW in INPUT (before
  # conntrack confirms the entry) keeps the tuple free. ENVIRONMENT.md; docs/NETLAB.md.
  "${ipt[@]}" -A INPUT -i wan0 -m conntrack --ctstate NEW -j DROP
  "${ipt[@]}" -A INPUT -i wan0 -m conntrack --ctstate INVALID -j DROP
}

setup_leaf() { # ns ip lan_prefix
  ip -n "$1" addr add "$2/24" dev eth0
  ip -n "$1" route add default via "$3.1"
}

# The TURN fix (docs/NETLAB.md, "TURN relay problem"): coturn 4.6.1 closes a whole allocation when one sendto()
# from its relay socket fails with anything but EAGAIN/ENOBUFS/ECONNREFUSED. ICE makes the relay send checks to the
# other peer's *private* host candidate; in a lab "internet" without a route for it that sendto() fails with
# ENETUNREACH and the relayed connection dies ~1 s after it opened. NETLAB_TURN_FIX selects the remedies:
#   deny   coturn denied-peer-ip for private ranges (what a production coturn should have anyway)
#   sink   route private ranges in p2plab-wan into a dummy device: they vanish silently, as on the real internet
#   none   reproduce the original failure
TURN_FIX=${NETLAB_TURN_FIX:-deny,sink}
turn_fix_has() { [[ ",$TURN_FIX," == *",$1,"* ]]; }

write_turn_conf() {
  cat >"$STATE_DIR/turnserver.conf" <<EOF
# Generated by scripts/netlab.sh. Passed with -c so Debian's /etc/turnserver.conf (which says "syslog") is not read.
listening-ip=$WAN_IP
relay-ip=$WAN_IP
listening-port=$TURN_PORT
min-port=$RELAY_MIN
max-port=$RELAY_MAX
lt-cred-mech
user=$TURN_USER:$TURN_PASS
realm=$TURN_REALM
fingerprint
no-tls
no-dtls
no-cli
no-tcp-relay
no-multicast-peers
$(turn_fix_has deny && printf '%s\n' \
  "# Never relay to private/loopback/link-local peers (also standard coturn hardening against SSRF). ICE checks from a" \
  "# relay candidate to the other peer's private host candidate are then refused with 403 instead of being sent." \
  denied-peer-ip=0.0.0.0-0.255.255.255 denied-peer-ip=10.0.0.0-10.255.255.255 denied-peer-ip=100.64.0.0-100.127.255.255 \
  denied-peer-ip=127.0.0.0-127.255.255.255 denied-peer-ip=169.254.0.0-169.254.255.255 \
  denied-peer-ip=172.16.0.0-172.31.255.255 denied-peer-ip=192.168.0.0-192.168.255.255)
log-file=$TURN_LOG
simple-log
new-log-timestamp
verbose
pidfile=$TURN_PID
${NETLAB_TURN_EXTRA:-}
EOF
}

start_turn() {
  command -v turnserver >/dev/null || die "coturn missing: run scripts/install-test-deps.sh"
  mkdir -p "$STATE_DIR"; : >"$TURN_LOG"
  write_turn_conf
  # Not --daemon: daemon() sends stderr to /dev/null, and coturn reports socket send failures ("udp send: ...")
  # with perror(), i.e. on stderr only, not in its log file. Keep that stream in $TURN_ERR.
  : >"$TURN_ERR"
  setsid ip netns exec "$NS_WAN" turnserver -c "$STATE_DIR/turnserver.conf" </dev/null >>"$TURN_ERR" 2>&1 8>&- &
  disown
  local i
  for i in $(seq 50); do
    if nsx "$NS_WAN" ss -Huln "sport = :$TURN_PORT" | grep -q .; then return 0; fi
    sleep 0.1
  done
  die "turnserver does not listen on $WAN_IP:$TURN_PORT; see $TURN_LOG"
}

cmd_up() {
  need_root
  local variant=${1:-}
  case "$variant" in cone|symmetric|symmetric-both|loss|rate) ;; *) die "usage: netlab.sh up cone|symmetric|symmetric-both|loss|rate";; esac
  cmd_down
  mkdir -p "$STATE_DIR"
  local ns
  for ns in "$NS_WAN" "$NS_NAT_A" "$NS_NAT_B" "$NS_HOST" "$NS_CLIENT"; do base_ns "$ns"; done

  # The internet: a bridge in p2plab-wan; the two routers' WAN ports are bridge ports.
  ip -n "$NS_WAN" link add br0 type bridge
  ip -n "$NS_WAN" addr add "$WAN_IP/24" dev br0
  ip -n "$NS_WAN" link set br0 up
  link "$NS_WAN" port-a "$NS_NAT_A" wan0; ip -n "$NS_WAN" link set port-a master br0
  link "$NS_WAN" port-b "$NS_NAT_B" wan0; ip -n "$NS_WAN" link set port-b master br0
  if turn_fix_has sink; then
    # A packet sink connected to nothing (this kernel has no `dummy` driver): a veth pair with both ends in
    # p2plab-wan; private destinations are routed out of sink0 to a fake gateway with a permanent fake MAC, and
    # sink1 discards the frames (not its MAC). sendto() succeeds and the packet vanishes, as on the real internet.
    ip -n "$NS_WAN" link add sink0 type veth peer name sink1
    ip -n "$NS_WAN" link set sink0 up; ip -n "$NS_WAN" link set sink1 up
    ip -n "$NS_WAN" addr add 198.18.0.1/30 dev sink0
    ip -n "$NS_WAN" neigh add 198.18.0.2 lladdr 02:00:00:00:00:02 dev sink0 nud permanent
    for r in 10.0.0.0/8 100.64.0.0/10 169.254.0.0/16 172.16.0.0/12 192.168.0.0/16; do
      ip -n "$NS_WAN" route add "$r" via 198.18.0.2 dev sink0
    done
  fi
  # Bridged frames must not traverse iptables of p2plab-wan (only coturn's own traffic should).
  nsx "$NS_WAN" sysctl -qw net.bridge.bridge-nf-call-iptables=0 2>/dev/null || true

  link "$NS_NAT_A" lan0 "$NS_HOST" eth0
  link "$NS_NAT_B" lan0 "$NS_CLIENT" eth0
  local rnd_a=0 rnd_b=0
  [ "$variant" = symmetric ] && rnd_b=1                 # the client's router is symmetric
  [ "$variant" = symmetric-both ] && { rnd_a=1; rnd_b=1; }
  setup_router "$NS_NAT_A" "$NAT_A_WAN" "$LAN_A" "$rnd_a"
  setup_router "$NS_NAT_B" "$NAT_B_WAN" "$LAN_B" "$rnd_b"
  setup_leaf "$NS_HOST" "$HOST_IP" "$LAN_A"
  setup_leaf "$NS_CLIENT" "$CLIENT_IP" "$LAN_B"

  case "$variant" in
    loss)
      # Each WAN hop drops a packet with probability LOSS: router -> WAN on the router's egress, coturn -> router on
      # the router's ingress. Direct paths see LOSS per direction, relayed paths ~2*LOSS. Never drop in coturn's
      # own OUTPUT chain: a locally generated packet dropped by netfilter makes sendto() fail with EPERM, and
      # coturn 4.6.1 closes the whole allocation on such an error (see TURN_FIX above).
      for ns in "$NS_NAT_A" "$NS_NAT_B"; do
        nsx "$ns" iptables -w -t mangle -A POSTROUTING -o wan0 -m statistic --mode random --probability "$LOSS" -j DROP
        nsx "$ns" iptables -w -t raw -A PREROUTING -i wan0 -s "$WAN_IP" -m statistic --mode random --probability "$LOSS" -j DROP
      done
      ;;
    rate)
      # Each home line is RATE up and RATE down: tbf on the router's WAN egress (upload) and on its bridge
      # port's egress (download). netem is not available in this kernel; tbf is.
      for ns in "$NS_NAT_A" "$NS_NAT_B"; do
        nsx "$ns" tc qdisc add dev wan0 root tbf rate "$RATE" burst 32kb latency 50ms
      done
      for p in port-a port-b; do
        nsx "$NS_WAN" tc qdisc add dev "$p" root tbf rate "$RATE" burst 32kb latency 50ms
      done
      ;;
  esac

  start_turn
  echo "$variant (turn fix: $TURN_FIX)" >"$STATE_DIR/variant"
  cmd_env
}

cmd_env() {
  cat <<EOF
NETLAB_VARIANT=$(awk '{print $1}' "$STATE_DIR/variant" 2>/dev/null || echo none)
NETLAB_SLOT=$SLOT
NETLAB_PREFIX=$PREFIX
NETLAB_LOCK=$LAB_LOCK
NS_WAN=$NS_WAN
NS_NAT_A=$NS_NAT_A
NS_NAT_B=$NS_NAT_B
NS_HOST=$NS_HOST
NS_CLIENT=$NS_CLIENT
WAN_IP=$WAN_IP
NAT_A_WAN=$NAT_A_WAN
NAT_B_WAN=$NAT_B_WAN
HOST_IP=$HOST_IP
CLIENT_IP=$CLIENT_IP
SIGNALING_IP=$WAN_IP
STUN=stun:$WAN_IP:$TURN_PORT
TURN=turn:$WAN_IP:$TURN_PORT?transport=udp
TURN_USER=$TURN_USER
TURN_PASS=$TURN_PASS
TURN_REALM=$TURN_REALM
TURN_LOG=$TURN_LOG
TURN_STDERR=$TURN_ERR
EOF
}

cmd_status() {
  local ns
  echo "variant: $(cat "$STATE_DIR/variant" 2>/dev/null || echo none)"
  echo "namespaces: $(lab_namespaces | tr '\n' ' ')"
  for ns in $(lab_namespaces); do
    echo "== $ns"
    ip -n "$ns" -br -4 addr | grep -v '^lo' | sed 's/^/   /'
    ip -n "$ns" route | sed 's/^/   route: /'
    case "$ns" in
      *nat-*) nsx "$ns" iptables -w -t nat -S POSTROUTING | grep MASQ | sed 's/^/   /'
              nsx "$ns" iptables -w -L INPUT -v -n -x | sed 's/^/   /' ;;
    esac
    nsx "$ns" tc qdisc show | grep tbf | sed 's/^/   /' || true
  done
  if [ -f "$TURN_PID" ] && kill -0 "$(cat "$TURN_PID")" 2>/dev/null; then
    echo "turnserver: pid $(cat "$TURN_PID"), log $TURN_LOG"
    nsx "$NS_WAN" ss -Huln "sport = :$TURN_PORT" | sed 's/^/   /'
  else
    echo "turnserver: not running"
  fi
}

case "${1:-}" in
  up) shift; guard_lab; cmd_up "$@" ;;
  down) guard_lab; cmd_down ;;
  status) need_root; cmd_status ;;
  env) cmd_env ;;
  *) die "usage: netlab.sh up VARIANT | down | status | env" ;;
esac
