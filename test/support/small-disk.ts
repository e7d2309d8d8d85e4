// A real small disk for full-disk tests: a tmpfs mounted on a temp folder (needs root, or CAP_SYS_ADMIN), filled
// to the last byte by a filler file and freed by deleting it. `mountSmallDisk` answers undefined where mounting is
// not allowed, so the tests that need it are skipped there (and say why).
import { closeSync, mkdtempSync, openSync, rmSync, unlinkSync, writeSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";

export interface SmallDisk {
  dir: string;
  /** Write a filler file until the disk refuses another byte. */
  fill(): void;
  /** Delete the filler: the space is back. */
  free(): void;
  /** Unmount (lazily: a process still holding a file there does not block it) and remove the mount point. */
  remove(): void;
}

export function mountSmallDisk(sizeMb: number): SmallDisk | undefined {
  const dir = mkdtempSync(join(tmpdir(), "omniroute-small-disk-"));
  const mounted = Bun.spawnSync(["mount", "-t", "tmpfs", "-o", `size=${sizeMb}m,mode=0700`, "tmpfs", dir], { stderr: "pipe" });
  if (mounted.exitCode !== 0) {
    rmSync(dir, { recursive: true, force: true });
    return undefined;
  }
  const filler = join(dir, "filler");
  return {
    dir,
    fill() {
      const fd = openSync(filler, "a");
      try {
        // Big blocks first, then single bytes, so not even a page is left.
        for (const size of [1 << 20, 4096, 1]) {
          const block = Buffer.alloc(size);
          try {
            for (;;) writeSync(fd, block);
          } catch (err) {
            if ((err as { code?: string }).code !== "ENOSPC") throw err;
          }
        }
      } finally {
        closeSync(fd);
      }
    },
    free() {
      unlinkSync(filler);
    },
    remove() {
      Bun.spawnSync(["umount", "-l", dir]);
      rmSync(dir, { recursive: true, force: true });
    },
  };
}

/** Whether this machine lets the tests mount a small disk (checked once). */
export const CAN_MOUNT_SMALL_DISK = (() => {
  const probe = mountSmallDisk(1);
  probe?.remove();
  return probe !== undefined;
})();
