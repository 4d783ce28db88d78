#!/usr/bin/env bash
# Installs the Debian packages the test suite needs, only those missing, without prompts.
# Idempotent; needs root (CI runs as root). Each package says why it is here.
set -euo pipefail

packages=(
  libpulse0   # webrtc-java's native library links libpulse.so.0
  iproute2    # ip netns / veth: tests that open a real DataChannel run in a network namespace
  iptables    # NAT and packet loss in the network lab
  coturn      # STUN + TURN server inside the network lab (scripts/netlab.sh runs its own instance in a namespace)
  iperf3      # TCP load through the tunnel in the end-to-end benchmark (scripts/bench-e2e.sh); iperf3 -u in ServicesLabIT
  dnsmasq-base   # a real DNS server (UDP and TCP) shared through the tunnel in ServicesLabIT; the binary only, no service
  bind9-dnsutils # dig: the DNS client that queries it through the client's mapped ports
  redis-server  # the signaling server's shared state: p2p-signaling's tests start their own on a loopback port
  redis-tools   # redis-cli, to look into that Redis by hand (docs/SIGNALING.md)
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
  apt-get install -y -qq --no-install-recommends "${missing[@]}" </dev/null
fi

# Debian's coturn package enables a system-wide coturn.service listening on the machine's real interfaces. The lab
# never uses it (netlab.sh starts its own turnserver inside p2plab-wan); do not leave an open relay running.
if command -v systemctl >/dev/null 2>&1 && [ -d /run/systemd/system ] && [ "$(id -u)" -eq 0 ]; then
  if systemctl is-enabled --quiet coturn 2>/dev/null || systemctl is-active --quiet coturn 2>/dev/null; then
    systemctl disable --now coturn >/dev/null 2>&1 || true
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
