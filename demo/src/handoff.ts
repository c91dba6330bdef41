// The hand-off menu: exact, copy-pasteable commands with real paths and ports.
import { desiredStateKey, LABELS } from "@fleet/contracts";
import type { Stack } from "./stack.js";

export const DEMO_NAME = "nginx";
export const DEMO_NAMESPACE = "default";
export const DEMO_HOST_PORT = 8080;

export function handoffMenu(stack: Stack): string {
  const device = stack.devices[0] ?? "demo-device-1";
  const key = desiredStateKey({ device, namespace: DEMO_NAMESPACE, name: DEMO_NAME });
  const apply = `npx iot-operator apply --name ${DEMO_NAME} --namespace ${DEMO_NAMESPACE} --target-device ${device} --image localhost/fleet-nginx:1.0 --port ${DEMO_HOST_PORT}:80`;
  const { oidc, podmanSocket } = stack.connection;
  const credentials = stack.credentialsFiles[device] ?? "<its credential file>";
  const dashboard = stack.dashboardUrl
    ? `Dashboard        ${stack.dashboardUrl}
                 sign in at the local IdP (${oidc.issuer}) as
                   alice / ${oidc.passwords.alice}   (deployer: deploy, upgrade, delete)
                   bob   / ${oidc.passwords.bob}   (viewer: read only)
                 the IdP's certificate is from this platform's own CA, ${oidc.caFile}:
                 trust that CA in your browser, or accept the warning once.
                 Kubernetes knows these users as oidc:alice and oidc:bob (their ID tokens).`
    : "Dashboard        not started (--no-dashboard)";
  return `
The fleet platform is running: ${stack.devices.length} device(s) (${stack.devices.join(", ")}).

${dashboard}
Operator         http://127.0.0.1:${stack.operatorHttpPort}/metrics   (/healthz, /readyz)
Identity service http://127.0.0.1:${stack.identityHttpPort}/metrics   (iot-identity, the NATS auth callout)
Device identity  each device is an IdP machine user; ${device}'s key file (mode 0600):
                   ${credentials}

In another shell, from this folder:
  eval "$(npm run -s platform -- env)"
  kubectl get deployments.iot.nationtech.io -A -w

Deploy nginx to ${device} with the typed applier:
  ${apply}
or print the CR and let kubectl apply it:
  ${apply} --print | kubectl apply -f -
Upgrade: the same command with --image localhost/fleet-nginx:1.1
Delete:  npx iot-operator apply --name ${DEMO_NAME} --namespace ${DEMO_NAMESPACE} --delete

Check a device's set-up (key file, token, NATS, own keys, another device's refused, podman):
  npx iot-agent doctor --credentials ${credentials} --podman-socket ${podmanSocket}

Provision and revoke devices (the IdP machine user and its Device CR):
  npx iot-operator device list
  npx iot-operator device disable ${device}    (its agent is disconnected within 2 s and refused)
  npx iot-operator device enable ${device}
  npx iot-operator device add my-device-1 --label site=lab --out ./my-device-1.json
  npx iot-agent --credentials ./my-device-1.json --podman-socket ${podmanSocket} --data-dir /tmp/iot-agent-my-device-1
  npx iot-operator device rotate-key my-device-1 --out ./my-device-1.json --force
  npx iot-operator device remove my-device-1

Look inside (nats uses the platform admin's credential, NATS_CREDS):
  nats kv ls desired-state
  nats kv get desired-state ${key} --raw
  nats kv get agent-status status.${device} --raw
  podman ps --filter label=${LABELS.device}=${device}
  curl -i http://127.0.0.1:${DEMO_HOST_PORT}/

Logs: .local-platform/logs/   Stop everything: Ctrl-C
`;
}
