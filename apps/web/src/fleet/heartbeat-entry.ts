// One agent-status KV entry, as the dashboard reads it: the device comes from the
// KEY, never from the payload, so a put to `status.a` can only ever speak for
// device a. Shared by the server's cache and the browser's live feed, so both
// accept and refuse exactly the same entries.
import {
  decodeAgentStatus,
  parseAgentStatusKey,
  PayloadError,
  type AgentStatus,
} from "@fleet/contracts";

export type HeartbeatEntry =
  { kind: "put"; deviceId: string; status: AgentStatus } | { kind: "delete"; deviceId: string };

export interface RawKvEntry {
  /** The key inside the bucket, e.g. `status.pi-1`. */
  key: string;
  operation: "PUT" | "DEL" | "PURGE";
  value: Uint8Array;
}

/**
 * Decodes one entry. Throws InvalidKeyError for a key that is not `status.<device>`,
 * PayloadError for a malformed heartbeat or one whose deviceId is not the key's device.
 */
export function decodeHeartbeatEntry(entry: RawKvEntry): HeartbeatEntry {
  const deviceId = parseAgentStatusKey(entry.key);
  if (entry.operation !== "PUT") return { kind: "delete", deviceId };
  const status = decodeAgentStatus(entry.value);
  if (status.deviceId !== deviceId) {
    throw new PayloadError(
      `agent-status payload: deviceId "${status.deviceId}" does not match its key "${entry.key}"`,
      [{ path: "deviceId", message: `must be "${deviceId}" (the key's device)` }],
    );
  }
  return { kind: "put", deviceId, status };
}
