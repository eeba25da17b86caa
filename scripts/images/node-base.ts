// The Node runtime base layer of the example images, made from the runtime on this machine:
// /usr/bin/node, exactly the shared libraries `ldd` names for it and the dynamic loader, a
// minimal /etc (passwd and group with root and nobody, nsswitch.conf) and /tmp (1777). Its tar
// is made with fixed metadata, so the same files give the same bytes, and it is cached by the
// sha256 of those files: built once, not per image.
import { execFile } from "node:child_process";
import { createHash } from "node:crypto";
import { createReadStream, existsSync } from "node:fs";
import { chmod, copyFile, mkdir, mkdtemp, realpath, rename, rm, writeFile } from "node:fs/promises";
import { dirname, join } from "node:path";
import { promisify } from "node:util";

const run = promisify(execFile);

/** Changes to what goes into the layer change this, so an older cached layer is not reused. */
const recipe = "node-base/1";

export interface NodeBaseLayer {
  /** The layer's tar (uncompressed). */
  readonly path: string;
  /** The cache key: the recipe and the sha256 of every file taken from the machine. */
  readonly key: string;
  /** Absolute paths in the layer of the files taken from the machine: node, libraries, loader. */
  readonly files: readonly string[];
  /** Whether this call built it (false: it was in the cache). */
  readonly built: boolean;
}

/** The libraries and loader `ldd` names for a binary, as absolute paths (no vdso). */
export function parseLdd(output: string): string[] {
  const paths: string[] = [];
  for (const line of output.split("\n")) {
    const m = /=>\s*(\/\S+)\s*\(/.exec(line) ?? /^\s*(\/\S+)\s*\(/.exec(line);
    if (m?.[1]) paths.push(m[1]);
    else if (/=>\s*not found/.test(line)) throw new Error(`ldd: ${line.trim()}`);
  }
  return [...new Set(paths)].sort();
}

const passwd = [
  "root:x:0:0:root:/root:/usr/sbin/nologin",
  "nobody:x:65534:65534:nobody:/nonexistent:/usr/sbin/nologin",
  "",
].join("\n");
const group = ["root:x:0:", "nogroup:x:65534:", ""].join("\n");
const nsswitch = ["passwd: files", "group: files", "hosts: files dns", ""].join("\n");

/** The files of the layer from the machine: the binary and what `ldd` names for it. */
export async function machineFiles(node = "/usr/bin/node"): Promise<string[]> {
  const { stdout } = await run("ldd", [node]);
  return [node, ...parseLdd(stdout)];
}

const sha256 = (path: string): Promise<string> =>
  new Promise((resolve, reject) => {
    const hash = createHash("sha256");
    createReadStream(path)
      .on("error", reject)
      .on("data", (chunk) => hash.update(chunk))
      .on("end", () => resolve(hash.digest("hex")));
  });

/** The cache key of the layer made of these files. */
export async function layerKey(files: readonly string[]): Promise<string> {
  const hash = createHash("sha256").update(`${recipe}\n`);
  for (const file of files) hash.update(`${file} ${await sha256(file)}\n`);
  return hash.digest("hex").slice(0, 32);
}

/**
 * The base layer's tar in `cacheDir`/images, built when it is not there. The files keep their
 * paths (the loader at the path the binary asks for); symlinks among them are copied as the
 * files they point to.
 */
export async function nodeBaseLayer(cacheDir: string, node = "/usr/bin/node"): Promise<NodeBaseLayer> {
  const files = await machineFiles(node);
  const key = await layerKey(files);
  const dir = join(cacheDir, "images");
  const path = join(dir, `node-base-${key}.tar`);
  if (existsSync(path)) return { path, key, files, built: false };
  await mkdir(dir, { recursive: true });
  const work = await mkdtemp(join(dir, ".node-base-"));
  try {
    const root = join(work, "rootfs");
    await mkdir(root);
    const dirs = new Set<string>(["/etc", "/tmp"]);
    for (const file of files) {
      for (let d = dirname(file); d !== "/"; d = dirname(d)) dirs.add(d);
    }
    // Parents first; every folder 0755 whatever the umask, /tmp 1777.
    for (const d of [...dirs].sort()) {
      await mkdir(join(root, d));
      await chmod(join(root, d), d === "/tmp" ? 0o1777 : 0o755);
    }
    for (const file of files) {
      await copyFile(await realpath(file), join(root, file));
      await chmod(join(root, file), 0o755);
    }
    for (const [name, text] of [
      ["passwd", passwd],
      ["group", group],
      ["nsswitch.conf", nsswitch],
    ] as const) {
      await writeFile(join(root, "etc", name), text);
      await chmod(join(root, "etc", name), 0o644);
    }
    const tops = [...new Set([...dirs].map((d) => d.split("/")[1] as string))].sort();
    const fixed = ["--sort=name", "--mtime=@0", "--owner=0", "--group=0", "--numeric-owner"];
    const partial = join(work, "layer.tar");
    await run("tar", ["-C", root, ...fixed, "--format=gnu", "-cf", partial, ...tops]);
    await rename(partial, path); // atomic: a concurrent build finds the whole tar or none
    return { path, key, files, built: true };
  } finally {
    await rm(work, { recursive: true, force: true });
  }
}
