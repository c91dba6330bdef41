// Images: check presence, pull only when missing. Pull answers 200 and
// streams JSON lines; a failure arrives as an {"error": ...} line.
import { ImageUnavailableError, isNotFound, messageOf } from "../errors.js";
import type { PodmanClient } from "./client.js";

export async function imageExists(podman: PodmanClient, ref: string): Promise<boolean> {
  try {
    const { body } = await podman.send("GET", `/images/${encodeURIComponent(ref)}/exists`);
    await body.dump();
    return true;
  } catch (error) {
    if (isNotFound(error)) return false;
    throw error;
  }
}

/** Pulls `ref` if it is not present. Throws ImageUnavailableError with podman's reason. */
export async function ensureImage(
  podman: PodmanClient,
  ref: string,
): Promise<"present" | "pulled"> {
  if (await imageExists(podman, ref)) return "present";
  let text: string;
  try {
    const { body } = await podman.send("POST", "/images/pull", {
      query: { reference: ref, policy: "missing", quiet: true },
      bodyTimeout: 0,
    });
    text = await body.text();
  } catch (cause) {
    throw new ImageUnavailableError(ref, messageOf(cause), { cause });
  }
  for (const line of text.split("\n")) {
    if (line.trim() === "") continue;
    const parsed = JSON.parse(line) as { error?: unknown };
    if (typeof parsed.error === "string") throw new ImageUnavailableError(ref, parsed.error);
  }
  if (!(await imageExists(podman, ref))) {
    throw new ImageUnavailableError(
      ref,
      "podman reported no error, yet the image is still missing",
    );
  }
  return "pulled";
}
