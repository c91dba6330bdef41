// A device's whole life through enrollment, every part real: `iot-agent enroll`
// (a child process, as on a device) against iot-identity's HTTPS enrollment
// API and registrar, a token made as `iot-operator enrollment create` makes
// it, approval with labels as `iot-operator device approve` does it, the real
// operator placing a selector Deployment by the Device's labels, and the real
// agent (a child process, with the credential file enroll wrote) running it
// in podman; then relabel and disable, followed down to the container and
// the NATS connection.
import { createPublicKey, randomBytes } from "node:crypto";
import { mkdtemp, rm, stat, writeFile } from "node:fs/promises";
import { tmpdir } from "node:os";
import { join } from "node:path";
import {
  deploymentManifest,
  deviceResourceSchema,
  desiredStateKey,
  formatEnrollmentToken,
  type DeviceResource,
} from "@fleet/contracts";
import { startPlatformIdentity, type PlatformIdentity } from "@fleet/identity/testing";
import { DeploymentClient, DeviceClient, EnrollmentTokenClient } from "@fleet/kube";
import {
  installDeploymentCrd,
  installDeviceCrd,
  installEnrollmentTokenCrd,
} from "@fleet/kube/testing";
import {
  connectionIds,
  freePort,
  kubeConfigFor,
  NGINX_CONTAINER_PORT,
  nginxImageRef,
  platformConnection,
  platformZitadel,
  waitUntil,
} from "@fleet/local-platform/testing";
import { startOperator, type OperatorProcess } from "@fleet/operator/testing";
import { approveDevice, changeDeviceLabels, createEnrollmentToken } from "@fleet/provisioning";
import { platformProvisioning } from "@fleet/provisioning/testing";
import type { ResultPromise } from "execa";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { inspectCredentialFile } from "../identity/credential-file.js";
import { PodmanClient } from "../podman/client.js";
import {
  startAgentProcess,
  startEnrollProcess,
  type EnrollProcess,
} from "../testing/agent-process.js";
import { connectTestNats, purgeDeviceKeys, StatusFollower, type TestNats } from "../testing/kv.js";
import { keyContainers, removeDeviceContainers, servedTag } from "../testing/podman.js";
import { loadPendingEnrollment, pendingEnrollmentPath } from "./pending-enrollment.js";

const run = randomBytes(3).toString("hex");
const WAIT = { timeoutMs: 30_000 };
const NAMESPACE = "default";

let identity: PlatformIdentity;
let operator: OperatorProcess;
let devices: DeviceClient;
let tokens: EnrollmentTokenClient;
let deployments: DeploymentClient;
let podman: PodmanClient;
let nats: TestNats;
let folder: string;
const cleanups: (() => Promise<unknown>)[] = [];

beforeAll(async () => {
  const kc = await kubeConfigFor("admin");
  await installDeviceCrd(kc);
  await installEnrollmentTokenCrd(kc);
  await installDeploymentCrd(kc);
  devices = DeviceClient.forKubeConfig(kc);
  tokens = EnrollmentTokenClient.forKubeConfig(kc);
  deployments = DeploymentClient.forKubeConfig(kc);
  // A drain timeout far past the operator's restart below: the disabled device
  // must be disconnected because it drained, never because the wait ran out.
  identity = await startPlatformIdentity({ enrollment: true, disableDrainTimeoutMs: 180_000 });
  operator = await startOperator(`op-enroll-${run}`, ["--lease-name", `it-enroll-${run}`]);
  await operator.waitForState("leading");
  podman = new PodmanClient((await platformConnection()).podmanSocket);
  nats = await connectTestNats();
  folder = await mkdtemp(join(tmpdir(), "iot-enroll-flow-"));
});

afterAll(async () => {
  // Newest first: the agent before its containers, the Deployment before the operator.
  for (const cleanup of cleanups.reverse()) await cleanup().catch(() => undefined);
  await operator.stop();
  await identity.stop();
  await nats.nc.drain();
  await podman.close();
  await rm(folder, { recursive: true, force: true });
});

async function device(id: string): Promise<DeviceResource> {
  return deviceResourceSchema.parse(await devices.get(id));
}

/** Stops a child process (agent or enroll) if it still runs. */
function stopping(child: ResultPromise): () => Promise<unknown> {
  return async () => {
    child.kill("SIGTERM");
    return child;
  };
}

/** A device's agent holds a NATS connection (by its connection name). */
async function connected(deviceId: string): Promise<boolean> {
  return (await connectionIds(`iot-agent-${deviceId}`)).cids.length > 0;
}

