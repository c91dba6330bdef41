#!/bin/sh
# Installs iot-agent on a device: the single-file bundle, its credential file,
# a config file and a systemd unit. Works on x86_64 and aarch64 (the bundle is
# plain JavaScript; what differs per architecture is the Node.js binary, which
# must be >= 22.19).
#
#   sudo ./install.sh --bundle ./iot-agent.mjs --credentials ./pi-kitchen-01.json
#
# The credential file comes from `iot-operator device add <id> --out <file>` (or
# the dashboard's Devices page); it names the device and the NATS servers
# (--device-id and --nats-servers may repeat or override them). It is installed
# as /etc/iot-agent/device-credentials.json, mode 0600; giving it again later
# replaces it (a rotated key). --root DIR stages everything under DIR instead of /
# and skips systemctl (image builds, tests). An existing config.json is kept.
set -eu

MIN_NODE="22.19.0"
ROOT=""
BUNDLE=""
DEVICE_ID=""
NATS_SERVERS=""
CREDENTIALS=""
CREDENTIALS_PATH="/etc/iot-agent/device-credentials.json"
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
    -h|--help) sed -n '2,16p' "$0"; exit 0 ;;
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
install -d -m 0755 "$ROOT/opt/iot-agent" "$ROOT/etc/systemd/system"
install -d -m 0700 "$CONFIG_DIR"
install -m 0755 "$BUNDLE" "$ROOT/opt/iot-agent/iot-agent.mjs"

if [ -n "$CREDENTIALS" ]; then
  [ -f "$CREDENTIALS" ] || die "credential file $CREDENTIALS not found"
  # Private from the first byte: the file holds the device's private key.
  (umask 077 && cp "$CREDENTIALS" "$ROOT$CREDENTIALS_PATH.tmp")
  chmod 0600 "$ROOT$CREDENTIALS_PATH.tmp"
  mv "$ROOT$CREDENTIALS_PATH.tmp" "$ROOT$CREDENTIALS_PATH"
  echo "installed the credential file as $ROOT$CREDENTIALS_PATH (mode 0600)"
fi

# check_config <credential file to check with, or ""> <agent flags...>
check_config() {
  with="$1"
  shift
  if [ -n "$with" ]; then
    env IOT_AGENT_CREDENTIALS="$with" "$NODE_BIN" "$ROOT/opt/iot-agent/iot-agent.mjs" --check-config "$@"
  else
    "$NODE_BIN" "$ROOT/opt/iot-agent/iot-agent.mjs" --check-config "$@"
  fi
}

if [ -f "$CONFIG" ]; then
  echo "keeping existing $CONFIG"
else
  [ -f "$ROOT$CREDENTIALS_PATH" ] || die "--credentials <file> is required for a first install; get one with \`iot-operator device add <id> --out <file>\` or from the dashboard's Devices page"
  # The agent writes the JSON itself, so quoting is never the installer's problem.
  printf '{}' >"$CONFIG.empty"
  set -- --config "$CONFIG.empty" --podman-socket "$PODMAN_SOCKET" --data-dir /var/lib/iot-agent
  [ -z "$DEVICE_ID" ] || set -- "$@" --device-id "$DEVICE_ID"
  [ -z "$NATS_SERVERS" ] || set -- "$@" --nats-servers "$NATS_SERVERS"
  # Checked with the installed credential file (under --root, its staged copy);
  # the config then names its final path.
  check_config "$ROOT$CREDENTIALS_PATH" "$@" >"$CONFIG.tmp" ||
    { rm -f "$CONFIG.tmp" "$CONFIG.empty"; die "the settings above are not valid"; }
  rm -f "$CONFIG.empty"
  "$NODE_BIN" -e '
    const [file, credentials] = process.argv.slice(1);
    const fs = require("node:fs");
    const config = JSON.parse(fs.readFileSync(file, "utf8"));
    fs.writeFileSync(file, JSON.stringify({ ...config, credentials }, null, 2) + "\n");
  ' "$CONFIG.tmp" "$CREDENTIALS_PATH"
  chmod 0640 "$CONFIG.tmp"
  mv "$CONFIG.tmp" "$CONFIG"
  echo "wrote $CONFIG"
fi
# Validate what is there now (an existing file may predate this version); under
# --root the credential file is only staged, so the staged copy stands in for it.
STAGED=""
[ -z "$ROOT" ] || STAGED="$ROOT$CREDENTIALS_PATH"
check_config "$STAGED" --config "$CONFIG" >/dev/null || die "$CONFIG is not valid (see above)"

sed "s#@NODE@#$NODE_BIN#" "$HERE/iot-agent.service" >"$ROOT/etc/systemd/system/iot-agent.service"
echo "installed iot-agent ($ARCH, Node.js $NODE_VERSION) to $ROOT/opt/iot-agent"

if [ "$START" -eq 1 ]; then
  # The agent uses podman's API socket; socket activation starts the service on demand.
  systemctl enable --now podman.socket
  systemctl daemon-reload
  systemctl enable --now iot-agent.service
  echo "started: journalctl -u iot-agent -f"
fi
