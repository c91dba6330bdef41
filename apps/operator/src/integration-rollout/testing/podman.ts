// What the rollout tests ask podman about the fleet's devices: which
// containers a device's agent runs for a deployment (id, state, image), read
// through the platform's own podman API socket (the one the agents use).
// Plain node:http: the operator's workspace has no podman client, and this is
// two read-only GETs and a forced removal at cleanup.
import { LABELS, ownerLabels } from "@fleet/contracts";
import { request } from "node:http";
import { z } from "zod";

const listedSchema = z.array(
  z.object({
    Id: z.string(),
    State: z.string(),
    Image: z.string(),
    Labels: z.record(z.string(), z.string()).nullable().optional(),
  }),
);

export interface DeviceContainer {
  id: string;
  /** running | exited | created | ... */
  state: string;
  image: string;
  deploymentKey: string | undefined;
}

function call(socketPath: string, method: "GET" | "DELETE", path: string): Promise<string> {
  return new Promise((resolve, reject) => {
    const req = request(
      { socketPath, method, path: `/v4.0.0/libpod${path}`, timeout: 10_000 },
      (res) => {
        let body = "";
        res.setEncoding("utf8");
        res.on("data", (chunk: string) => (body += chunk));
        res.on("end", () => {
          const status = res.statusCode ?? 0;
          if (status >= 400 && status !== 404)
            reject(new Error(`podman ${method} ${path}: ${status} ${body}`));
          else resolve(body);
        });
      },
    );
    req.on("timeout", () => req.destroy(new Error(`podman ${method} ${path}: timed out`)));
    req.on("error", reject);
    req.end();
  });
}

/** Every container (running or not) the agent of `device` created. */
export async function containersOf(socketPath: string, device: string): Promise<DeviceContainer[]> {
  const label = Object.entries(ownerLabels(device)).map(([key, value]) => `${key}=${value}`);
  const filters = encodeURIComponent(JSON.stringify({ label }));
  const body = await call(socketPath, "GET", `/containers/json?all=true&filters=${filters}`);
  return listedSchema.parse(JSON.parse(body === "" ? "[]" : body)).map((c) => ({
    id: c.Id,
    state: c.State,
    image: c.Image,
    deploymentKey: c.Labels?.[LABELS.deploymentKey],
  }));
}

/** The containers of `device` that run the deployment whose desired-state key is `key`. */
export async function deploymentContainers(
  socketPath: string,
  device: string,
  key: string,
): Promise<DeviceContainer[]> {
  return (await containersOf(socketPath, device)).filter((c) => c.deploymentKey === key);
}

/** Removes what a device's agent left behind (its agent is stopped by then). */
export async function removeDeviceContainers(socketPath: string, device: string): Promise<void> {
  for (const container of await containersOf(socketPath, device))
    await call(socketPath, "DELETE", `/containers/${container.id}?force=true&timeout=0`);
}
