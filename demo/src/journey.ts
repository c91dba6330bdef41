// `npm run demo -- --auto`: the whole journey as a regression. Each step is
// timed; the first failure names its step and the demo exits non-zero.
import { KubeConfig } from "@kubernetes/client-node";
import { Kvm } from "@nats-io/kv";
import {
  BUCKET_AGENT_STATUS,
  BUCKET_DESIRED_STATE,
  desiredStateKey,
  type DeploymentStatus,
} from "@fleet/contracts";
import { DeploymentClient } from "@fleet/kube";
import { applyDeployment, deleteDeployment, manifestFromFlags } from "@fleet/operator";
import { connectAsAdmin, waitUntil, type Progress } from "@fleet/local-platform";
import { demoProvisioning } from "./demo-devices.js";
import { DEMO_HOST_PORT, DEMO_NAME, DEMO_NAMESPACE } from "./handoff.js";
import {
  enrollmentJourney,
  ENROLLED_DEVICE,
  type EnrollmentJourney,
} from "./journey-enrollment.js";
import { deviceIsItself, disableThenEnable } from "./journey-identity.js";
import { PodmanApi } from "./podman.js";
import { heartbeatSince } from "./stack-apps.js";
import type { Stack } from "./stack.js";

const TIMEOUT_MS = 60_000;

export class JourneyStepError extends Error {
  override readonly name = "JourneyStepError";
}

async function pageTag(): Promise<string | undefined> {
  try {
    const res = await fetch(`http://127.0.0.1:${DEMO_HOST_PORT}/`);
    return res.status === 200 ? (res.headers.get("x-fleet-image-tag") ?? undefined) : undefined;
  } catch {
    return undefined;
  }
}

/** Runs the nine steps in order; `signal` (Ctrl-C) stops it before the next step. */
export async function runJourney(
  stack: Stack,
  progress: Progress,
  signal?: AbortSignal,
): Promise<void> {
  const device = stack.devices[0] ?? "demo-device-1";
  const key = desiredStateKey({ device, namespace: DEMO_NAMESPACE, name: DEMO_NAME });
  const kc = new KubeConfig();
  kc.loadFromFile(stack.connection.kubeconfig);
  const crs = DeploymentClient.forKubeConfig(kc);
  const podman = new PodmanApi(stack.connection.podmanSocket);
  // The journey inspects KV as an outsider: the platform admin.
  const nc = await connectAsAdmin({ connection: stack.connection });
  const desired = await new Kvm(nc).open(BUCKET_DESIRED_STATE);
  const statuses = await new Kvm(nc).open(BUCKET_AGENT_STATUS);

  const apply = (tag: string): Promise<unknown> =>
    applyDeployment(
      kc,
      manifestFromFlags({
        name: DEMO_NAME,
        namespace: DEMO_NAMESPACE,
        targetDevice: [device],
        image: `localhost/fleet-nginx:${tag}`,
        port: [`${DEMO_HOST_PORT}:80`],
      }),
    );
  const running = async (): Promise<string | undefined> =>
    (await podman.containersOf(device)).find(
      (c) => c.deploymentKey === key && c.state === "running",
    )?.id;
  const aggregate = async (): Promise<DeploymentStatus["aggregate"]> => {
    const cr = await crs.get(DEMO_NAMESPACE, DEMO_NAME);
    return (cr.status as DeploymentStatus | undefined)?.aggregate;
  };
  const step = async (title: string, work: () => Promise<void>): Promise<void> => {
    signal?.throwIfAborted();
    try {
      await progress.step(title, work);
    } catch (error) {
      throw new JourneyStepError(
        `step "${title}" failed: ${error instanceof Error ? error.message : String(error)}`,
        { cause: error },
      );
    }
  };
  const wait = (what: string, check: () => Promise<boolean>): Promise<void> =>
    waitUntil(check, { what, timeoutMs: TIMEOUT_MS });

  let enrolled: EnrollmentJourney | undefined;
  try {
    let firstId = "";
    await step("1. apply nginx 1.0 → running → HTTP 200 from the device", async () => {
      await apply("1.0");
      await wait(
        "the nginx container running",
        async () => (firstId = (await running()) ?? "") !== "",
      );
      await wait("HTTP 200 from nginx 1.0", async () => (await pageTag()) === "1.0");
    });
    await step("2. apply nginx 1.1 (upgrade) → new container id → HTTP 200 from it", async () => {
      await apply("1.1");
      await wait("a new container id", async () => ((await running()) ?? firstId) !== firstId);
      await wait("HTTP 200 from nginx 1.1", async () => (await pageTag()) === "1.1");
    });
    await step("3. .status.aggregate.succeeded == 1", async () => {
      await wait("succeeded == 1", async () => (await aggregate())?.succeeded === 1);
    });
    await step("4. kill the container out of band → failed goes up → recovers", async () => {
      const id = await running();
      if (!id) throw new Error("no running container to kill");
      await podman.kill(id);
      await wait("failed >= 1", async () => ((await aggregate())?.failed ?? 0) >= 1);
      await wait("recovered (succeeded 1, failed 0)", async () => {
        const now = await aggregate();
        return now?.succeeded === 1 && now.failed === 0;
      });
    });
    await step("5. delete → the container and the KV entry are gone", async () => {
      await deleteDeployment(kc, { namespace: DEMO_NAMESPACE, name: DEMO_NAME });
      await wait("the KV entry gone", async () => {
        const entry = await desired.get(key);
        return entry === null || entry.operation !== "PUT";
      });
      await wait(
        "the container gone",
        async () => !(await podman.containersOf(device)).some((c) => c.deploymentKey === key),
      );
      await wait(
        "the CR gone",
        async () => (await crs.find(DEMO_NAMESPACE, DEMO_NAME)) === undefined,
      );
    });
    await step(
      `6. ${device} is on NATS as itself: its own keys readable, another device's refused (iot-agent doctor)`,
      () => deviceIsItself(stack, device),
    );
    const { provisioning } = await demoProvisioning(stack.connection, kc);
    await step(
      `7. disable ${device} → disconnected, its token refused; enable → it heartbeats again`,
      () =>
        disableThenEnable(stack, device, provisioning, (since) =>
          heartbeatSince(statuses, device, since),
        ),
    );
    const enrollment = enrollmentJourney(stack, kc, provisioning);
    enrolled = enrollment;
    await step(
      `8. ${ENROLLED_DEVICE} enrolls with a token (iot-agent enroll) → PendingApproval → approved with role=kiosk → its agent runs`,
      () => enrollment.enroll(),
    );
    await step(
      "9. a Deployment selecting enrolled-by=demo,role=kiosk → running on the enrolled device only → HTTP 200",
      () => enrollment.targetBySelector(),
    );
  } finally {
    await enrolled?.cleanup();
    await nc.close();
    await podman.close();
  }
}
