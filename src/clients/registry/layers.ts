// The files of one folder of an image, as a container of it would see them: its layers applied
// in order, a later one replacing what an earlier one wrote and deleting what it whites out
// (the OCI layer format: `.wh.<name>` deletes <name>, `.wh..wh..opq` empties its folder).
import { promisify } from "node:util";
import { gunzip } from "node:zlib";
import type { ImageManifest } from "./oci.ts";
import { readTar } from "./tar.ts";

const whiteout = ".wh.";
const opaque = ".wh..wh..opq";

/** path → content of the regular files under `folder` (absolute, "/migrations") after every layer. */
export async function filesUnder(layers: readonly Buffer[], folder: string): Promise<Map<string, Buffer>> {
  const root = folder.replace(/^\/+|\/+$/g, "");
  const inside = (path: string): boolean => root === "" || path === root || path.startsWith(`${root}/`);
  const files = new Map<string, Buffer>();
  const remove = (path: string): void => {
    for (const existing of [...files.keys()])
      if (path === "" || existing === path || existing.startsWith(`${path}/`)) files.delete(existing);
  };
  for (const layer of layers) {
    const entries = await readTar(layer);
    // Whiteouts first: they hide what the layers below wrote, never what this layer writes.
    for (const entry of entries) {
      const name = baseName(entry.path);
      const parent = entry.path.slice(0, entry.path.length - name.length).replace(/\/$/, "");
      if (name === opaque) remove(parent);
      else if (name.startsWith(whiteout))
        remove(parent ? `${parent}/${name.slice(whiteout.length)}` : name.slice(whiteout.length));
    }
    for (const entry of entries) {
      if (baseName(entry.path).startsWith(whiteout)) continue;
      // Anything written at a path replaces what was there; a non-folder also replaces a folder.
      if (entry.type !== "directory") remove(entry.path);
      if (entry.type === "file" && inside(entry.path)) files.set(entry.path, entry.content);
    }
  }
  return files;
}

const baseName = (path: string): string => path.slice(path.lastIndexOf("/") + 1);

/** A layer blob as a tar archive: gzip (what registries hold) or uncompressed. */
export async function layerArchive(blob: Buffer, mediaType: string): Promise<Buffer> {
  if (/zstd/.test(mediaType)) throw new Error(`layer type ${mediaType} (zstd) cannot be read`);
  const gzipped = blob[0] === 0x1f && blob[1] === 0x8b;
  return gzipped ? promisify(gunzip)(blob) : blob;
}

/** What reading files out of an image needs of a registry client. */
export interface LayerSource {
  imageManifest(repository: string, digest: string): Promise<ImageManifest>;
  blob(repository: string, digest: string): Promise<Buffer>;
}

/** The files under `folder` in the linux/amd64 image of a digest, read from its layers in the registry. */
export async function readImageFolder(
  client: LayerSource,
  repository: string,
  digest: string,
  folder: string,
): Promise<Map<string, Buffer>> {
  const manifest = await client.imageManifest(repository, digest);
  // Downloaded together, applied in order: a layer's content does not depend on the others.
  const archives = await Promise.all(
    manifest.layers.map(async (layer) =>
      layerArchive(await client.blob(repository, layer.digest), layer.mediaType),
    ),
  );
  return filesUnder(archives, folder);
}
