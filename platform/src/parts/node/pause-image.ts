import { execFileSync } from "node:child_process";
import { createHash } from "node:crypto";
import { readFileSync, writeFileSync } from "node:fs";
import { join } from "node:path";
import { pack } from "tar-stream";
import { PlatformError } from "../../errors.ts";
import { requireBinaries, type PartContext } from "../part.ts";
import { containerdDir, containerdSocket, criNamespace } from "./containerd.ts";

/** The pod sandbox image, imported into containerd (nothing can be pulled from outside here). */
export const pauseImage = "slipway.local/pause:3.10";

async function tarOf(entries: readonly { name: string; data: Buffer; mode?: number }[]): Promise<Buffer> {
  const archive = pack();
  const chunks: Buffer[] = [];
  archive.on("data", (chunk: unknown) => chunks.push(chunk as Buffer));
  const done = new Promise<void>((resolve, reject) => {
    archive.on("end", resolve);
    archive.on("error", reject);
  });
  for (const entry of entries)
    archive.entry(
      { name: entry.name, mode: entry.mode ?? 0o644, mtime: new Date(0), uid: 0, gid: 0 },
      entry.data,
    );
  archive.finalize();
  await done;
  return Buffer.concat(chunks);
}

const sha256 = (data: Buffer): string => `sha256:${createHash("sha256").update(data).digest("hex")}`;

/**
 * An OCI image archive of our pause program (platform/go/node/pause), the same bytes every
 * time: one layer with /pause, a config whose entrypoint is /pause.
 */
export async function pauseArchive(pauseBinary: string): Promise<Buffer> {
  const layer = await tarOf([{ name: "pause", data: readFileSync(pauseBinary), mode: 0o755 }]);
  const config = Buffer.from(
    JSON.stringify({
      architecture: "amd64",
      os: "linux",
      config: { Entrypoint: ["/pause"], User: "65535:65535" },
      rootfs: { type: "layers", diff_ids: [sha256(layer)] },
    }),
  );
  const manifest = Buffer.from(
    JSON.stringify({
      schemaVersion: 2,
      mediaType: "application/vnd.oci.image.manifest.v1+json",
      config: {
        mediaType: "application/vnd.oci.image.config.v1+json",
        digest: sha256(config),
        size: config.length,
      },
      layers: [
        { mediaType: "application/vnd.oci.image.layer.v1.tar", digest: sha256(layer), size: layer.length },
      ],
    }),
  );
  const index = Buffer.from(
    JSON.stringify({
      schemaVersion: 2,
      manifests: [
        {
          mediaType: "application/vnd.oci.image.manifest.v1+json",
          digest: sha256(manifest),
          size: manifest.length,
          annotations: { "io.containerd.image.name": pauseImage },
        },
      ],
    }),
  );
  const blob = (data: Buffer) => ({ name: `blobs/sha256/${sha256(data).slice(7)}`, data });
  return tarOf([
    { name: "oci-layout", data: Buffer.from(JSON.stringify({ imageLayoutVersion: "1.0.0" })) },
    { name: "index.json", data: index },
    blob(config),
    blob(manifest),
    blob(layer),
  ]);
}

/** Imports the pause image into the CRI namespace unless it is there already. */
export async function importPauseImage(ctx: PartContext): Promise<void> {
  const ctr = requireBinaries(ctx).ctr;
  const base = ["--address", containerdSocket(ctx), "--namespace", criNamespace];
  const listed = execFileSync(ctr, [...base, "images", "list", "--quiet"], { encoding: "utf8" });
  if (listed.split("\n").includes(pauseImage)) return;
  const archive = join(containerdDir(ctx), "pause.oci.tar");
  writeFileSync(archive, await pauseArchive(requireBinaries(ctx).pause));
  try {
    execFileSync(ctr, [...base, "images", "import", "--local", archive], {
      stdio: ["ignore", "pipe", "pipe"],
    });
  } catch (error) {
    const stderr = (error as { stderr?: Buffer }).stderr?.toString().trim() ?? "";
    throw new PlatformError("node/containerd", `cannot import the pause image: ${stderr}`);
  }
}
