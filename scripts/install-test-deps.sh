#!/usr/bin/env bash
# Installs the Debian packages the test suite needs, only those missing, without prompts.
# Idempotent; needs root (CI runs as root). Each package says why it is here.
set -euo pipefail

packages=(
  libpulse0   # webrtc-java's native library links libpulse.so.0
  iproute2    # ip netns / veth: tests that open a real DataChannel run in a network namespace
  iptables    # NAT and packet loss in the network lab
  coturn      # STUN + TURN server inside the network lab (scripts/netlab.sh runs its own instance in a namespace)
  iperf3      # TCP load through the tunnel in the end-to-end benchmark (scripts/bench-e2e.sh)
  mosquitto   # MQTT brokers for the rendezvous tests (p2p-rendezvous on loopback, RendezvousLabIT in the lab's WAN)
  mosquitto-clients  # mosquitto_sub: the lab test's subscriber on '#' that records what the broker relayed
  openssl     # the rendezvous TLS tests make a throwaway CA and broker certificates with it
  redis-server  # the signaling server's shared state (p2p-signaling's tests start their own on a loopback port) and a
                # real request/response service behind the tunnel in the end-to-end benchmark (bench-e2e.sh, in p2plab-host)
  redis-tools   # redis-cli, to look into that Redis by hand (docs/SIGNALING.md); redis-benchmark for bench-e2e.sh
)

missing=()
for p in "${packages[@]}"; do
  dpkg-query -W -f='${Status}' "$p" 2>/dev/null | grep -q "install ok installed" || missing+=("$p")
done
if ((${#missing[@]})); then
  if [ "$(id -u)" -ne 0 ]; then
    echo "install-test-deps: missing ${missing[*]}; run as root or install them (apt-get install ${missing[*]})" >&2
    exit 1
  fi
  export DEBIAN_FRONTEND=noninteractive
  apt-get update -qq
  # No service may start on install (redis-server's, coturn's, mosquitto's would listen on real interfaces): Debian's
  # policy-rc.d hook refuses every start while it exists; ours goes again after, one already there stays.
  policy=/usr/sbin/policy-rc.d ours=""
  if [ ! -e "$policy" ]; then
    printf '#!/bin/sh\nexit 101\n' >"$policy" && chmod 755 "$policy" && ours=1
  fi
  apt-get install -y -qq --no-install-recommends "${missing[@]}" </dev/null || { [ -z "$ours" ] || rm -f "$policy"; exit 1; }
  [ -z "$ours" ] || rm -f "$policy"
fi

# Debian's coturn and mosquitto packages enable system-wide services listening on the machine's real interfaces
# (an open relay, an open broker). The tests never use them (netlab.sh starts its own turnserver inside p2plab-wan;
# the rendezvous tests start their own mosquitto in a namespace); do not leave them running.
if command -v systemctl >/dev/null 2>&1 && [ -d /run/systemd/system ] && [ "$(id -u)" -eq 0 ]; then
  for service in coturn mosquitto; do
    if systemctl is-enabled --quiet "$service" 2>/dev/null || systemctl is-active --quiet "$service" 2>/dev/null; then
      systemctl disable --now "$service" >/dev/null 2>&1 || true
    fi
  done
fi
# Without systemd (containers) the package's init script may have started the broker: stop it by its pid file.
if [ "$(id -u)" -eq 0 ] && [ -f /run/mosquitto/mosquitto.pid ]; then
  pid=$(cat /run/mosquitto/mosquitto.pid 2>/dev/null || true)
  if [ -n "$pid" ] && [ "$(cat /proc/"$pid"/comm 2>/dev/null)" = mosquitto ]; then
    kill "$pid" 2>/dev/null || true
  fi
fi

# Debian's redis-server package enables (and, where services start, starts) a system-wide redis on port 6379. The
# tests never use it (each starts its own on a free loopback port with a temporary directory): do not leave a
# database server running that nobody asked for.
if command -v systemctl >/dev/null 2>&1 && [ -d /run/systemd/system ] && [ "$(id -u)" -eq 0 ]; then
  if systemctl is-enabled --quiet redis-server 2>/dev/null || systemctl is-active --quiet redis-server 2>/dev/null; then
    systemctl disable --now redis-server >/dev/null 2>&1 || true
  fi
elif [ "$(id -u)" -eq 0 ] && [ -x /etc/init.d/redis-server ] && pgrep -x redis-server >/dev/null 2>&1 \
    && [ -f /run/redis/redis-server.pid ]; then
  /etc/init.d/redis-server stop >/dev/null 2>&1 || true
fi
