// The default device id of `iot-agent enroll`: this machine's host name made
// into a DNS-1123 label (the grammar of a device id), so that a fresh device
// can enroll without being told its name. Pure, for tests.
import { DNS1123_LABEL_MAX_LENGTH } from "@fleet/contracts";

/** `Pi_Kitchen.local` -> `pi-kitchen`; undefined when nothing usable is left. */
export function deviceIdFromHostname(hostname: string): string | undefined {
  // The first DNS label only: `pi.local` is the device `pi`, not `pi-local`.
  const [first = ""] = hostname.split(".");
  const label = first
    .toLowerCase()
    .replace(/[^a-z0-9-]+/g, "-")
    .replace(/-+/g, "-")
    .slice(0, DNS1123_LABEL_MAX_LENGTH)
    .replace(/^-+|-+$/g, "");
  return label === "" ? undefined : label;
}
