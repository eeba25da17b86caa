import { execFile } from "node:child_process";
import { randomBytes } from "node:crypto";
import { mkdirSync, mkdtempSync, writeFileSync } from "node:fs";
import { createServer, type Server } from "node:http";
import type { AddressInfo } from "node:net";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { promisify } from "node:util";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { buildAndPushImage, defaultRevision, type BuiltImage } from "../../scripts/build-images.ts";
import { checkImage } from "../../src/checks/registry/image-check.ts";
import { parseChallenge } from "../../src/clients/registry/auth.ts";
import {
  RegistryClient,
  RegistryError,
  lookupCredentials,
  mediaTypes,
  type RegistryCredentials,
} from "../../src/clients/registry/index.ts";
import { platform, platformBinaries, uniqueName } from "../support/platform.ts";

const run = promisify(execFile);
const credentials: RegistryCredentials = {
  username: platform.secrets.registryUser,
  password: platform.secrets.registryPassword,
};
const basic = `Basic ${Buffer.from(`${credentials.username}:${credentials.password}`).toString("base64")}`;
const client = (creds: RegistryCredentials | undefined = credentials): RegistryClient =>
  new RegistryClient({ host: platform.registry, insecure: true, credentials: creds });

/** Resolves to the RegistryError a promise rejects with. */
async function registryError(promise: Promise<unknown>): Promise<RegistryError> {
  const error = await promise.then(
    () => undefined,
    (e: unknown) => e,
  );
  expect(error).toBeInstanceOf(RegistryError);
  return error as RegistryError;
}

