// The few podman API calls the demo makes: find a device's containers, kill one
// out of band, remove leftovers at teardown.
import { Agent, request } from "undici";
import { LABELS, MANAGED_BY } from "@fleet/contracts";

export interface DeviceContainer {
  id: string;
  state: string;
  deploymentKey: string;
}

export class PodmanApi {
  readonly #dispatcher: Agent;

  constructor(socketPath: string) {
    this.#dispatcher = new Agent({ connect: { socketPath } });
  }

  async #call(method: "GET" | "POST" | "DELETE", path: string): Promise<unknown> {
    const res = await request(`http://d/v4.0.0/libpod${path}`, {
      method,
      dispatcher: this.#dispatcher,
    });
    const text = await res.body.text();
    if (res.statusCode >= 400)
      throw new Error(`podman ${method} ${path}: ${res.statusCode} ${text}`);
    return text === "" ? undefined : (JSON.parse(text) as unknown);
  }

  async containersOf(device: string): Promise<DeviceContainer[]> {
    const filters = JSON.stringify({
      label: [`${LABELS.managedBy}=${MANAGED_BY}`, `${LABELS.device}=${device}`],
    });
    const list = (await this.#call(
      "GET",
      `/containers/json?all=true&filters=${encodeURIComponent(filters)}`,
    )) as {
      Id: string;
      State: string;
      Labels: Record<string, string> | null;
    }[];
    return list.map((c) => ({
      id: c.Id,
      state: c.State,
      deploymentKey: c.Labels?.[LABELS.deploymentKey] ?? "",
    }));
  }

  async kill(id: string): Promise<void> {
    await this.#call("POST", `/containers/${id}/kill?signal=SIGKILL`);
  }

  async remove(id: string): Promise<void> {
    await this.#call("DELETE", `/containers/${id}?force=true`);
  }

  async close(): Promise<void> {
    await this.#dispatcher.close();
  }
}
