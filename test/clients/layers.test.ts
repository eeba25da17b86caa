// Reading a folder out of an image's layers: archives made by the system's tar (GNU and POSIX
// formats, gzip), applied in order as a container runtime applies them.
import { execFileSync } from "node:child_process";
import { mkdirSync, mkdtempSync, readFileSync, rmSync, writeFileSync } from "node:fs";
import { tmpdir } from "node:os";
import { dirname, join } from "node:path";
import { gzipSync } from "node:zlib";
import { afterAll, describe, expect, it } from "vitest";
import {
  filesUnder,
  layerArchive,
  layerChanges,
  readImageFolder,
  type LayerSource,
} from "../../src/clients/registry/layers.ts";
import { readTar } from "../../src/clients/registry/tar.ts";

const work = mkdtempSync(join(tmpdir(), "slipway-layers-"));
afterAll(() => rmSync(work, { recursive: true, force: true }));

let count = 0;
/** A layer holding these files (path → content), as tar writes it. */
function layer(files: Record<string, string>, format: "gnu" | "posix" = "gnu"): Buffer {
  const root = join(work, `layer-${++count}`);
  mkdirSync(root);
  for (const [path, content] of Object.entries(files)) {
    mkdirSync(dirname(join(root, path)), { recursive: true });
    writeFileSync(join(root, path), content);
  }
  const archive = join(work, `layer-${count}.tar`);
  execFileSync("tar", ["-C", root, `--format=${format}`, "-cf", archive, "."]);
  return readFileSync(archive);
}

const text = (files: Map<string, Buffer>): Record<string, string> =>
  Object.fromEntries([...files].map(([path, content]) => [path, content.toString("utf8")]));

describe("readTar", () => {
  it("reads names past 100 characters in both GNU and POSIX archives", async () => {
    const long = `migrations/${"a".repeat(120)}/V1__${"b".repeat(90)}.sql`;
    for (const format of ["gnu", "posix"] as const) {
      const entries = await readTar(layer({ [long]: "select 1;" }, format));
      const file = entries.find((e) => e.type === "file");
      expect(file?.path, format).toBe(long);
      expect(file?.content.toString(), format).toBe("select 1;");
    }
  });

  it("refuses bytes that are not a tar archive, saying so", async () => {
    await expect(readTar(Buffer.alloc(1024, 7))).rejects.toThrow(/not a tar archive: Invalid tar header/);
  });
});

describe("filesUnder: layers applied in order", () => {
  it("keeps the files of the folder only, a later layer's version of a file winning", async () => {
    const files = await filesUnder(
      [
        layer({
          "migrations/V1__a.sql": "create table a ();",
          "srv/app.js": "x",
          "migrations-old/V9__x.sql": "",
        }),
        layer({
          "migrations/V1__a.sql": "create table a (id int);",
          "migrations/V2__b.sql": "create table b ();",
        }),
      ],
      "/migrations",
    );
    expect(text(files)).toEqual({
      "migrations/V1__a.sql": "create table a (id int);",
      "migrations/V2__b.sql": "create table b ();",
    });
  });

  it("deletes what a whiteout names, and only in the layers below it", async () => {
    const files = await filesUnder(
      [
        layer({ "migrations/V1__a.sql": "a", "migrations/V2__b.sql": "b" }),
        layer({ "migrations/.wh.V2__b.sql": "" }),
        layer({ "migrations/V3__c.sql": "c" }),
      ],
      "/migrations",
    );
    expect(Object.keys(text(files)).sort()).toEqual(["migrations/V1__a.sql", "migrations/V3__c.sql"]);
  });

  it("an opaque whiteout empties the folder of what lower layers wrote, keeping its own layer's files", async () => {
    const files = await filesUnder(
      [
        layer({ "migrations/V1__a.sql": "a", "migrations/V2__b.sql": "b" }),
        layer({ "migrations/.wh..wh..opq": "", "migrations/V1__new.sql": "new" }),
      ],
      "/migrations",
    );
    expect(text(files)).toEqual({ "migrations/V1__new.sql": "new" });
  });

  it("a whiteout of the folder itself removes every file in it", async () => {
    const files = await filesUnder(
      [layer({ "migrations/V1__a.sql": "a" }), layer({ ".wh.migrations": "" })],
      "/migrations",
    );
    expect(files.size).toBe(0);
  });
});

/** A stream's bytes, whole (for the small archives of these tests). */
async function collect(bytes: AsyncIterable<Buffer>): Promise<Buffer> {
  const chunks: Buffer[] = [];
  for await (const chunk of bytes) chunks.push(chunk);
  return Buffer.concat(chunks);
}