describe("registry client and image check, against the local registry", () => {
  // Test images live under their own prefix, away from the example platform's research/.
  const prefix = "registry-test";
  const image = uniqueName("image");
  const repository = `${prefix}/${image}`;
  const revision = "0123456789abcdef0123456789abcdef01234567";
  let built: BuiltImage;
  let crane: (args: string[]) => Promise<string>;
  let work: string;

  beforeAll(async () => {
    built = await buildAndPushImage({
      service: "registry-test",
      version: "1.0.0",
      image,
      revision,
      repositoryPrefix: prefix,
    });
    const binaries = await platformBinaries();
    work = mkdtempSync(join(tmpdir(), "slipway-registry-client-"));
    const dockerConfig = join(work, "docker");
    mkdirSync(dockerConfig);
    writeFileSync(
      join(dockerConfig, "config.json"),
      JSON.stringify({ auths: { [platform.registry]: { auth: basic.slice("Basic ".length) } } }),
    );
    crane = async (args) =>
      (
        await run(binaries.crane, [...args, "--insecure"], {
          env: { ...process.env, DOCKER_CONFIG: dockerConfig },
        })
      ).stdout.trim();
  });

  it("resolves a tag to the digest crane reports", async () => {
    const resolved = await client().resolveTag(repository, "1.0.0");
    expect(resolved.digest).toBe(await crane(["digest", built.reference]));
    expect(resolved.digest).toBe(built.digest);
    expect(resolved).toMatchObject({ mediaType: mediaTypes.ociManifest, manifestDigest: built.digest });
    expect(resolved.indexDigest).toBeUndefined();
  });

  it("reads the revision and version labels from the image config", async () => {
    const details = await client().inspect(repository, "1.0.0");
    expect(details).toMatchObject({ revision, version: "1.0.0", os: "linux", architecture: "amd64" });
    expect(details.labels["org.opencontainers.image.revision"]).toBe(revision);
  });

  it("builds the same digest again (the build is reproducible), with a stable default revision", async () => {
    const again = await buildAndPushImage({
      service: "registry-test",
      version: "1.0.0",
      image,
      revision,
      repositoryPrefix: prefix,
    });
    expect(again.digest).toBe(built.digest);
    expect(defaultRevision("auth", "1.0.0")).toMatch(/^[0-9a-f]{40}$/);
    expect(defaultRevision("auth", "1.0.0")).toBe(defaultRevision("auth", "1.0.0"));
  });

  it("says 'tag not found', naming registry, repository and tag", async () => {
    const error = await registryError(client().resolveTag(repository, "9.9.9"));
    expect(error.kind).toBe("not-found");
    expect(error.message).toBe(
      `registry ${platform.registry}, repository ${repository}, tag 9.9.9: tag not found`,
    );
  });

  it("says 'unauthorized (wrong credentials?)' for a wrong password, without showing it", async () => {
    const wrong = `wrong-${randomBytes(4).toString("hex")}`;
    const error = await registryError(
      client({ username: credentials.username, password: wrong }).resolveTag(repository, "1.0.0"),
    );
    expect(error.kind).toBe("unauthorized");
    expect(error.message).toContain("unauthorized (wrong credentials?)");
    expect(error.message).toContain(`repository ${repository}, tag 1.0.0`);
    expect(error.message).not.toContain(wrong);
    expect(error.message).not.toContain(credentials.password);
  });

  it("without credentials, says where it looked and how to provide them", async () => {
    const empty = join(work, "docker-empty");
    mkdirSync(empty, { recursive: true });
    writeFileSync(join(empty, "config.json"), JSON.stringify({ auths: {}, credsStore: "desktop" }));
    const error = await registryError(
      RegistryClient.fromEnvironment(platform.registry, {
        insecure: true,
        env: { DOCKER_CONFIG: empty },
      }).resolveTag(repository, "1.0.0"),
    );
    expect(error.kind).toBe("unauthorized");
    expect(error.message).toContain("docker-credential-desktop, which Slipway does not run");
    expect(error.message).toContain("SLIPWAY_REGISTRY_USERNAME");
  });

  it("takes credentials from $DOCKER_CONFIG/config.json", async () => {
    const fromConfig = RegistryClient.fromEnvironment(platform.registry, {
      insecure: true,
      env: { DOCKER_CONFIG: join(work, "docker") },
    });
    expect((await fromConfig.resolveTag(repository, "1.0.0")).digest).toBe(built.digest);
  });

  it("says the registry is unreachable, and that TLS failed when it speaks plain http", async () => {
    const port = await freePort();
    const refused = await registryError(
      new RegistryClient({ host: `127.0.0.1:${port}`, insecure: true }).resolveTag(repository, "1.0.0"),
    );
    expect(refused.kind).toBe("unreachable");
    expect(refused.message).toContain(`registry unreachable at http://127.0.0.1:${port} (`);
    expect(refused.message).toContain("ECONNREFUSED");
    const tls = await registryError(
      new RegistryClient({ host: platform.registry, credentials }).resolveTag(repository, "1.0.0"),
    );
    expect(tls.kind).toBe("unreachable");
    expect(tls.message).toContain("insecure: true");
  });

  // The platform builds the crane it pins (versions.crane), which has `index append`: no skip.
  it("picks linux/amd64 from an OCI index, reporting the index and the platform manifest", async () => {
    const variant = (platformName: string, tag: string): Promise<BuiltImage> =>
      buildAndPushImage({
        service: "registry-test",
        version: tag,
        image,
        revision,
        platform: platformName,
        repositoryPrefix: prefix,
      });
    const arm = await variant("linux/arm64", "2.0.0-arm64");
    const amd = await variant("linux/amd64", "2.0.0-amd64");
    const indexRef = `${platform.registry}/${repository}:2.0.0`;
    await crane(["index", "append", "-m", arm.reference, "-m", amd.reference, "-t", indexRef]);
    const indexDigest = await crane(["digest", indexRef]);

    const details = await client().inspect(repository, "2.0.0");
    expect(details).toMatchObject({
      digest: indexDigest,
      indexDigest,
      mediaType: mediaTypes.ociIndex,
      manifestDigest: amd.digest,
      version: "2.0.0-amd64",
      architecture: "amd64",
    });
    const check = await checkImage({
      registry: platform.registry,
      repository,
      tag: "2.0.0",
      expectedRevision: revision,
      credentials,
      insecure: true,
    });
    expect(check).toMatchObject({ ok: true, digest: indexDigest });
  });

  describe("checkImage", () => {
    const input = { registry: platform.registry, repository, credentials, insecure: true };

    it("passes an image built from the expected revision (full or abbreviated)", async () => {
      for (const expectedRevision of [revision, revision.slice(0, 7)]) {
        const result = await checkImage({ ...input, tag: "1.0.0", expectedRevision });
        expect(result).toMatchObject({ ok: true, digest: built.digest, revision, version: "1.0.0" });
        expect(result.findings.map((f) => f.severity)).toEqual(["info"]);
      }
    });

    it("gives an error finding, with the fix, when the revision does not match", async () => {
      const result = await checkImage({ ...input, tag: "1.0.0", expectedRevision: "f".repeat(40) });
      expect(result.ok).toBe(false);
      const error = result.findings.find((f) => f.severity === "error");
      expect(error?.message).toContain(`built from revision ${revision}, not the expected ${"f".repeat(40)}`);
      expect(error?.message).toContain("fix:");
    });

    it("gives an error finding when the image has no revision label", async () => {
      const rootfs = join(work, "rootfs");
      mkdirSync(join(rootfs, "app"), { recursive: true });
      writeFileSync(join(rootfs, "app", "hello.txt"), "no labels here\n");
      const layer = join(work, "plain.tar");
      await run("tar", ["-C", rootfs, "-cf", layer, "app"]);
      await crane([
        "append",
        "--oci-empty-base",
        "-f",
        layer,
        "-t",
        `${platform.registry}/${repository}:unlabelled`,
      ]);
      const result = await checkImage({ ...input, tag: "unlabelled" });
      expect(result.ok).toBe(false);
      expect(result.findings.find((f) => f.severity === "error")?.message).toMatch(
        /has no org\.opencontainers\.image\.revision label.*fix: build it with --label/,
      );
    });

    it("gives an error finding for a missing tag and for wrong credentials", async () => {
      const missing = await checkImage({ ...input, tag: "9.9.9" });
      expect(missing.ok).toBe(false);
      expect(missing.digest).toBeUndefined();
      expect(missing.findings).toEqual([
        {
          severity: "error",
          message: expect.stringMatching(/tag 9\.9\.9: tag not found; fix: build and push/),
        },
      ]);
      const denied = await checkImage({
        ...input,
        tag: "1.0.0",
        credentials: { username: credentials.username, password: "wrong" },
      });
      expect(denied.ok).toBe(false);
      expect(denied.findings[0]?.message).toMatch(
        /unauthorized \(wrong credentials\?\).*fix: check the credentials/,
      );
    });
  });

  describe("the bearer-token flow", () => {
    let proxy: TokenProxy;
    beforeAll(async () => {
      proxy = await startTokenProxy();
    });
    afterAll(() => proxy.close());

    it("fetches a token from the realm with basic credentials, retries, and reuses the token", async () => {
      const viaToken = new RegistryClient({ host: proxy.host, insecure: true, credentials });
      const details = await viaToken.inspect(repository, "1.0.0");
      expect(details).toMatchObject({ digest: built.digest, revision });
      expect(proxy.tokenRequests).toHaveLength(1);
      expect(proxy.tokenRequests[0]?.searchParams.get("service")).toBe("test-registry");
      expect(proxy.tokenRequests[0]?.searchParams.get("scope")).toBe(`repository:${repository}:pull`);
      await viaToken.resolveTag(repository, "1.0.0");
      expect(proxy.tokenRequests).toHaveLength(1);
    });

    it("says unauthorized when the realm refuses the credentials", async () => {
      const error = await registryError(
        new RegistryClient({
          host: proxy.host,
          insecure: true,
          credentials: { username: credentials.username, password: "wrong" },
        }).resolveTag(repository, "1.0.0"),
      );
      expect(error.kind).toBe("unauthorized");
      expect(error.message).toContain("unauthorized (wrong credentials?)");
    });
  });
});

