// A reader of the tar archives image layers are: POSIX ustar, with the GNU long-name and PAX
// extended headers that image builders write for long paths. Only what reading files out of a
// layer needs (names, types, contents); no npm dependency does this without pulling in streams
// of its own, and it is about the size of its tests.

export type TarEntryType = "file" | "directory" | "symlink" | "hardlink" | "other";

export interface TarEntry {
  /** The path in the archive, without a leading "./" or "/" or a trailing "/". */
  readonly path: string;
  readonly type: TarEntryType;
  /** The file's bytes (empty for anything but a regular file). */
  readonly content: Buffer;
}

const block = 512;

/** The entries of an uncompressed tar archive, in archive order. */
export function readTar(archive: Buffer): TarEntry[] {
  const entries: TarEntry[] = [];
  let offset = 0;
  // Set by a GNU "L" or PAX "x" header for the entry after it.
  let longName: string | undefined;
  let globalPath: string | undefined;
  while (offset + block <= archive.length) {
    const header = archive.subarray(offset, offset + block);
    if (header.every((b) => b === 0)) break; // the end-of-archive blocks
    if (!checksumMatches(header)) throw new Error(`not a tar archive: bad header checksum at byte ${offset}`);
    const size = numberAt(header, 124, 12);
    const flag = String.fromCharCode(header[156] ?? 0);
    const start = offset + block;
    const content = archive.subarray(start, start + size);
    if (content.length < size)
      throw new Error(`truncated tar archive: an entry at byte ${offset} runs past its end`);
    offset = start + Math.ceil(size / block) * block;
    if (flag === "L") {
      longName = text(content, 0, content.length);
      continue;
    }
    if (flag === "x" || flag === "g") {
      const path = paxPath(content);
      if (flag === "x") longName = path ?? longName;
      else globalPath = path ?? globalPath;
      continue;
    }
    if (flag === "K") continue; // a long link name: links are not followed
    const name = longName ?? globalPath ?? headerName(header);
    longName = undefined;
    entries.push({
      path: normalise(name),
      type: typeOf(flag),
      content: flag === "0" || flag === "\0" || flag === "7" ? Buffer.from(content) : Buffer.alloc(0),
    });
  }
  return entries;
}

const typeOf = (flag: string): TarEntryType =>
  flag === "0" || flag === "\0" || flag === "7"
    ? "file"
    : flag === "5"
      ? "directory"
      : flag === "2"
        ? "symlink"
        : flag === "1"
          ? "hardlink"
          : "other";

/** ustar splits a long path into prefix and name; GNU's own format keeps other fields there. */
function headerName(header: Buffer): string {
  const name = text(header, 0, 100);
  const posix = text(header, 257, 6) === "ustar";
  const prefix = posix ? text(header, 345, 155) : "";
  return prefix ? `${prefix}/${name}` : name;
}

/** PAX records are "<length> <key>=<value>\n"; only the path matters here. */
function paxPath(content: Buffer): string | undefined {
  let path: string | undefined;
  let at = 0;
  while (at < content.length) {
    const space = content.indexOf(0x20, at);
    if (space < 0) break;
    const length = Number(content.subarray(at, space).toString("ascii"));
    if (!Number.isInteger(length) || length <= 0) break;
    const record = content.subarray(space + 1, at + length - 1).toString("utf8");
    const equals = record.indexOf("=");
    if (record.slice(0, equals) === "path") path = record.slice(equals + 1);
    at += length;
  }
  return path;
}

/** Octal, NUL- or space-terminated; or base-256 (high bit set) for sizes past 8 GiB. */
function numberAt(header: Buffer, start: number, length: number): number {
  const field = header.subarray(start, start + length);
  if ((field[0] ?? 0) & 0x80) {
    let value = (field[0] ?? 0) & 0x7f;
    for (const byte of field.subarray(1)) value = value * 256 + byte;
    return value;
  }
  const digits = text(header, start, length).trim();
  return digits ? parseInt(digits, 8) : 0;
}

function checksumMatches(header: Buffer): boolean {
  const said = numberAt(header, 148, 8);
  let sum = 0;
  for (let i = 0; i < block; i++) sum += i >= 148 && i < 156 ? 0x20 : (header[i] ?? 0);
  return sum === said;
}

function text(buffer: Buffer, start: number, length: number): string {
  const field = buffer.subarray(start, start + length);
  const end = field.indexOf(0);
  return field.subarray(0, end < 0 ? field.length : end).toString("utf8");
}

function normalise(path: string): string {
  return path.replace(/^(\.\/|\/)+/, "").replace(/\/+$/, "");
}