/** A buffer as a stream of small chunks, as a download arrives. */
async function* inChunks(bytes: Buffer, size = 7): AsyncGenerator<Buffer> {
  for (let i = 0; i < bytes.length; i += size) yield bytes.subarray(i, i + size);
}

describe("layerArchive", () => {
  it("unpacks a gzip layer and takes an uncompressed one as it is, as they stream", async () => {
    const tar = layer({ "migrations/V1__a.sql": "one" });
    const gzip = "application/vnd.oci.image.layer.v1.tar+gzip";
    expect(await collect(layerArchive(gzipSync(tar), gzip))).toEqual(tar);
    expect(await collect(layerArchive(inChunks(gzipSync(tar), 1), gzip))).toEqual(tar);
    expect(await collect(layerArchive(tar, "application/vnd.oci.image.layer.v1.tar"))).toEqual(tar);
    expect(await collect(layerArchive(inChunks(tar), "application/vnd.oci.image.layer.v1.tar"))).toEqual(tar);
  });

  it("says a zstd layer cannot be read rather than misreading it", () => {
    expect(() => layerArchive(Buffer.from("x"), "application/vnd.oci.image.layer.v1.tar+zstd")).toThrow(
      /zstd\) cannot be read/,
    );
  });

  it("a truncated gzip layer fails, it does not give a partial folder", async () => {
    const gzipped = gzipSync(layer({ "migrations/V1__a.sql": "a".repeat(5000) }));
    await expect(
      layerChanges(layerArchive(gzipped.subarray(0, gzipped.length - 40), "x+gzip"), "/migrations"),
    ).rejects.toThrow(/unexpected end of file/);
  });
});

describe("layerChanges: one layer read as it streams", () => {
  it("keeps the bytes of the folder's files only, and what can hide or replace them", async () => {
    const changes = await layerChanges(
      inChunks(
        layer({
          "migrations/V1__a.sql": "a",
          "usr/lib/big.so": "x".repeat(100_000),
          "migrations-old/V9__x.sql": "old",
          ".wh.etc": "",
          ".wh.migrations": "",
          "migrations/.wh.V0__z.sql": "",
        }),
        512,
      ),
      "/migrations",
    );
    expect(changes.removed.slice().sort()).toEqual(["migrations", "migrations/V0__z.sql"]);
    expect(changes.written.map((w) => [w.path, w.content?.toString()])).toEqual([
      ["migrations/V1__a.sql", "a"],
    ]);
  });

  it("a failing source fails the read with its own error (a blob whose digest is wrong)", async () => {
    async function* wrongDigest(): AsyncGenerator<Buffer> {
      yield* inChunks(layer({ "migrations/V1__a.sql": "a" }), 4096);
      throw new Error("the registry sent content whose digest is sha256:0000");
    }
    await expect(layerChanges(wrongDigest(), "/migrations")).rejects.toThrow(
      "the registry sent content whose digest is sha256:0000",
    );
  });
});

describe("readImageFolder: an image's layers from a registry, streamed", () => {
  it("applies the layers in the manifest's order, each read from its blob stream once", async () => {
    const blobs: Record<string, Buffer> = {
      "sha256:base": gzipSync(layer({ "usr/bin/node": "n".repeat(200_000), "migrations/V1__a.sql": "a" })),
      "sha256:app": gzipSync(layer({ "migrations/.wh.V1__a.sql": "", "migrations/V2__b.sql": "b" })),
    };
    const opened: string[] = [];
    const source: LayerSource = {
      imageManifest: async () => ({
        config: { mediaType: "application/vnd.oci.image.config.v1+json", digest: "sha256:c", size: 1 },
        layers: Object.keys(blobs).map((digest) => ({
          mediaType: "application/vnd.oci.image.layer.v1.tar+gzip",
          digest,
          size: blobs[digest]!.length,
        })),
      }),
      blobStream: async (_repository, digest) => {
        opened.push(digest);
        return inChunks(blobs[digest]!, 1024);
      },
    };
    const files = await readImageFolder(source, "research/x", "sha256:m", "/migrations");
    expect(text(files)).toEqual({ "migrations/V2__b.sql": "b" });
    expect(opened.sort()).toEqual(["sha256:app", "sha256:base"]);
    // Another image on the same layers: each layer's digest is its content, read once.
    const again = await readImageFolder(source, "research/y", "sha256:n", "/migrations");
    expect(text(again)).toEqual({ "migrations/V2__b.sql": "b" });
    expect(opened).toHaveLength(2);
  });
});
