// For enrollment tests: the Device registry and EnrollmentTokens as the kube
// admin (CRDs installed), tokens made the way `iot-operator enrollment create`
// makes them (only the secret's hash stored), device key pairs, and cleanup of
// what a test enrolled (each Device and its IdP user, each token).
import { generateKeyPairSync, randomBytes, type KeyObject } from "node:crypto";
import {
  deviceResourceSchema,
  enrollmentTokenManifest,
  formatEnrollmentToken,
  type EnrollmentTokenSpecInput,
} from "@fleet/contracts";
import { DeviceClient, EnrollmentTokenClient } from "@fleet/kube";
import { installDeviceCrd, installEnrollmentTokenCrd } from "@fleet/kube/testing";
import { kubeConfigFor, platformZitadel } from "@fleet/local-platform/testing";
import { hashEnrollmentSecret } from "@fleet/provisioning";

/** A device's own key pair, in the forms enrollment and a credential file use. */
export interface DeviceKeys {
  privateKey: KeyObject;
  /** SPKI PEM: what the device sends. */
  publicKeyPem: string;
  /** PKCS#1 PEM, as a Zitadel key file holds it. */
  privateKeyPem: string;
}

export function deviceKeys(): DeviceKeys {
  const { privateKey, publicKey } = generateKeyPairSync("rsa", { modulusLength: 2048 });
  return {
    privateKey,
    publicKeyPem: publicKey.export({ type: "spki", format: "pem" }).toString(),
    privateKeyPem: privateKey.export({ type: "pkcs1", format: "pem" }).toString(),
  };
}

export interface EnrollmentFixture {
  devices: DeviceClient;
  tokens: EnrollmentTokenClient;
  /** Creates a token named `name`; returns its text `<name>.<secret>` (removed in cleanup). */
  createToken(name: string, spec?: Omit<EnrollmentTokenSpecInput, "secretHash">): Promise<string>;
  /** Notes a device id to remove in cleanup (its Device and, if issued, its IdP user); returns it. */
  track(deviceId: string): string;
  cleanup(): Promise<void>;
}

export async function enrollmentFixture(): Promise<EnrollmentFixture> {
  const kc = await kubeConfigFor("admin");
  await installDeviceCrd(kc);
  await installEnrollmentTokenCrd(kc);
  const devices = DeviceClient.forKubeConfig(kc);
  const tokens = EnrollmentTokenClient.forKubeConfig(kc);
  const tokenNames: string[] = [];
  const deviceIds: string[] = [];
  return {
    devices,
    tokens,
    async createToken(name, spec = {}) {
      const secret = randomBytes(32).toString("base64url");
      await tokens.create(
        enrollmentTokenManifest({
          name,
          spec: { ...spec, secretHash: hashEnrollmentSecret(secret) },
        }),
      );
      tokenNames.push(name);
      return formatEnrollmentToken(name, secret);
    },
    track(deviceId) {
      deviceIds.push(deviceId);
      return deviceId;
    },
    async cleanup() {
      const { management } = await platformZitadel();
      for (const id of deviceIds) {
        const userId = deviceResourceSchema.safeParse(await devices.find(id)).data?.spec.identity
          ?.userId;
        if (userId !== undefined) await management.removeUser(userId).catch(() => undefined);
        await devices.deleteIfPresent(id);
      }
      for (const name of tokenNames) await tokens.deleteIfPresent(name);
    },
  };
}
