// The entries of the tar archives image layers are, read with tar-stream (POSIX ustar, GNU long
// names and PAX headers, as image builders write them for long paths).
import { Readable } from "node:stream";
import { extract } from "tar-stream";

export type TarEntryType = "file" | "directory" | "symlink" | "hardlink" | "other";

export interface TarEntry {
  /** The path in the archive, without a leading "./" or "/" or a trailing "/". */
  readonly path: string;
  readonly type: TarEntryType;
  /** The file's bytes (empty for anything but a regular file). */
  readonly content: Buffer;
}

/** The entries of an uncompressed tar archive, in archive order. */
export async function readTar(archive: Buffer): Promise<TarEntry[]> {
  const entries: TarEntry[] = [];
  try {
    for await (const entry of Readable.from([archive]).pipe(extract())) {
      const chunks: Buffer[] = [];
      for await (const chunk of entry) chunks.push(chunk as Buffer);
      const type = tarEntryType(entry.header.type);
      entries.push({
        path: normaliseTarPath(entry.header.name),
        type,
        content: type === "file" ? Buffer.concat(chunks) : Buffer.alloc(0),
      });
    }
  } catch (error) {
    throw new Error(`not a tar archive: ${error instanceof Error ? error.message : String(error)}`);
  }
  return entries;
}

/** A tar-stream header type as one of ours. */
export const tarEntryType = (type: string | null | undefined): TarEntryType =>
  type === "file" || type === "contiguous-file"
    ? "file"
    : type === "directory"
      ? "directory"
      : type === "symlink"
        ? "symlink"
        : type === "link"
          ? "hardlink"
          : "other";

/** A path without a leading "./" or "/" or a trailing "/". */
export function normaliseTarPath(path: string): string {
  return path.replace(/^(\.\/|\/)+/, "").replace(/\/+$/, "");
}