describe("enrollment flow", () => {
  it("enrollment flow - enroll -> pending -> approve with labels -> runs what its labels select; relabel removes it, label back restores it, disable removes it and disconnects the device", async () => {
    const enrollment = identity.enrollment;
    if (enrollment === undefined) throw new Error("iot-identity was started without enrollment");
    const deviceId = `enr-flow-${run}`;
    const fleet = `fleet-${run}`;
    const hostPort = await freePort();
    const credentialsFile = join(folder, "device-credentials.json");
    cleanups.push(async () => {
      const userId = (await devices.find(deviceId).then((d) => deviceResourceSchema.safeParse(d)))
        .data?.spec.identity?.userId;
      if (userId !== undefined)
        await (await platformZitadel()).management.removeUser(userId).catch(() => undefined);
      await devices.deleteIfPresent(deviceId);
      await removeDeviceContainers(podman, deviceId);
      await purgeDeviceKeys(nats, deviceId);
    });

    // A deployer's token: single use, giving every device enrolled with it the fleet label.
    const token = await createEnrollmentToken(tokens, {
      name: `enr-${run}`,
      labels: { fleet },
      ttlMs: 10 * 60_000,
    });
    cleanups.push(() => tokens.deleteIfPresent(token.name));
    const tokenFile = join(folder, "token");
    await writeFile(tokenFile, `${token.token}\n`, { mode: 0o600 });

    // What the selector Deployment targets: the fleet, role kiosk (given at approval).
    const name = `kiosk-${run}`;
    const key = desiredStateKey({ device: deviceId, namespace: NAMESPACE, name });
    await deployments.create(
      deploymentManifest({
        namespace: NAMESPACE,
        name,
        spec: {
          targetSelector: { matchLabels: { fleet, role: "kiosk" } },
          score: {
            PodmanV0: {
              services: [
                {
                  name: "web",
                  image: nginxImageRef("1.0"),
                  ports: [{ hostPort, containerPort: NGINX_CONTAINER_PORT }],
                },
              ],
            },
          },
        },
      }),
    );
    cleanups.push(async () => {
      await deployments.mergePatch(NAMESPACE, name, { metadata: { finalizers: null } });
      await deployments.deleteIfPresent(NAMESPACE, name);
    });

    // 1. The device enrolls: its own key, the request, then it waits.
    const enroll: EnrollProcess = startEnrollProcess({
      server: enrollment.url,
      serverCa: enrollment.caFile,
      tokenFile,
      deviceId,
      credentialsFile,
    });
    cleanups.push(stopping(enroll.child));
    await waitUntil(
      async () =>
        (await devices.find(deviceId)) !== undefined &&
        enroll.lines.some((l) => l.startsWith("pending approval")),
      {
        what: "the Device created and enroll waiting for approval",
        ...WAIT,
        // Read when it times out: what enroll said by then.
        get hint() {
          return `enroll said:\n${enroll.lines.join("\n")}`;
        },
      },
    );
    await waitUntil(async () => (await device(deviceId)).status?.phase === "PendingApproval", {
      what: "Device phase PendingApproval",
      ...WAIT,
    });
    const pendingDevice = await device(deviceId);
    expect(pendingDevice.metadata.labels).toMatchObject({ fleet });
    expect(pendingDevice.spec.identity).toBeUndefined();
    // The server holds the device's public key; its private half is only in the 0600 pending file.
    const pending = await loadPendingEnrollment(pendingEnrollmentPath(credentialsFile));
    expect(pending).toBeDefined();
    expect(pendingDevice.spec.enrollment?.publicKey.trim()).toBe(pending?.publicKeyPem.trim());
    expect((await stat(pendingEnrollmentPath(credentialsFile))).mode & 0o777).toBe(0o600);
    await expect(stat(credentialsFile)).rejects.toThrow(/ENOENT/);
    // Pending is not enrolled: the selector does not place anything on it.
    expect((await nats.desired.get(key))?.operation ?? "none").not.toBe("PUT");

    // 2. A deployer approves it, adding the label the Deployment selects.
    await approveDevice(devices, deviceId, { labels: { role: "kiosk" } });
    const enrolled = await enroll.child;
    expect(enrolled.exitCode, enroll.lines.join("\n")).toBe(0);
    expect(enroll.lines.at(-1)).toContain(`credential file written to ${credentialsFile}`);
    const report = await inspectCredentialFile(credentialsFile);
    expect(report.problems).toEqual([]);
    expect(report.mode).toBe(0o600);
    const approved = await device(deviceId);
    expect(report.credentials).toMatchObject({
      deviceId,
      userId: approved.spec.identity?.userId,
      keyId: approved.spec.identity?.keyId,
    });
    // The credential's key is the one that enrolled: the private key never left the device.
    expect(
      createPublicKey(report.credentials?.key ?? "")
        .export({ format: "pem", type: "spki" })
        .toString()
        .trim(),
    ).toBe(approved.spec.enrollment?.publicKey.trim());
    expect(await loadPendingEnrollment(pendingEnrollmentPath(credentialsFile))).toBeUndefined();

    // 3. The agent starts with that file and runs what its labels select.
    const status = await StatusFollower.start(nats.status, deviceId);
    cleanups.push(() => {
      status.stop();
      return Promise.resolve();
    });
    const dataDir = await mkdtemp(join(folder, "data-"));
    const agent = startAgentProcess({
      credentialsFile,
      podmanSocket: podman.socketPath,
      dataDir,
    });
    cleanups.push(stopping(agent));
    await status.next((s) => s.deployments[key]?.phase === "Running", {
      what: "the selected deployment Running on the enrolled device",
      timeoutMs: 60_000,
    });
    await waitUntil(async () => (await servedTag(hostPort).catch(() => undefined)) === "1.0", {
      what: "nginx answering on the device",
      ...WAIT,
    });
    await waitUntil(async () => (await device(deviceId)).status?.phase === "Enrolled", {
      what: "Device phase Enrolled",
      ...WAIT,
    });

    // 4. Relabel: the selector no longer matches, the container goes.
    await changeDeviceLabels(devices, deviceId, { remove: ["role"] });
    await waitUntil(async () => (await keyContainers(podman, deviceId, key)).length === 0, {
      what: "the container removed after the device lost the label",
      ...WAIT,
    });

    // 5. Label back: it returns.
    await changeDeviceLabels(devices, deviceId, { set: { role: "kiosk" } });
    await waitUntil(async () => (await keyContainers(podman, deviceId, key)).length === 1, {
      what: "the container back with the label",
      ...WAIT,
    });
    await waitUntil(async () => (await servedTag(hostPort).catch(() => undefined)) === "1.0", {
      what: "nginx answering again",
      ...WAIT,
    });
    expect(await connected(deviceId)).toBe(true);

    // 6. Disable with the operator down: iot-identity drains before it kicks, so
    // the device stays connected (it would not hear its workload's removal
    // otherwise) and its container keeps running until the operator is back.
    await waitUntil(async () => (await device(deviceId)).status?.reportedDeployments === 1, {
      what: "the operator's Device status: one deployment reported",
      ...WAIT,
    });
    const drainsStarted = async (): Promise<number> =>
      (await identity.service.metrics.disableDrains.get()).values
        .filter((sample) => sample.labels.event === "started")
        .reduce((sum, sample) => sum + sample.value, 0);
    const drainsBefore = await drainsStarted();
    await operator.stop();
    await (await platformProvisioning()).disableDevice(deviceId);
    // iot-identity decided on the disable: a drain, not a kick (an immediate
    // kick would never count a drain started, and this wait would fail).
    await waitUntil(async () => (await drainsStarted()) > drainsBefore, {
      what: "iot-identity draining the disabled device",
      ...WAIT,
    });
    expect(await connected(deviceId), "the disabled device kept connected while draining").toBe(
      true,
    );
    expect(await keyContainers(podman, deviceId, key)).toHaveLength(1);

    // The operator back: it deletes the desired state, the connected agent removes
    // the container and reports no deployment, and only then is it disconnected.
    operator = await startOperator(`op-enroll-${run}-2`, ["--lease-name", `it-enroll-${run}`]);
    await operator.waitForState("leading", 60_000);
    await waitUntil(async () => (await keyContainers(podman, deviceId, key)).length === 0, {
      what: "the container removed from the disabled device",
      ...WAIT,
    });
    await waitUntil(async () => !(await connected(deviceId)), {
      what: "the disabled device's NATS connection closed",
      ...WAIT,
    });
    expect((await device(deviceId)).status?.reportedDeployments).toBe(0);
  }, 240_000);

  it("enrollment flow - without the server's CA, enroll stops at once and says to give --server-ca; nothing is created", async () => {
    const enrollment = identity.enrollment;
    if (enrollment === undefined) throw new Error("iot-identity was started without enrollment");
    const deviceId = `enr-noca-${run}`;
    const dir = await mkdtemp(join(folder, "noca-"));
    const tokenFile = join(dir, "token");
    await writeFile(
      tokenFile,
      formatEnrollmentToken(`enr-noca-${run}`, randomBytes(32).toString("base64url")),
      { mode: 0o600 },
    );
    const enroll = startEnrollProcess({
      server: enrollment.url,
      tokenFile,
      deviceId,
      credentialsFile: join(dir, "device-credentials.json"),
    });
    cleanups.push(stopping(enroll.child));
    const result = await enroll.child;
    expect(result.exitCode).toBe(1);
    expect(enroll.lines.join("\n")).toMatch(
      /is not signed by a CA this device trusts .*give the CA that issued it with --server-ca/,
    );
    expect(await devices.find(deviceId)).toBeUndefined();
  });
});
