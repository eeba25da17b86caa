// The files of one folder of an image, as a container of it would see them: its layers applied
// in order, a later one replacing what an earlier one wrote and deleting what it whites out
// (the OCI layer format: `.wh.<name>` deletes <name>, `.wh..wh..opq` empties its folder).
//
// A layer is read as it downloads (gunzip, then tar-stream) and only what concerns the folder is
// kept: the content of its files, and the whiteouts and entries that can hide or replace them.
// A base layer of a hundred megabytes passes through in a few kilobytes of buffers.
import { Readable } from "node:stream";
import { finished, pipeline } from "node:stream/promises";
import { createGunzip } from "node:zlib";
import { extract } from "tar-stream";
import type { ImageManifest } from "./oci.ts";
import { normaliseTarPath, tarEntryType } from "./tar.ts";

const whiteout = ".wh.";
const opaque = ".wh..wh..opq";

/** A layer's bytes: a buffer, or a stream of them as they arrive. */
export type LayerBytes = Buffer | AsyncIterable<Buffer>;

/** What one layer does to a folder, in its archive's order. */
export interface LayerChanges {
  /** Paths its whiteouts delete (with what is under them) from the layers below. */
  readonly removed: readonly string[];
  /**
   * Its entries that replace what was at their path (anything but a folder), in order; `content`
   * for a regular file inside the folder, the only bytes kept.
   */
  readonly written: readonly { readonly path: string; readonly content?: Buffer }[];
}

/** Which paths matter to the files under `folder`: inside it, or a folder above it. */
function scope(folder: string): {
  root: string;
  inside: (p: string) => boolean;
  matters: (p: string) => boolean;
} {
  const root = folder.replace(/^\/+|\/+$/g, "");
  const inside = (path: string): boolean => root === "" || path === root || path.startsWith(`${root}/`);
  const above = (path: string): boolean => path === "" || root.startsWith(`${path}/`);
  return { root, inside, matters: (path) => inside(path) || above(path) };
}

/**
 * Reads one uncompressed tar stream to its end, keeping only what concerns `folder`: every other
 * entry's bytes are skipped as they pass.
 */
export async function layerChanges(tar: LayerBytes, folder: string): Promise<LayerChanges> {
  const { inside, matters } = scope(folder);
  const removed: string[] = [];
  const written: { path: string; content?: Buffer }[] = [];
  const source = Buffer.isBuffer(tar) ? Readable.from([tar]) : Readable.from(tar);
  const entries = extract();
  // tar-stream's streams are streamx's: piped, a failing source (a bad gzip, a wrong digest)
  // destroys the extract with its error, which ends the loop below with it.
  let failed: Error | undefined;
  const read = finished(source);
  read.catch((error: Error) => {
    failed = error;
    entries.destroy(error);
  });
  source.pipe(entries as unknown as NodeJS.WritableStream);
  try {
    for await (const entry of entries) {
      const path = normaliseTarPath(entry.header.name);
      const type = tarEntryType(entry.header.type);
      const name = path.slice(path.lastIndexOf("/") + 1);
      const parent = path.slice(0, path.length - name.length).replace(/\/$/, "");
      let keep = false;
      if (name === opaque) {
        if (matters(parent)) removed.push(parent);
      } else if (name.startsWith(whiteout)) {
        const target = parent ? `${parent}/${name.slice(whiteout.length)}` : name.slice(whiteout.length);
        if (matters(target)) removed.push(target);
      } else if (type !== "directory" && matters(path)) {
        keep = type === "file" && inside(path);
        if (!keep) written.push({ path });
      }
      if (!keep) {
        entry.resume();
        continue;
      }
      const chunks: Buffer[] = [];
      for await (const chunk of entry) chunks.push(chunk as Buffer);
      written.push({ path, content: Buffer.concat(chunks) });
    }
    // The source's own end: a digest is checked after its last byte.
    await read;
  } catch (error) {
    if (failed) throw failed;
    throw new Error(`not a tar archive: ${error instanceof Error ? error.message : String(error)}`);
  } finally {
    source.destroy();
  }
  return { removed, written };
}

