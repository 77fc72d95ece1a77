// Reading a fixture file with limits: only a regular file (a FIFO would block the walk for ever,
// /dev/zero would never end), no larger than a limit checked before reading, and never more
// than the limit read even if the file grows meanwhile.
import { constants, type Stats } from "node:fs";
import { open } from "node:fs/promises";

/** Largest body read (64 MiB, the client's default maxResponseBytes). */
export const MAX_BODY_BYTES = 64 * 1024 * 1024;
/** Largest NAME.meta.json read. */
export const MAX_META_BYTES = 1024 * 1024;

/** A file the walk refuses to read, with the reason as the message. */
export class FileRefused extends Error {
  override readonly name = "FileRefused";
}

function kindOf(stat: Stats): string {
  if (stat.isFIFO()) return "a FIFO";
  if (stat.isCharacterDevice()) return "a character device";
  if (stat.isBlockDevice()) return "a block device";
  if (stat.isSocket()) return "a socket";
  if (stat.isDirectory()) return "a directory";
  return "not a regular file";
}

/** The file's bytes, or a FileRefused (not a regular file, larger than `max`); fs errors pass through. */
export async function readBounded(file: string, max: number): Promise<Buffer> {
  // O_NONBLOCK: opening a FIFO with no writer would otherwise wait for one.
  const handle = await open(file, constants.O_RDONLY | constants.O_NONBLOCK);
  try {
    const stat = await handle.stat();
    if (!stat.isFile()) throw new FileRefused(`${kindOf(stat)}, not a regular file: not read`);
    if (stat.size > max) throw new FileRefused(`${stat.size} bytes, larger than the ${max}-byte limit: not read`);
    const buffer = Buffer.alloc(Math.min(stat.size, max) + 1);
    let length = 0;
    for (;;) {
      const { bytesRead } = await handle.read(buffer, length, buffer.length - length, null);
      if (bytesRead === 0) break;
      length += bytesRead;
      if (length > max) throw new FileRefused(`larger than the ${max}-byte limit (it grew while read): not read`);
      if (length === buffer.length) break;
    }
    return buffer.subarray(0, length);
  } finally {
    await handle.close();
  }
}
