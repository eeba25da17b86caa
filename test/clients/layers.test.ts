// Reading a folder out of an image's layers: archives made by the system's tar (GNU and POSIX
// formats, gzip), applied in order as a container runtime applies them.
import { execFileSync } from "node:child_process";
import { mkdirSync, mkdtempSync, readFileSync, rmSync, writeFileSync } from "node:fs";
import { tmpdir } from "node:os";
import { dirname, join } from "node:path";
import { gzipSync } from "node:zlib";
import { afterAll, describe, expect, it } from "vitest";
import { filesUnder, layerArchive } from "../../src/clients/registry/layers.ts";
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

describe("layerArchive", () => {
  it("unpacks a gzip layer and takes an uncompressed one as it is", async () => {
    const tar = layer({ "migrations/V1__a.sql": "one" });
    expect(await layerArchive(gzipSync(tar), "application/vnd.oci.image.layer.v1.tar+gzip")).toEqual(tar);
    expect(await layerArchive(tar, "application/vnd.oci.image.layer.v1.tar")).toEqual(tar);
  });

  it("says a zstd layer cannot be read rather than misreading it", async () => {
    await expect(
      layerArchive(Buffer.from("x"), "application/vnd.oci.image.layer.v1.tar+zstd"),
    ).rejects.toThrow(/zstd\) cannot be read/);
  });
});
