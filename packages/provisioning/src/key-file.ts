// Reads the IdP admin's machine key (Zitadel's key-file format) that
// provisioning signs its management calls with. It can create and remove every
// device's identity, so it must be private: a file that others may read, or
// anyone but its owner may write, is refused, like ssh refuses such a private
// key. Its group may read it: that is how a Kubernetes Secret reaches a
// non-root pod (mode 0440, the pod's fsGroup).
import { readFileSync, statSync } from "node:fs";
import { MAX_CREDENTIALS_FILE_BYTES, parseZitadelKey, type ZitadelKey } from "@fleet/contracts";

/** Why the file is not a usable private key file; undefined when it is. */
function problemOf(path: string): string | undefined {
  let mode: number;
  let size: number;
  try {
    ({ mode, size } = statSync(path));
  } catch (error) {
    return `cannot read this file (${(error as NodeJS.ErrnoException).code ?? "unreadable"})`;
  }
  if ((mode & 0o027) !== 0) {
    const octal = (mode & 0o777).toString(8).padStart(3, "0");
    return `is open to others (mode ${octal}); make it private: chmod 600 ${path}`;
  }
  if (size > MAX_CREDENTIALS_FILE_BYTES)
    return `is ${size} bytes, more than the ${MAX_CREDENTIALS_FILE_BYTES} a key file may have`;
  return undefined;
}

/** The key in a private Zitadel key file; throws with the reason (never echoing the key). */
export function readPrivateKeyFile(path: string): ZitadelKey {
  const problem = problemOf(path);
  if (problem !== undefined) throw new Error(`${path} ${problem}`);
  return parseZitadelKey(readFileSync(path, "utf8"));
}
