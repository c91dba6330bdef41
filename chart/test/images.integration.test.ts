// The Containerfiles, built for real with podman on a local Node 24 base image
// (nothing can be pulled here) and run: the operator image leads against the
// local platform as uid 1000; the agent's and the identity service's CLIs answer. npm ci inside the
// build reaches the npm registry, like a CI builder would.
import { platformConnection, freePort, waitUntil } from "@fleet/local-platform/testing";
import { copyFile, chmod, chown, mkdtemp, readFile } from "node:fs/promises";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { describe, expect, it } from "vitest";
import { connectCluster, createNamespace, runId } from "./cluster.js";
import { REPO_ROOT } from "./helm.js";
import { ensureNodeBaseImage } from "./node-base-image.js";
import { podman, podmanBuild, podmanResult } from "./podman.js";

const BUILD_TIMEOUT_MS = 15 * 60_000;

async function buildImage(app: "operator" | "agent" | "identity"): Promise<string> {
  const base = await ensureNodeBaseImage();
  // One fixed tag, overwritten by every run, so runs do not pile up images.
  const ref = `localhost/iot-${app}:chart-test`;
  // Where the machine reaches the registry through a TLS-intercepting proxy,
  // its CA bundle goes into the build the way the Containerfile documents.
  const ca = process.env.NODE_EXTRA_CA_CERTS;
  const started = performance.now();
  await podmanBuild([
    "--ignorefile",
    join(REPO_ROOT, "apps", app, ".containerignore"),
    "-f",
    join(REPO_ROOT, "apps", app, "Containerfile"),
    "--build-arg",
    `BASE_IMAGE=${base}`,
    ...(ca === undefined
      ? []
      : [
          "-v",
          `${ca}:/run/build-ca.crt:ro`,
          "--build-arg",
          "NODE_EXTRA_CA_CERTS=/run/build-ca.crt",
        ]),
    "-t",
    ref,
    REPO_ROOT,
  ]);
  console.log(`podman build ${app}: ${Math.round(performance.now() - started)} ms`);
  return ref;
}

async function imageConfig(ref: string): Promise<{ User?: string; Entrypoint?: string[] }> {
  return JSON.parse(await podman(["image", "inspect", ref, "--format", "{{json .Config}}"])) as {
    User?: string;
    Entrypoint?: string[];
  };
}

describe("chart - container images", () => {
  it(
    "images - the operator image builds, runs as uid 1000 and leads against the local platform",
    async () => {
      const ref = await buildImage("operator");
      const config = await imageConfig(ref);
      expect(config.User).toBe("1000:1000");
      expect(config.Entrypoint).toEqual(["node", "/app/iot-operator.mjs"]);

      const cluster = await connectCluster();
      const watched = await createNamespace(cluster, "chart-image");
      const { kubeconfig, natsUrl, natsSecrets } = await platformConnection();
      // The container's user must be able to read its kubeconfig.
      const dir = await mkdtemp(join(tmpdir(), "fleet-image-kube-"));
      await copyFile(kubeconfig, join(dir, "config.json"));
      await chmod(join(dir, "config.json"), 0o644);
      // Its NATS credential stays private (0600), owned by the container's user.
      await copyFile(natsSecrets.operatorCreds, join(dir, "nats.creds"));
      await chown(join(dir, "nats.creds"), 1000, 1000);
      await chmod(join(dir, "nats.creds"), 0o600);
      await chmod(dir, 0o755);
      const port = await freePort();
      const name = `iot-operator-image-${runId}`;
      await podman([
        "run",
        "-d",
        "--name",
        name,
        "--network",
        "host",
        "-v",
        `${dir}:/kube:ro`,
        ref,
        "run",
        "--kubeconfig",
        "/kube/config.json",
        "--nats-url",
        natsUrl,
        "--nats-credentials",
        "/kube/nats.creds",
        "--http-port",
        String(port),
        "--namespace",
        watched,
        "--lease-namespace",
        watched,
        "--lease-name",
        "image-test",
      ]);
      try {
        await waitUntil(
          async () => {
            const res = await fetch(`http://127.0.0.1:${port}/readyz`);
            return ((await res.json()) as { state?: string }).state === "leading";
          },
          { what: "the operator container leading", timeoutMs: 60_000 },
        );
        expect((await podman(["exec", name, "id", "-u"])).trim()).toBe("1000");
      } finally {
        console.log((await podmanResult(["logs", "--tail", "3", name])).all);
        await podmanResult(["rm", "-f", name]);
      }
    },
    BUILD_TIMEOUT_MS,
  );

  it(
    "images - the agent image builds and its CLI answers as uid 1000",
    async () => {
      const ref = await buildImage("agent");
      const config = await imageConfig(ref);
      expect(config.User).toBe("1000:1000");
      expect(config.Entrypoint).toEqual(["node", "/app/iot-agent.mjs"]);
      const pkg = JSON.parse(
        await readFile(join(REPO_ROOT, "apps", "agent", "package.json"), "utf8"),
      ) as { version: string };
      expect((await podman(["run", "--rm", ref, "--version"])).trim()).toBe(pkg.version);
      // Bad input: exit 2 with a message naming the missing setting.
      const bad = await podmanResult(["run", "--rm", ref]);
      expect(bad.exitCode).toBe(2);
      expect(bad.all).toContain("credentials is required");
    },
    BUILD_TIMEOUT_MS,
  );
  it(
    "images - the identity image builds and refuses to start without its settings, as uid 1000",
    async () => {
      const ref = await buildImage("identity");
      const config = await imageConfig(ref);
      expect(config.User).toBe("1000:1000");
      expect(config.Entrypoint).toEqual(["node", "/app/iot-identity.mjs"]);
      // Bad input: exit 2 naming each missing setting (nothing is started).
      const bad = await podmanResult(["run", "--rm", ref]);
      expect(bad.exitCode).toBe(2);
      expect(bad.all).toContain("natsCredentials is required");
    },
    BUILD_TIMEOUT_MS,
  );
});
