// The container operations the agent needs, typed over the libpod API.
// Responses are parsed with zod (unknown fields dropped), so a podman that
// answers differently fails loudly here instead of deep in the reconciler.
import { z } from "zod";
import { isNotFound } from "../errors.js";
import type { PodmanClient } from "./client.js";

const listedContainerSchema = z.object({
  Id: z.string(),
  Names: z.array(z.string()).nullish(),
  Labels: z.record(z.string(), z.string()).nullish(),
  State: z.string(),
  Image: z.string(),
  ExitCode: z.number().nullish(),
});

const inspectSchema = z.object({
  Id: z.string(),
  Name: z.string(),
  State: z.object({
    Status: z.string(),
    Running: z.boolean(),
    ExitCode: z.number(),
    OOMKilled: z.boolean().optional(),
    Error: z.string().optional(),
    StartedAt: z.string().optional(),
    FinishedAt: z.string().optional(),
  }),
  Config: z.object({ Labels: z.record(z.string(), z.string()).nullish() }),
});

export interface ContainerSummary {
  id: string;
  name: string;
  labels: Record<string, string>;
  /** created | running | exited | stopped | paused | ... */
  state: string;
  image: string;
}

export type ContainerDetails = z.output<typeof inspectSchema>;

/** The subset of libpod's SpecGenerator the agent fills in. */
export interface ContainerSpec {
  name: string;
  image: string;
  labels: Record<string, string>;
  env?: Record<string, string>;
  command?: string[];
  portmappings: { host_port: number; container_port: number; protocol: "tcp" | "udp" }[];
  /** Always "no": the agent restarts containers itself, so it sees and reports every exit. */
  restart_policy: "no";
}

/** Every container (running or not) carrying all of these labels. */
export async function listContainers(
  podman: PodmanClient,
  labels: Record<string, string>,
): Promise<ContainerSummary[]> {
  const filters = { label: Object.entries(labels).map(([key, value]) => `${key}=${value}`) };
  const json = await podman.json("GET", "/containers/json", {
    query: { all: true, filters: JSON.stringify(filters) },
  });
  return z
    .array(listedContainerSchema)
    .parse(json ?? [])
    .map((c) => ({
      id: c.Id,
      name: c.Names?.[0] ?? c.Id,
      labels: c.Labels ?? {},
      state: c.State,
      image: c.Image,
    }));
}

export async function inspectContainer(
  podman: PodmanClient,
  id: string,
): Promise<ContainerDetails | undefined> {
  try {
    return inspectSchema.parse(
      await podman.json("GET", `/containers/${encodeURIComponent(id)}/json`),
    );
  } catch (error) {
    if (isNotFound(error)) return undefined;
    throw error;
  }
}

export async function createContainer(podman: PodmanClient, spec: ContainerSpec): Promise<string> {
  const json = await podman.json("POST", "/containers/create", { body: spec });
  return z.object({ Id: z.string() }).parse(json).Id;
}

export async function startContainer(podman: PodmanClient, id: string): Promise<void> {
  // 304 means it already runs: fine, starting is idempotent for us.
  const { body } = await podman.send("POST", `/containers/${encodeURIComponent(id)}/start`);
  await body.dump();
}

/** Force-removes (kills first if needed); a container that is already gone is fine. */
export async function removeContainer(podman: PodmanClient, id: string): Promise<void> {
  try {
    const { body } = await podman.send("DELETE", `/containers/${encodeURIComponent(id)}`, {
      query: { force: true, timeout: 10 },
    });
    await body.dump();
  } catch (error) {
    if (!isNotFound(error)) throw error;
  }
}

export async function killContainer(
  podman: PodmanClient,
  id: string,
  signal = "SIGKILL",
): Promise<void> {
  const { body } = await podman.send("POST", `/containers/${encodeURIComponent(id)}/kill`, {
    query: { signal },
  });
  await body.dump();
}
