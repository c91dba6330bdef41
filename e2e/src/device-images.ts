// Which image each device runs for a deployment, read from the platform's real
// podman (the containers the agents made, by their labels): what a rollout
// test checks besides the page.
import { request } from "node:http";
import { desiredStateKey, LABELS, MANAGED_BY } from "@fleet/contracts";

interface ContainerSummary {
  Image: string;
  State: string;
  Labels: Record<string, string> | null;
}

function listContainers(socketPath: string, device: string): Promise<ContainerSummary[]> {
  const filters = JSON.stringify({
    label: [`${LABELS.managedBy}=${MANAGED_BY}`, `${LABELS.device}=${device}`],
  });
  const path = `/v4.0.0/libpod/containers/json?all=true&filters=${encodeURIComponent(filters)}`;
  return new Promise((resolve, reject) => {
    const req = request({ socketPath, path, method: "GET" }, (res) => {
      const chunks: Buffer[] = [];
      res.on("data", (chunk: Buffer) => chunks.push(chunk));
      res.on("end", () => {
        const text = Buffer.concat(chunks).toString("utf8");
        if ((res.statusCode ?? 500) >= 400) reject(new Error(`podman ${path}: ${text}`));
        else resolve(JSON.parse(text) as ContainerSummary[]);
      });
    });
    req.on("error", reject);
    req.end();
  });
}

/**
 * The image of the running container of `namespace/name` on each device
 * (undefined: none running there), e.g. { "demo-device-1": "localhost/fleet-nginx:1.1" }.
 */
export async function runningImages(
  socketPath: string,
  deployment: { namespace: string; name: string },
  devices: readonly string[],
): Promise<Record<string, string | undefined>> {
  const entries = await Promise.all(
    devices.map(async (device) => {
      const key = desiredStateKey({ device, ...deployment });
      const running = (await listContainers(socketPath, device)).find(
        (c) => c.Labels?.[LABELS.deploymentKey] === key && c.State === "running",
      );
      return [device, running?.Image] as const;
    }),
  );
  return Object.fromEntries(entries);
}
