// The journey's enrollment steps: a device nobody provisioned by hand. A
// deployer's token (as `iot-operator enrollment create` makes it), then
// `iot-agent enroll` on the "device" (its own key pair; it waits for
// approval), approval with a label (as `iot-operator device approve --label`
// does it), the agent started with the credential file enroll wrote, and a
// Deployment that targets it by label selector, not by name. The journey
// cleans up after them (Deployment, agent, containers, Device, token), so the
// next `npm run demo` starts from the same place.
import { createRequire } from "node:module";
import { mkdir, rm, writeFile } from "node:fs/promises";
import { join } from "node:path";
import type { KubeConfig } from "@kubernetes/client-node";
import { execa } from "execa";
import {
  deploymentManifest,
  deviceResourceSchema,
  parseLabelSelector,
  type DeploymentStatus,
} from "@fleet/contracts";
import { DeploymentClient, DeviceClient, EnrollmentTokenClient } from "@fleet/kube";
import {
  freePort,
  inheritedEnvironment,
  layoutFor,
  readPlatformEnv,
  REPO_ROOT,
  waitUntil,
} from "@fleet/local-platform";
import { applyDeployment, deleteDeployment } from "@fleet/operator";
import { approveDevice, createEnrollmentToken, type Provisioning } from "@fleet/provisioning";
import type { RunningApp } from "./app-process.js";
import { demoDeviceDir } from "./demo-devices.js";
import { DEMO_NAMESPACE } from "./handoff.js";
import { PodmanApi } from "./podman.js";
import { startAgent } from "./stack-apps.js";
import type { Stack } from "./stack.js";

const AGENT_BIN = createRequire(import.meta.url).resolve("@fleet/agent/bin");
const TIMEOUT_MS = 60_000;

/** The device the step enrolls; removed again at its end. */
export const ENROLLED_DEVICE = "demo-enrolled-1";
/** The token gives this label; approval adds role=kiosk; the Deployment selects both. */
const TOKEN_LABELS = { "enrolled-by": "demo" };
const SELECTOR = "enrolled-by=demo,role=kiosk";
const DEPLOYMENT = "kiosk";

async function pageAnswers(port: number): Promise<boolean> {
  try {
    return (await fetch(`http://127.0.0.1:${String(port)}/`)).status === 200;
  } catch {
    return false;
  }
}

/** The two journey steps of an enrolled device, and the clean-up after them. */
export interface EnrollmentJourney {
  /** Token → `iot-agent enroll` → PendingApproval → approved with role=kiosk → credential file → its agent. */
  enroll(): Promise<void>;
  /** A Deployment selecting enrolled-by=demo,role=kiosk runs on the enrolled device (and only there). */
  targetBySelector(): Promise<void>;
  /** Removes the Deployment, the agent, its containers, the Device and the token (never throws). */
  cleanup(): Promise<void>;
}

export function enrollmentJourney(
  stack: Stack,
  kc: KubeConfig,
  provisioning: Provisioning,
): EnrollmentJourney {
  const layout = layoutFor(readPlatformEnv());
  const device = ENROLLED_DEVICE;
  const dir = demoDeviceDir(layout, device);
  const credentialsFile = join(dir, "credentials.json");
  const devices = DeviceClient.forKubeConfig(kc);
  const tokens = EnrollmentTokenClient.forKubeConfig(kc);
  const crs = DeploymentClient.forKubeConfig(kc);
  const wait = (what: string, check: () => Promise<boolean>): Promise<void> =>
    waitUntil(check, { what, timeoutMs: TIMEOUT_MS });
  let tokenName: string | undefined;
  let agent: RunningApp | undefined;

  return {
    async enroll() {
      const enrollment = stack.enrollment;
      if (enrollment === undefined)
        throw new Error("the stack has no enrollment API to enroll with");
      // An earlier run that stopped half-way may have left the device: enrolling is the point here.
      if ((await devices.find(device)) !== undefined) await provisioning.removeDevice(device);
      await rm(dir, { recursive: true, force: true });
      await mkdir(dir, { recursive: true, mode: 0o700 });
      const token = await createEnrollmentToken(tokens, {
        labels: TOKEN_LABELS,
        ttlMs: 10 * 60_000,
        description: "npm run demo: the journey's enrollment step",
      });
      tokenName = token.name;
      const tokenFile = join(dir, "enrollment-token");
      await writeFile(tokenFile, `${token.token}\n`, { mode: 0o600 });

      // On the device: its own key pair, the request, then waiting for approval.
      const enroll = execa(
        process.execPath,
        [
          ...["--import", "tsx", AGENT_BIN, "enroll"],
          ...["--server", enrollment.url, "--server-ca", enrollment.caFile],
          ...["--token-file", tokenFile, "--device-id", device],
          ...["--credentials", credentialsFile, "--poll-max-seconds", "1"],
        ],
        {
          cwd: REPO_ROOT,
          env: inheritedEnvironment(),
          reject: false,
          all: true,
          timeout: TIMEOUT_MS,
        },
      );
      await wait(`${device} waiting in PendingApproval`, async () => {
        const found = deviceResourceSchema.safeParse(await devices.find(device));
        return found.data?.status?.phase === "PendingApproval";
      });
      // A deployer approves it with a label; the identity is issued for the device's own key.
      await approveDevice(devices, device, { labels: { role: "kiosk" } });
      const enrolled = await enroll;
      await rm(tokenFile, { force: true });
      if (enrolled.exitCode !== 0)
        throw new Error(
          `iot-agent enroll failed (exit ${String(enrolled.exitCode)}):\n${enrolled.all}`,
        );
      agent = await startAgent(
        stack.connection,
        { id: device, credentialsFile, dataDir: dir },
        join(layout.logDir, `demo-${device}.log`),
      );
    },

    async targetBySelector() {
      const port = await freePort();
      await applyDeployment(
        kc,
        deploymentManifest({
          namespace: DEMO_NAMESPACE,
          name: DEPLOYMENT,
          spec: {
            targetSelector: parseLabelSelector(SELECTOR),
            score: {
              PodmanV0: {
                services: [
                  {
                    name: "web",
                    image: "localhost/fleet-nginx:1.0",
                    ports: [{ hostPort: port, containerPort: 80 }],
                  },
                ],
              },
            },
          },
        }),
      );
      await wait(`HTTP 200 from ${device}'s nginx on port ${String(port)}`, () =>
        pageAnswers(port),
      );
      await wait("matchedDevices == 1 (only the enrolled device has both labels)", async () => {
        const cr = await crs.get(DEMO_NAMESPACE, DEPLOYMENT);
        return (cr.status as DeploymentStatus | undefined)?.aggregate?.matchedDevices === 1;
      });
    },

    async cleanup() {
      const quietly = (work: () => Promise<unknown>): Promise<unknown> =>
        work().catch(() => undefined);
      await quietly(() => deleteDeployment(kc, { namespace: DEMO_NAMESPACE, name: DEPLOYMENT }));
      await quietly(async () => agent?.stop());
      const podman = new PodmanApi(stack.connection.podmanSocket);
      await quietly(async () => {
        for (const container of await podman.containersOf(device))
          await podman.remove(container.id);
      });
      await podman.close();
      await quietly(async () => {
        if ((await devices.find(device)) !== undefined) await provisioning.removeDevice(device);
      });
      if (tokenName !== undefined) await quietly(() => tokens.deleteIfPresent(tokenName ?? ""));
    },
  };
}
