// podman through the local platform's podman API service (remote mode on its
// socket), never the CLI's own defaults. One exception, podmanBuild: podman
// 4.3's remote build drops build volumes (-v), which a build behind a
// TLS-intercepting proxy needs for the proxy's CA; it runs the local CLI with
// the platform's CONTAINERS_CONF, on the same storage the service uses.
import { platformConnection } from "@fleet/local-platform/testing";
import { execa } from "execa";

async function connection(): Promise<{ prefix: string[]; env: Record<string, string> }> {
  const { podmanSocket, containersConf } = await platformConnection();
  return {
    prefix: ["--url", `unix://${podmanSocket}`],
    env: containersConf === undefined ? {} : { CONTAINERS_CONF: containersConf },
  };
}

/** Runs podman and returns its exit code and output, whatever they are. */
export async function podmanResult(
  args: readonly string[],
): Promise<{ exitCode: number; stdout: string; all: string }> {
  const { prefix, env } = await connection();
  const result = await execa("podman", [...prefix, ...args], { env, all: true, reject: false });
  return { exitCode: result.exitCode ?? -1, stdout: result.stdout, all: result.all };
}

/** `podman build` with the local CLI (see above); a non-zero exit throws with its output. */
export async function podmanBuild(args: readonly string[]): Promise<void> {
  const { env } = await connection();
  const result = await execa("podman", ["build", ...args], { env, all: true, reject: false });
  if (result.exitCode !== 0) {
    // A build log is long: its error lines first (npm names the cause there), then its end.
    const errors = result.all.split("\n").filter((line) => /error/i.test(line));
    throw new Error(
      `podman build exited ${result.exitCode}:\n${errors.slice(0, 12).join("\n")}\n…\n${result.all.slice(-1500)}`,
    );
  }
}

/** Runs podman; a non-zero exit throws with podman's own output. */
export async function podman(args: readonly string[]): Promise<string> {
  const result = await podmanResult(args);
  if (result.exitCode !== 0) {
    throw new Error(
      `podman ${args.join(" ")} exited ${result.exitCode}:\n${result.all.slice(-4000)}`,
    );
  }
  return result.stdout;
}

/** Imports a root filesystem as an image (tar file first: the remote client uploads a file). */
export async function podmanImport(
  rootfs: string,
  args: readonly string[],
  ref: string,
): Promise<void> {
  const tarball = `${rootfs}.tar`;
  await execa("tar", ["-C", rootfs, "-cf", tarball, "."]);
  await podman(["import", ...args, tarball, ref]);
}
