#!/bin/sh
# Installs iot-agent on a device: the single-file bundle, a config file and a
# systemd unit. Works on x86_64 and aarch64 (the bundle is plain JavaScript;
# what differs per architecture is the Node.js binary, which must be >= 22.19).
#
#   sudo ./install.sh --bundle ./iot-agent.mjs --device-id pi-kitchen-01 \
#        --nats-servers nats://nats.example.internal:4222 --credentials creds:/etc/iot-agent/device.creds
#
# --root DIR stages everything under DIR instead of / and skips systemctl (for
# image builds and tests). An existing config.json is never overwritten.
set -eu

MIN_NODE="22.19.0"
ROOT=""
BUNDLE=""
DEVICE_ID=""
NATS_SERVERS=""
CREDENTIALS="none"
PODMAN_SOCKET="/run/podman/podman.sock"
START=1
NODE_BIN="${NODE_BIN:-}"

die() { echo "install.sh: $*" >&2; exit 1; }

while [ $# -gt 0 ]; do
  case "$1" in
    --bundle) BUNDLE="$2"; shift 2 ;;
    --device-id) DEVICE_ID="$2"; shift 2 ;;
    --nats-servers) NATS_SERVERS="$2"; shift 2 ;;
    --credentials) CREDENTIALS="$2"; shift 2 ;;
    --podman-socket) PODMAN_SOCKET="$2"; shift 2 ;;
    --node) NODE_BIN="$2"; shift 2 ;;
    --root) ROOT="$2"; START=0; shift 2 ;;
    --no-start) START=0; shift ;;
    -h|--help) sed -n '2,12p' "$0"; exit 0 ;;
    *) die "unknown option $1 (see --help)" ;;
  esac
done

HERE=$(cd "$(dirname "$0")" && pwd)
[ -n "$BUNDLE" ] || BUNDLE="$HERE/../dist/iot-agent.mjs"
[ -f "$BUNDLE" ] || die "bundle not found at $BUNDLE (build it with: npm run build -w @fleet/agent)"

# Architecture: the agent is tested on these two; others may work wherever Node does.
ARCH=$(uname -m)
case "$ARCH" in
  x86_64|amd64) ARCH=x86_64 ;;
  aarch64|arm64) ARCH=aarch64 ;;
  *) die "unsupported architecture $ARCH (supported: x86_64, aarch64)" ;;
esac

# Node.js: present and new enough (the bundle also refuses older versions at start).
[ -n "$NODE_BIN" ] || NODE_BIN=$(command -v node || true)
[ -n "$NODE_BIN" ] || die "node not found; install Node.js >= $MIN_NODE for $ARCH (or pass --node PATH)"
NODE_BIN=$(readlink -f "$NODE_BIN")
NODE_VERSION=$("$NODE_BIN" -p 'process.versions.node')
LOWEST=$(printf '%s\n%s\n' "$MIN_NODE" "$NODE_VERSION" | sort -V | head -n1)
[ "$LOWEST" = "$MIN_NODE" ] || die "$NODE_BIN is Node.js $NODE_VERSION; iot-agent needs >= $MIN_NODE"
NODE_ARCH=$("$NODE_BIN" -p 'process.arch')
case "$ARCH/$NODE_ARCH" in
  x86_64/x64|aarch64/arm64) ;;
  *) die "$NODE_BIN is built for $NODE_ARCH but this machine is $ARCH" ;;
esac

if [ -z "$ROOT" ]; then
  [ "$(id -u)" -eq 0 ] || die "run as root (the agent talks to the rootful podman socket)"
  command -v systemctl >/dev/null || die "systemd not found; run $BUNDLE under your own supervisor"
  command -v podman >/dev/null || die "podman not found; install it first (apt-get install podman)"
fi

CONFIG_DIR="$ROOT/etc/iot-agent"
CONFIG="$CONFIG_DIR/config.json"
install -d -m 0755 "$ROOT/opt/iot-agent" "$CONFIG_DIR" "$ROOT/etc/systemd/system"
install -m 0755 "$BUNDLE" "$ROOT/opt/iot-agent/iot-agent.mjs"

if [ -f "$CONFIG" ]; then
  echo "keeping existing $CONFIG"
else
  [ -n "$DEVICE_ID" ] || die "--device-id is required for a first install"
  [ -n "$NATS_SERVERS" ] || die "--nats-servers is required for a first install"
  # The agent writes the JSON itself, so quoting is never the installer's problem.
  printf '{}' >"$CONFIG.empty"
  "$NODE_BIN" "$ROOT/opt/iot-agent/iot-agent.mjs" --check-config --config "$CONFIG.empty" \
    --device-id "$DEVICE_ID" --nats-servers "$NATS_SERVERS" --credentials "$CREDENTIALS" \
    --podman-socket "$PODMAN_SOCKET" --data-dir /var/lib/iot-agent >"$CONFIG.tmp" ||
    { rm -f "$CONFIG.tmp" "$CONFIG.empty"; die "the settings above are not valid"; }
  rm -f "$CONFIG.empty"
  chmod 0640 "$CONFIG.tmp"
  mv "$CONFIG.tmp" "$CONFIG"
  echo "wrote $CONFIG"
fi
# Validate what is there now (an existing file may predate this version).
"$NODE_BIN" "$ROOT/opt/iot-agent/iot-agent.mjs" --check-config --config "$CONFIG" >/dev/null ||
  die "$CONFIG is not valid (see above)"

sed "s#@NODE@#$NODE_BIN#" "$HERE/iot-agent.service" >"$ROOT/etc/systemd/system/iot-agent.service"
echo "installed iot-agent ($ARCH, Node.js $NODE_VERSION) to $ROOT/opt/iot-agent"

if [ "$START" -eq 1 ]; then
  # The agent uses podman's API socket; socket activation starts the service on demand.
  systemctl enable --now podman.socket
  systemctl daemon-reload
  systemctl enable --now iot-agent.service
  echo "started: journalctl -u iot-agent -f"
fi