describe("lookupCredentials", () => {
  const dockerConfig = (config: unknown): string => {
    const dir = mkdtempSync(join(tmpdir(), "slipway-docker-config-"));
    writeFileSync(join(dir, "config.json"), JSON.stringify(config));
    return dir;
  };

  it("prefers SLIPWAY_REGISTRY_USERNAME/PASSWORD", () => {
    const env = { SLIPWAY_REGISTRY_USERNAME: "u", SLIPWAY_REGISTRY_PASSWORD: "p", DOCKER_CONFIG: "/nowhere" };
    expect(lookupCredentials("r.example.org", env).credentials).toEqual({ username: "u", password: "p" });
  });

  it("reads auths[host].auth (base64, password may hold colons) under any key spelling", () => {
    const auth = Buffer.from("u:p:with:colons").toString("base64");
    const dir = dockerConfig({ auths: { "https://r.example.org/v1/": { auth } } });
    expect(lookupCredentials("r.example.org", { DOCKER_CONFIG: dir }).credentials).toEqual({
      username: "u",
      password: "p:with:colons",
    });
  });

  it("reads username and password fields", () => {
    const dir = dockerConfig({ auths: { "r.example.org": { username: "u", password: "p" } } });
    expect(lookupCredentials("r.example.org", { DOCKER_CONFIG: dir }).credentials).toEqual({
      username: "u",
      password: "p",
    });
  });

  it("names the credential helper it does not run, and a half-set environment", () => {
    const dir = dockerConfig({
      auths: { "r.example.org": {} },
      credHelpers: { "r.example.org": "ecr-login" },
    });
    const found = lookupCredentials("r.example.org", { DOCKER_CONFIG: dir, SLIPWAY_REGISTRY_USERNAME: "u" });
    expect(found.credentials).toBeUndefined();
    expect(found.hint).toContain(
      "only one of SLIPWAY_REGISTRY_USERNAME and SLIPWAY_REGISTRY_PASSWORD is set",
    );
    expect(found.hint).toContain("docker-credential-ecr-login, which Slipway does not run");
  });
});

