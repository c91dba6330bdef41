import { existsSync } from "node:fs";
import { mkdtemp, readFile, writeFile } from "node:fs/promises";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { describe, expect, it } from "vitest";
import { binarySetsFor } from "./binaries.js";
import { goBuildArgs, runGoBuild } from "./go-build.js";
import { findGo } from "./go-toolchain.js";

async function moduleWith(main: string): Promise<string> {
  const dir = await mkdtemp(join(tmpdir(), "go-build-"));
  await writeFile(join(dir, "go.mod"), "module example.test/hello\n\ngo 1.26\n");
  await writeFile(join(dir, "main.go"), main);
  return dir;
}

describe("go builds - what is built, and how", () => {
  it("builds for the demo only what `up` runs: no helm, which only the chart tests use", () => {
    const names = (which: "platform" | "all"): string[] =>
      binarySetsFor(which).flatMap((set) => Object.keys(set.binaries));
    expect(names("platform").sort()).toEqual(
      ["etcd", "kube-apiserver", "kubectl", "nats", "nats-server"].sort(),
    );
    expect(names("all")).toContain("helm");
  });

  it("names a lone binary's file, and builds several packages in one go build into the folder", () => {
    const one = goBuildArgs({
      binaries: { etcd: "go.etcd.io/etcd/server/v3" },
      ldflags: [],
      outDir: "/bin-dir",
    });
    expect(one.slice(-3)).toEqual(["-o", "/bin-dir/etcd", "go.etcd.io/etcd/server/v3"]);
    const two = goBuildArgs({
      binaries: { "kube-apiserver": "k8s.io/a/kube-apiserver", kubectl: "k8s.io/a/kubectl" },
      ldflags: ["-X a.b=c"],
      outDir: "/bin-dir",
    });
    expect(two).toContain("-s -w -X a.b=c");
    expect(two.slice(-3)).toEqual(["/bin-dir/", "k8s.io/a/kube-apiserver", "k8s.io/a/kubectl"]);
  });

  it("puts the compiler's output in the log and names the log when the build fails", async () => {
    const moduleDir = await moduleWith("package main\n\nfunc main() { undefinedCall() }\n");
    const log = join(moduleDir, "build.log");
    const build = runGoBuild({
      go: await findGo(),
      moduleDir,
      binaries: { hello: "." },
      ldflags: [],
      outDir: moduleDir,
      log,
    });
    await expect(build).rejects.toThrow(`see ${log}`);
    expect(await readFile(log, "utf8")).toContain("undefined: undefinedCall");
  });

  it("builds the named binary", async () => {
    const moduleDir = await moduleWith("package main\n\nfunc main() {}\n");
    await runGoBuild({
      go: await findGo(),
      moduleDir,
      binaries: { hello: "." },
      ldflags: [],
      outDir: moduleDir,
      log: join(moduleDir, "build.log"),
    });
    expect(existsSync(join(moduleDir, "hello"))).toBe(true);
  });
});
