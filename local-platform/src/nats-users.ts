// NATS users of the local platform.
//
// - Clients that send no credentials (the operator, agents and tests on this
//   machine) are mapped to `fleet-service`, which may do anything: the server
//   listens on loopback only, and per-device identities come later.
// - `dashboard-viewer` is what the dashboard hands to signed-in browsers: it can
//   read and watch the `agent-status` KV bucket and nothing else (no writes to
//   any bucket, no `desired-state`). Its permissions name JetStream API subjects
//   for that one stream (KV bucket B is stream KV_B).
import { randomBytes } from "node:crypto";
import { existsSync } from "node:fs";
import { mkdir, readFile, writeFile } from "node:fs/promises";
import { dirname, join } from "node:path";
import { BUCKET_AGENT_STATUS } from "@fleet/contracts";
import { z } from "zod";
import type { Layout } from "./layout.js";

export const SERVICE_USER = "fleet-service";
export const VIEWER_USER = "dashboard-viewer";

const credentialsSchema = z.object({ servicePassword: z.string(), viewerPassword: z.string() });
export type NatsCredentials = z.infer<typeof credentialsSchema>;

const credentialsFile = (layout: Layout): string =>
  join(dirname(layout.natsConfig), "credentials.json");

export async function ensureNatsCredentials(layout: Layout): Promise<NatsCredentials> {
  const file = credentialsFile(layout);
  if (!existsSync(file)) {
    await mkdir(dirname(file), { recursive: true });
    const secret = (): string => randomBytes(18).toString("base64url");
    await writeFile(file, JSON.stringify({ servicePassword: secret(), viewerPassword: secret() }), {
      mode: 0o600,
    });
  }
  return readNatsCredentials(layout);
}

export async function readNatsCredentials(layout: Layout): Promise<NatsCredentials> {
  return credentialsSchema.parse(JSON.parse(await readFile(credentialsFile(layout), "utf8")));
}

/** Read-only access to one KV bucket: open, get, watch (ordered consumers) — no put, no other stream. */
export function kvReadOnlyPermissions(bucket: string): {
  publish: { allow: string[] };
  subscribe: { allow: string[] };
} {
  const stream = `KV_${bucket}`;
  return {
    publish: {
      allow: [
        "$JS.API.INFO",
        `$JS.API.STREAM.INFO.${stream}`,
        `$JS.API.STREAM.MSG.GET.${stream}`,
        `$JS.API.DIRECT.GET.${stream}`,
        `$JS.API.DIRECT.GET.${stream}.>`,
        `$JS.API.CONSUMER.CREATE.${stream}`,
        `$JS.API.CONSUMER.CREATE.${stream}.>`,
        `$JS.API.CONSUMER.INFO.${stream}.>`,
        `$JS.API.CONSUMER.DELETE.${stream}.>`,
        // Ordered consumers answer flow-control requests on these subjects.
        `$JS.FC.${stream}.>`,
      ],
    },
    subscribe: { allow: ["_INBOX.>"] },
  };
}

interface NatsUser {
  user: string;
  password: string;
  permissions?: ReturnType<typeof kvReadOnlyPermissions>;
  allowed_connection_types: ("STANDARD" | "WEBSOCKET")[];
}

export function natsAuthorization(credentials: NatsCredentials): { users: NatsUser[] } {
  return {
    users: [
      // Loopback TCP only: an anonymous websocket client maps to this user and is refused.
      {
        user: SERVICE_USER,
        password: credentials.servicePassword,
        allowed_connection_types: ["STANDARD"],
      },
      {
        user: VIEWER_USER,
        password: credentials.viewerPassword,
        permissions: kvReadOnlyPermissions(BUCKET_AGENT_STATUS),
        allowed_connection_types: ["WEBSOCKET", "STANDARD"],
      },
    ],
  };
}