describe("parseChallenge", () => {
  it("reads a Bearer challenge whose scope holds commas", () => {
    expect(
      parseChallenge(
        'Bearer realm="https://auth.example.org/token",service="reg",scope="repository:a/b:pull,push"',
      ),
    ).toEqual({
      scheme: "bearer",
      params: { realm: "https://auth.example.org/token", service: "reg", scope: "repository:a/b:pull,push" },
    });
  });
});

async function freePort(): Promise<number> {
  const server = createServer();
  await new Promise<void>((resolve) => server.listen(0, "127.0.0.1", resolve));
  const { port } = server.address() as AddressInfo;
  await new Promise((resolve) => server.close(resolve));
  return port;
}

interface TokenProxy {
  readonly host: string;
  readonly tokenRequests: URL[];
  close(): Promise<void>;
}

/**
 * A registry that wants bearer tokens, as Docker Hub, GHCR and Harbor do: the local registry
 * only does Basic, so this stands in front of it, with its own token realm (/token, which checks
 * the platform's credentials) and passes authorised requests through to the real registry.
 */
async function startTokenProxy(): Promise<TokenProxy> {
  const token = randomBytes(16).toString("hex");
  const tokenRequests: URL[] = [];
  const server: Server = createServer((req, res) => {
    const url = new URL(req.url ?? "/", `http://${req.headers.host}`);
    if (url.pathname === "/token") {
      tokenRequests.push(url);
      if (req.headers.authorization !== basic) return void res.writeHead(401).end();
      return void res.writeHead(200, { "content-type": "application/json" }).end(JSON.stringify({ token }));
    }
    if (req.headers.authorization !== `Bearer ${token}`) {
      const repo = url.pathname.replace(/^\/v2\//, "").replace(/\/(manifests|blobs)\/.*$/, "");
      const challenge = `Bearer realm="http://${req.headers.host}/token",service="test-registry",scope="repository:${repo}:pull"`;
      return void res.writeHead(401, { "www-authenticate": challenge }).end();
    }
    fetch(`http://${platform.registry}${url.pathname}`, {
      method: req.method,
      headers: { accept: req.headers.accept ?? "*/*", authorization: basic },
    })
      .then(async (upstream) => {
        const headers: Record<string, string> = {};
        for (const name of ["content-type", "docker-content-digest"]) {
          const value = upstream.headers.get(name);
          if (value) headers[name] = value;
        }
        res.writeHead(upstream.status, headers).end(Buffer.from(await upstream.arrayBuffer()));
      })
      .catch((error: Error) => res.writeHead(502).end(error.message));
  });
  await new Promise<void>((resolve) => server.listen(0, "127.0.0.1", resolve));
  const { port } = server.address() as AddressInfo;
  return {
    host: `127.0.0.1:${port}`,
    tokenRequests,
    close: () => new Promise((resolve) => server.close(() => resolve())),
  };
}
