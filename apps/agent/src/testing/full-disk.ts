// A small filesystem of the test's own for the agent's data dir: a tmpfs
// mounted by the test (as root), filled to the last page, freed, unmounted.
import { mkdtemp, open, rm } from "node:fs/promises";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { execa } from "execa";

export interface SmallFilesystem {
  dir: string;
  /** Writes a file until the filesystem has no page left; resolves with its path. */
  fill(): Promise<string>;
  unmount(): Promise<void>;
}

const isNoSpace = (error: unknown): boolean =>
  error instanceof Error && "code" in error && error.code === "ENOSPC";

/** Writes `chunk` until ENOSPC (short writes included). */
async function writeUntilFull(file: string, chunkBytes: number): Promise<void> {
  const handle = await open(file, "a");
  const chunk = Buffer.alloc(chunkBytes, 0x61);
  try {
    for (;;) {
      const { bytesWritten } = await handle.write(chunk);
      if (bytesWritten < chunkBytes) continue; // the next write fails with ENOSPC
    }
  } catch (error) {
    if (!isNoSpace(error)) throw error;
  } finally {
    await handle.close();
  }
}

/** Mounts a tmpfs of `sizeKib` KiB on a fresh temp dir. Needs root (mount). */
export async function mountSmallFilesystem(sizeKib: number): Promise<SmallFilesystem> {
  if (process.getuid?.() !== 0)
    throw new Error("the full-disk scenario mounts a tmpfs and needs root (uid 0)");
  const dir = await mkdtemp(join(tmpdir(), "iot-fault-fullfs-"));
  await execa("mount", ["-t", "tmpfs", "-o", `size=${String(sizeKib)}k,mode=0700`, "tmpfs", dir]);
  let mounted = true;
  return {
    dir,
    async fill() {
      const file = join(dir, "filler");
      // Big chunks first, then page-sized ones for what is left: tmpfs allocates whole pages.
      await writeUntilFull(file, 64 * 1024);
      await writeUntilFull(file, 4 * 1024);
      return file;
    },
    async unmount() {
      if (!mounted) return;
      const result = await execa("umount", [dir], { reject: false });
      // Something still holds a file open: detach now, the kernel frees it once closed.
      if (result.exitCode !== 0) await execa("umount", ["-l", dir]);
      mounted = false;
      await rm(dir, { recursive: true, force: true });
    },
  };
}
