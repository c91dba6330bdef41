// Hands a credential file to the browser as a download, from memory: the
// dashboard never stores it, and the caller drops it right after.
import type { DeviceCredentials } from "@fleet/contracts";
import { credentialsFileName } from "./device-rows";

export function downloadCredentials(credentials: DeviceCredentials): string {
  const name = credentialsFileName(credentials.deviceId);
  const blob = new Blob([`${JSON.stringify(credentials, null, 2)}\n`], {
    type: "application/json",
  });
  const url = URL.createObjectURL(blob);
  const link = document.createElement("a");
  link.href = url;
  link.download = name;
  link.rel = "noopener";
  document.body.append(link);
  link.click();
  link.remove();
  // After the click has started the download; revoking at once can cancel it in some browsers.
  setTimeout(() => {
    URL.revokeObjectURL(url);
  }, 0);
  return name;
}
