// Host-port clashes on one device: two deployments that publish the same host
// port there would fail on the device with "address already in use". The older
// CR keeps the device; a newer one is withheld there (its entry is not written)
// and told which deployment holds which port. Pure.

/** A deployment that wants a device, with what decides a clash. */
export interface Contender {
  key: string;
  /** Creation time of the CR (ms); the older wins, then the smaller key. */
  createdAtMs: number;
  /** `<port>/<protocol>`, as contracts' hostPortsOf gives them. */
  hostPorts: readonly string[];
}

/** Why a deployment is withheld from a device: `other` already holds `port` there. */
export interface Withholding {
  other: string;
  port: string;
}

export interface DeviceResolution {
  /** Deployments whose entry is written on the device, oldest first. */
  placed: string[];
  /** Deployments withheld from the device, with the clash that withholds them. */
  withheld: Map<string, Withholding>;
}

/** Older first; equal times fall back to the key, so every replica decides the same. */
export function olderFirst(a: Contender, b: Contender): number {
  return a.createdAtMs - b.createdAtMs || (a.key < b.key ? -1 : a.key > b.key ? 1 : 0);
}

/**
 * Decides one device: in age order, a deployment is placed unless one of its
 * host ports is held by a deployment placed before it. A withheld deployment
 * holds no port, so it never withholds a third one.
 */
export function resolveDevice(contenders: readonly Contender[]): DeviceResolution {
  const holders = new Map<string, string>();
  const placed: string[] = [];
  const withheld = new Map<string, Withholding>();
  for (const contender of [...contenders].sort(olderFirst)) {
    const port = contender.hostPorts.find((p) => holders.has(p));
    if (port !== undefined) {
      withheld.set(contender.key, { other: holders.get(port) ?? "", port });
      continue;
    }
    placed.push(contender.key);
    for (const p of contender.hostPorts) holders.set(p, contender.key);
  }
  return { placed, withheld };
}