/** The files under `folder` after applying the layers' changes in order, bottom first. */
export function applyLayers(layers: readonly LayerChanges[]): Map<string, Buffer> {
  const files = new Map<string, Buffer>();
  const remove = (path: string): void => {
    for (const existing of [...files.keys()])
      if (path === "" || existing === path || existing.startsWith(`${path}/`)) files.delete(existing);
  };
  for (const layer of layers) {
    // Whiteouts first: they hide what the layers below wrote, never what this layer writes.
    for (const path of layer.removed) remove(path);
    // Anything written at a path replaces what was there; a non-folder also replaces a folder.
    for (const { path, content } of layer.written) {
      remove(path);
      if (content) files.set(path, content);
    }
  }
  return files;
}

/** path → content of the regular files under `folder` (absolute, "/migrations") after every layer. */
export async function filesUnder(
  layers: readonly LayerBytes[],
  folder: string,
): Promise<Map<string, Buffer>> {
  return applyLayers(await Promise.all(layers.map((layer) => layerChanges(layer, folder))));
}

/**
 * A layer blob as the bytes of its tar archive, as they stream: gunzipped when gzip (what
 * registries hold, told by its first bytes), as it is when uncompressed.
 */
export function layerArchive(blob: LayerBytes, mediaType: string): AsyncIterable<Buffer> {
  if (/zstd/.test(mediaType)) throw new Error(`layer type ${mediaType} (zstd) cannot be read`);
  return tarBytes(Buffer.isBuffer(blob) ? [blob] : blob);
}

async function* tarBytes(blob: AsyncIterable<Buffer> | Iterable<Buffer>): AsyncGenerator<Buffer> {
  const source = Readable.from(blob);
  const chunks = source[Symbol.asyncIterator]() as AsyncIterator<Buffer>;
  let head = Buffer.alloc(0);
  let ended = false;
  try {
    while (head.length < 2 && !ended) {
      const next = await chunks.next();
      if (next.done) ended = true;
      else head = Buffer.concat([head, next.value]);
    }
    async function* all(): AsyncGenerator<Buffer> {
      if (head.length) yield head;
      if (ended) return;
      for (let next = await chunks.next(); !next.done; next = await chunks.next()) yield next.value;
    }
    if (!(head[0] === 0x1f && head[1] === 0x8b)) {
      yield* all();
      return;
    }
    const gunzip = createGunzip();
    const feeding = pipeline(Readable.from(all()), gunzip);
    feeding.catch(() => undefined); // its error reaches the loop below through gunzip
    for await (const chunk of gunzip) yield chunk as Buffer;
    await feeding;
  } finally {
    source.destroy();
  }
}

/** What reading files out of an image needs of a registry client. */
export interface LayerSource {
  imageManifest(repository: string, digest: string): Promise<ImageManifest>;
  /** A blob's bytes as they download, failing at the end if they are not its digest's. */
  blobStream(repository: string, digest: string): Promise<AsyncIterable<Buffer>>;
}

/** The files under `folder` in the linux/amd64 image of a digest, read from its layers in the registry. */
export async function readImageFolder(
  client: LayerSource,
  repository: string,
  digest: string,
  folder: string,
): Promise<Map<string, Buffer>> {
  const manifest = await client.imageManifest(repository, digest);
  // Downloaded together, each read as it arrives, applied in order: a layer's content does not
  // depend on the others.
  const changes = await Promise.all(
    manifest.layers.map((layer) => {
      // A layer is its digest's content wherever it is: a base layer images share is read once.
      const key = `${layer.digest}:${folder}`;
      let read = layerCache.get(key);
      if (!read) {
        read = (async () => {
          try {
            const blob = await client.blobStream(repository, layer.digest);
            return await layerChanges(layerArchive(blob, layer.mediaType), folder);
          } catch (error) {
            throw new Error(`layer ${layer.digest}: ${(error as Error).message}`);
          }
        })();
        layerCache.set(key, read);
        // A failure (the registry down) is not the layer's content: the next read asks again.
        read.catch(() => layerCache.delete(key));
      }
      return read;
    }),
  );
  return applyLayers(changes);
}

/** Per layer digest and folder, what the layer does there: a few files' bytes at most. */
const layerCache = new Map<string, Promise<LayerChanges>>();
