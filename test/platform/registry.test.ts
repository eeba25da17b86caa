import { execFile } from "node:child_process";
import { mkdtempSync, mkdirSync, writeFileSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { promisify } from "node:util";
import { beforeAll, describe, expect, it } from "vitest";
import { platform, platformBinaries, uniqueName } from "../support/platform.ts";

const run = promisify(execFile);

interface Crane {
  (args: string[], dockerConfig: string): Promise<{ stdout: string; stderr: string }>;
}

describe("local private registry", () => {
  let crane: Crane;
  let work: string;
  let withCredentials: string;
  let withoutCredentials: string;
  let layer: string;

  beforeAll(async () => {
    const binaries = await platformBinaries();
    crane = (args, dockerConfig) =>
      run(binaries.crane, args, { env: { ...process.env, DOCKER_CONFIG: dockerConfig } });
    work = mkdtempSync(join(tmpdir(), "slipway-registry-"));
    withCredentials = join(work, "docker-with");
    withoutCredentials = join(work, "docker-without");
    mkdirSync(withCredentials);
    mkdirSync(withoutCredentials);
    const auth = Buffer.from(
      `${platform.secrets.registryUser}:${platform.secrets.registryPassword}`,
    ).toString("base64");
    writeFileSync(
      join(withCredentials, "config.json"),
      JSON.stringify({ auths: { [platform.registry]: { auth } } }),
    );
    writeFileSync(join(withoutCredentials, "config.json"), JSON.stringify({ auths: {} }));
    // An image built from plain files: one layer, no Docker daemon.
    const rootfs = join(work, "rootfs");
    mkdirSync(join(rootfs, "app"), { recursive: true });
    writeFileSync(join(rootfs, "app", "hello.txt"), `hello from ${uniqueName("image")}\n`);
    layer = join(work, "layer.tar");
    await run("tar", ["-C", rootfs, "-cf", layer, "app"]);
  });

  it("accepts a push with credentials and resolves the tag to the pushed digest", async () => {
    const ref = `${platform.registry}/smoke/hello:1.0.0`;
    await crane(["append", "--insecure", "--oci-empty-base", "-f", layer, "-t", ref], withCredentials);
    const { stdout } = await crane(["digest", "--insecure", ref], withCredentials);
    const digest = stdout.trim();
    expect(digest).toMatch(/^sha256:[0-9a-f]{64}$/);

    // The registry answers a manifest request only with an Accept header naming the OCI type.
    const response = await fetch(`http://${platform.registry}/v2/smoke/hello/manifests/1.0.0`, {
      method: "HEAD",
      headers: {
        accept: "application/vnd.oci.image.manifest.v1+json",
        authorization: `Basic ${Buffer.from(`${platform.secrets.registryUser}:${platform.secrets.registryPassword}`).toString("base64")}`,
      },
    });
    expect(response.status).toBe(200);
    expect(response.headers.get("docker-content-digest")).toBe(digest);
  });

  it("refuses a push without credentials", async () => {
    const ref = `${platform.registry}/smoke/anonymous:1.0.0`;
    const push = crane(
      ["append", "--insecure", "--oci-empty-base", "-f", layer, "-t", ref],
      withoutCredentials,
    );
    await expect(push).rejects.toMatchObject({ stderr: expect.stringMatching(/UNAUTHORIZED|401/) });
    const anonymous = await fetch(`http://${platform.registry}/v2/smoke/anonymous/tags/list`);
    expect(anonymous.status).toBe(401);
  });
});
