// Signed images and signed test results, verified before every deploy: the example's dev
// environment here requires signature and provenance with a key of this run's own, and auth's
// versions are pushed to the real local registry, reported to the Jenkins stand-in, and signed
// (or not, or wrongly) in cosign's layout. Everything runs through the slipway binary.
import { createPrivateKey, randomBytes } from "node:crypto";
import { mkdirSync, mkdtempSync, writeFileSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { buildAndPushImage, reportBuild, type BuiltImage } from "../../scripts/build-images.ts";
import { platformPusher, signAndAttest, splitReference, type BuildFacts } from "../../scripts/images/sign.ts";
import { ExitCode } from "../../src/cli/exit-codes.ts";
import { Cluster } from "../../src/clients/kubernetes/cluster.ts";
import { RegistryClient } from "../../src/clients/registry/client.ts";
import type { ImageVerificationDocument } from "../../src/output/verification-document.ts";
import { attestationTag, signatureTag } from "../../src/provenance/cosign-layout.ts";
import { testResultsType } from "../../src/provenance/in-toto.ts";
import { fingerprintOf, generateSigningKeyPair } from "../../src/provenance/keys.ts";
import { ReleaseStore } from "../../src/release/store.ts";
import {
  isolatedExample,
  provisionExampleDatabases,
  publishDefinedVersions,
  removeExample,
} from "../support/deploy-project.ts";
import { kube, platform } from "../support/platform.ts";
import { runSlipway } from "../support/slipway-bin.ts";

const project = isolatedExample("signed", { node: "simulated" });
const run = randomBytes(3).toString("hex");
// A Jenkins job of this run's own: the stand-in keeps builds across runs.
const jobPattern = `signed-${run}/{service}`;
// And repositories of its own: other test files push the example's images to "research" at the
// same time, and a tag's signatures and attestations are one manifest each, read, added to and
// written back; two writers at once keep only one's layers (and the registry keeps them across runs).
const prefix = `signed-${run}`;
project.edit("slipway.config.ts", 'repositoryPrefix: "research",', `repositoryPrefix: "${prefix}",`);
project.edit(
  "slipway.config.ts",
  'ci: { url: "http://127.0.0.1:28080" }',
  `ci: { url: "http://127.0.0.1:28080", jobPattern: "${jobPattern}" }`,
);
project.edit(
  "slipway.config.ts",
  'name: "dev",',
  `name: "dev",
  requires: ["image", "ci", "signature", "provenance"],
  signatures: { keys: [{ name: "test-ci", file: "keys/test-ci.pub" }] },`,
);

/** This run's CI key, trusted by dev; and another key, trusted by nobody. */
const trusted = generateSigningKeyPair();
const trustedKey = createPrivateKey(trusted.privateKeyPem);
const fingerprint = fingerprintOf(trustedKey);
const unknownKey = createPrivateKey(generateSigningKeyPair().privateKeyPem);
mkdirSync(join(project.root, "keys"), { recursive: true });
writeFileSync(join(project.root, "keys", "test-ci.pub"), trusted.publicKeyPem);

let current = "1.0.0";
function defineAuthVersion(version: string): void {
  project.edit("services/auth/service.ts", `version: "${current}"`, `version: "${version}"`);
  current = version;
}

const facts = (image: BuiltImage, changes: Partial<BuildFacts> = {}): BuildFacts => ({
  commit: image.revision,
  builder: "http://127.0.0.1:28080",
  tests: { passed: 12, failed: 0, skipped: 0 },
  report: `TAP report of ${image.service} ${image.version}`,
  ...changes,
});

/** Pushes auth's image for the current version and reports its (successful, tested) build. */
async function publishAuth(revision?: string): Promise<BuiltImage> {
  const image = await buildAndPushImage({
    service: "auth",
    version: current,
    image: "auth",
    repositoryPrefix: prefix,
    ...(revision ? { revision } : {}),
  });
  await reportBuild(image, jobPattern, {});
  return image;
}

const slipway = (...args: string[]) =>
  runSlipway([...args, "-c", project.config, "--kubeconfig", platform.kubeconfig]);
const plan = () => slipway("plan", "auth", "--env", "dev");
const deploy = (...more: string[]) => slipway("deploy", "auth", "--env", "dev", "--yes", ...more);
const store = () => new ReleaseStore(Cluster.open("local", platform.kubeconfig), project.namespace);
const liveImage = async (): Promise<string | undefined> =>
  (await kube.apps().readNamespacedDeployment({ namespace: project.namespace, name: "auth" })).spec?.template
    .spec?.containers[0]?.image;

/** A refused deploy: exit 4, the digest and the reason said, and nothing written. */
async function expectRefused(image: BuiltImage, reason: string | RegExp): Promise<void> {
  const p = await plan();
  expect(p.code, p.stdout + p.stderr).toBe(1);
  const said = p.stdout + p.stderr;
  expect(said).toContain(`${platform.registry}/${prefix}/auth@${image.digest}`);
  expect(said).toMatch(reason);
  expect(said).toContain("BLOCKED");
  const before = await liveImage();
  const d = await deploy();
  expect(d.code, d.stdout + d.stderr).toBe(ExitCode.refused);
  expect(d.stdout + d.stderr).toContain(image.digest);
  expect(d.stdout + d.stderr).toMatch(reason);
  expect(await liveImage()).toBe(before);
  expect(await store().latest("auth", ["pending", "deployed", "superseded", "failed"])).not.toMatchObject({
    version: current,
  });
}

afterAll(async () => {
  delete process.env.SLIPWAY_SIGNING_KEY;
  await removeExample(project.namespace);
});

describe("signed images and signed test results, verified before every deploy", () => {
  beforeAll(async () => {
    await provisionExampleDatabases(project.config, "dev");
    // The example's CI (npm run images) signing with this run's key: a Secret's file.
    const keyFile = join(mkdtempSync(join(tmpdir(), "slipway-signing-")), "cosign.key");
    writeFileSync(keyFile, trusted.privateKeyPem, { mode: 0o600 });
    process.env.SLIPWAY_SIGNING_KEY = keyFile;
    await publishDefinedVersions(project.config);
  });

  it("passes an image the CI signed, shows the signer in the plan, and records the verified statements", async () => {
    const resolved = await RegistryClient.fromEnvironment(platform.registry, { insecure: true }).resolveTag(
      `${prefix}/auth`,
      current,
    );
    const image = `${platform.registry}/${prefix}/auth@${resolved.digest}`;
    const p = await plan();
    expect(p.code, p.stdout + p.stderr).toBe(0);
    expect(p.stdout).toContain(`✓ signature: ${image} signed by key test-ci (${fingerprint})`);
    expect(p.stdout).toMatch(
      new RegExp(
        `✓ provenance: .*built from commit [0-9a-f]{12} by http://127.0.0.1:28080 \\(http://127.0.0.1:28080/job/signed-${run}/job/auth/\\d+/\\), attested by key test-ci`,
      ),
    );
    expect(p.stdout).toMatch(/tests \d+ passed, 0 failed, \d+ skipped \(report sha256:[0-9a-f]{64}\)/);
    // The key never appears, nor its file's content.
    expect(p.stdout + p.stderr).not.toContain("PRIVATE KEY");

    const d = await deploy("--timeout", "60s");
    expect(d.code, d.stdout + d.stderr).toBe(0);
    expect(await liveImage()).toBe(image);
    const release = await store().latest("auth", ["deployed"]);
    expect(release?.version).toBe(current);
    expect(release?.checks).toContainEqual({
      check: "gate/signature",
      outcome: "passed",
      message: `${image} signed by key test-ci (${fingerprint})`,
    });
    expect(release?.checks).toContainEqual({
      check: "gate/provenance",
      outcome: "passed",
      message: expect.stringMatching(/built from commit .* tests \d+ passed, 0 failed/),
    });

    const v = await slipway("verify-image", "auth", "-e", "dev", "-o", "json");
    expect(v.code, v.stderr).toBe(0);
    const doc = JSON.parse(v.stdout) as ImageVerificationDocument;
    expect(doc).toMatchObject({ kind: "ImageVerification", verified: true, resolved: image });
    expect(doc.checks.map((c) => [c.check, c.outcome])).toEqual([
      ["image", "passed"],
      ["ci", "passed"],
      ["signature", "passed"],
      ["provenance", "passed"],
    ]);
    const byReference = await slipway(
      "verify-image",
      `${platform.registry}/${prefix}/auth:${current}`,
      "-e",
      "dev",
    );
    expect(byReference.code, byReference.stdout + byReference.stderr).toBe(0);
    expect(byReference.stdout).toContain(`VERIFIED: ${image}`);
  });

  it("says what is wrong with a bad image reference or an environment without keys, exit 2", async () => {
    const bad = await slipway("verify-image", "not a reference", "-e", "dev");
    expect(bad.code).toBe(ExitCode.usage);
    expect(bad.stderr).toContain(
      '"not a reference" is neither a service of the environment nor an image reference',
    );
    expect(bad.stderr).not.toMatch(/\n\s+at /);
    const noKeys = await slipway("verify-image", "auth", "-e", "prod");
    expect(noKeys.code).toBe(ExitCode.usage);
    expect(noKeys.stderr).toContain(
      "environment prod names no signature keys: there is nothing to verify against",
    );
  });

  it("refuses an unsigned image", async () => {
    defineAuthVersion(`9.1.0-${run}`);
    const image = await publishAuth();
    await expectRefused(
      image,
      /it is not signed: the registry has no signature for it \(no tag sha256-[0-9a-f]{64}\.sig\)/,
    );
    const v = await slipway("verify-image", "auth", "-e", "dev");
    expect(v.code).toBe(ExitCode.refused);
    expect(v.stdout).toContain(`REFUSED: a deploy of ${platform.registry}/${prefix}/auth@${image.digest}`);
  });

  it("refuses an image re-pushed under a signed tag without a signature", async () => {
    defineAuthVersion(`9.2.0-${run}`);
    const signed = await publishAuth();
    await signAndAttest(signed, facts(signed), trustedKey);
    expect((await plan()).code).toBe(0);
    // Someone with push rights replaces the tag: same tag, same revision label, other bytes.
    const replaced = await buildAndPushImage({
      service: "auth",
      version: current,
      image: "auth",
      repositoryPrefix: prefix,
      revision: signed.revision,
      labels: { "org.example.replaced": "yes" },
    });
    expect(replaced.digest).not.toBe(signed.digest);
    await expectRefused(replaced, /it is not signed/);
  });

  it("signs what this key signed already only once: CI publishing the same image again leaves its tags as they were", async () => {
    defineAuthVersion(`9.8.0-${run}`);
    const image = await publishAuth();
    await signAndAttest(image, facts(image), trustedKey);
    await signAndAttest(image, facts(image), trustedKey);
    const { path } = splitReference(image.reference);
    const client = RegistryClient.fromEnvironment(platform.registry, { insecure: true });
    expect((await client.imageManifest(path, signatureTag(image.digest))).layers).toHaveLength(1);
    // One provenance and one test-results statement.
    expect((await client.imageManifest(path, attestationTag(image.digest))).layers).toHaveLength(2);
    // Other facts are a new statement, signed beside the first.
    await signAndAttest(image, facts(image, { tests: { passed: 13, failed: 0, skipped: 0 } }), trustedKey);
    expect((await client.imageManifest(path, signatureTag(image.digest))).layers).toHaveLength(1);
    expect((await client.imageManifest(path, attestationTag(image.digest))).layers).toHaveLength(3);
    expect((await plan()).code).toBe(0);
  });

  it("refuses a signature by a key the environment does not trust", async () => {
    defineAuthVersion(`9.3.0-${run}`);
    const image = await publishAuth();
    await signAndAttest(image, facts(image), unknownKey);
    await expectRefused(
      image,
      /does not verify with any trusted key \(test-ci [0-9a-f]{16}\): signed by an unknown key, or tampered/,
    );
  });

  it("refuses attestations whose commit is not the one the CI build built", async () => {
    defineAuthVersion(`9.4.0-${run}`);
    const image = await publishAuth();
    await signAndAttest(image, facts(image, { commit: "c".repeat(40) }), trustedKey);
    await expectRefused(
      image,
      `its provenance says it was built from commit ${"c".repeat(40)}, but the CI build's commit is ${image.revision}`,
    );
  });

  it("refuses attestations that say tests failed, although the CI server says the build passed", async () => {
    defineAuthVersion(`9.5.0-${run}`);
    const image = await publishAuth();
    await signAndAttest(image, facts(image, { tests: { passed: 10, failed: 2, skipped: 0 } }), trustedKey);
    await expectRefused(image, "its test results say 2 tests failed (10 passed)");
  });

  it("refuses a tampered attestation: its statement changed after it was signed", async () => {
    defineAuthVersion(`9.6.0-${run}`);
    const image = await publishAuth();
    await signAndAttest(image, facts(image, { tests: { passed: 10, failed: 2, skipped: 0 } }), trustedKey);
    await tamperTestResults(image);
    await expectRefused(
      image,
      /attestation \d of \d is not signed by a trusted key: signed by an unknown key, or tampered/,
    );
  });

  it("deploys an unsigned image with the emergency override, and records who skipped what and why", async () => {
    defineAuthVersion(`9.7.0-${run}`);
    const image = await publishAuth();
    const d = await deploy("--skip-ci-check", "--reason", "signing service down, hotfix", "--timeout", "60s");
    expect(d.code, d.stdout + d.stderr).toBe(0);
    expect(d.stdout + d.stderr).toContain(
      "environment dev requires the signature check; skipped by the emergency override --skip-ci-check (signing service down, hotfix)",
    );
    expect(await liveImage()).toBe(`${platform.registry}/${prefix}/auth@${image.digest}`);
    const release = await store().latest("auth", ["deployed"]);
    expect(release?.version).toBe(current);
    for (const check of ["gate/signature", "gate/provenance"])
      expect(release?.checks).toContainEqual({
        check,
        outcome: "warning",
        message: expect.stringContaining(
          "skipped by the emergency override --skip-ci-check (signing service down, hotfix)",
        ),
      });
    const history = await slipway("history", "auth", "--env", "dev");
    expect(history.stdout).toMatch(/CI check skipped by .*: signing service down, hotfix/);
  });
});

/**
 * Rewrites the test-results attestation so that it says no test failed, keeping its signature:
 * what someone with push rights but without the key could do.
 */
async function tamperTestResults(image: BuiltImage): Promise<void> {
  const { path } = splitReference(image.reference);
  const client = RegistryClient.fromEnvironment(platform.registry, { insecure: true });
  const manifest = await client.imageManifest(path, attestationTag(image.digest));
  const layers = await Promise.all(
    manifest.layers.map(async (layer) => {
      const envelope = JSON.parse((await client.blob(path, layer.digest)).toString("utf8")) as {
        payload: string;
      };
      const statement = JSON.parse(Buffer.from(envelope.payload, "base64").toString("utf8")) as {
        predicateType: string;
        predicate: { failed: number; passed: number; result: string };
      };
      if (statement.predicateType !== testResultsType) return layer;
      statement.predicate = { ...statement.predicate, failed: 0, passed: 12, result: "PASSED" };
      const forged = Buffer.from(
        JSON.stringify({ ...envelope, payload: Buffer.from(JSON.stringify(statement)).toString("base64") }),
      );
      return { ...layer, ...(await platformPusher().putBlob(path, forged)) };
    }),
  );
  const config = await platformPusher().putBlob(path, Buffer.from("{}"));
  await platformPusher().putManifest(
    path,
    attestationTag(image.digest),
    Buffer.from(
      JSON.stringify({
        schemaVersion: 2,
        mediaType: "application/vnd.oci.image.manifest.v1+json",
        config: { mediaType: "application/vnd.oci.image.config.v1+json", ...config },
        layers,
      }),
    ),
    "application/vnd.oci.image.manifest.v1+json",
  );
}
