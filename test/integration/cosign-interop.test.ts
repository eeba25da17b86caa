// Interop with cosign itself, both ways, on the local registry: `cosign verify --key` and
// `cosign verify-attestation --key` accept what Slipway's CI signed, and `slipway verify-image`
// accepts what `cosign sign` and `cosign attest` wrote with the same key.
import { execFile } from "node:child_process";
import { createPrivateKey, randomBytes } from "node:crypto";
import { mkdirSync, mkdtempSync, writeFileSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { afterAll, describe, expect, it } from "vitest";
import { ensureCosign } from "../../platform/src/build/binaries.ts";
import { loadPlatform } from "../../platform/src/connection.ts";
import { defaultLayout } from "../../platform/src/layout.ts";
import { silentProgress } from "../../platform/src/progress.ts";
import { buildAndPushImage } from "../../scripts/build-images.ts";
import { signAndAttest } from "../../scripts/images/sign.ts";
import { ExitCode } from "../../src/cli/exit-codes.ts";
import { generateSigningKeyPair } from "../../src/provenance/keys.ts";
import type { ImageVerificationDocument } from "../../src/output/verification-document.ts";
import { isolatedExample, removeExample } from "../support/deploy-project.ts";
import { platform } from "../support/platform.ts";
import { runSlipway } from "../support/slipway-bin.ts";

// The test run's global setup builds cosign from the Go module proxy into the platform's cache;
// SLIPWAY_COSIGN points at another build.
const cosign = process.env.SLIPWAY_COSIGN ?? (await ensureCosign(defaultLayout().cacheDir, silentProgress));

const run = randomBytes(3).toString("hex");
const work = mkdtempSync(join(tmpdir(), "slipway-cosign-"));
const pair = generateSigningKeyPair();
writeFileSync(join(work, "ci.pub"), pair.publicKeyPem);
writeFileSync(join(work, "ci.pem"), pair.privateKeyPem, { mode: 0o600 });
// cosign reads the registry's credentials from the platform's Docker config; its keys are
// encrypted with COSIGN_PASSWORD.
const cosignEnv = { ...process.env, DOCKER_CONFIG: loadPlatform().dockerConfig, COSIGN_PASSWORD: run };
const noLog = ["--insecure-ignore-tlog=true", "--allow-http-registry"];

function runCosign(...args: string[]): Promise<{ code: number; output: string }> {
  return new Promise((resolve) =>
    execFile(cosign, args, { cwd: work, env: cosignEnv }, (error, stdout, stderr) =>
      resolve({ code: error ? Number(error.code ?? 1) : 0, output: stdout + stderr }),
    ),
  );
}

const project = isolatedExample("cosign", { node: "simulated" });
mkdirSync(join(project.root, "keys"), { recursive: true });
writeFileSync(join(project.root, "keys", "ci.pub"), pair.publicKeyPem);
project.edit(
  "slipway.config.ts",
  'name: "dev",',
  'name: "dev",\n  signatures: { keys: [{ name: "interop", file: "keys/ci.pub" }] },',
);

afterAll(async () => {
  await removeExample(project.namespace);
});

describe("cosign and Slipway verify each other's signatures", () => {
  it("cosign verifies the signature and both attestations Slipway's CI wrote", async () => {
    const image = await buildAndPushImage({
      service: "interop",
      version: `1.0.0-${run}`,
      image: "interop",
      repositoryPrefix: "signing-test",
    });
    const reference = `${platform.registry}/signing-test/interop@${image.digest}`;
    await signAndAttest(
      image,
      { commit: image.revision, builder: "test", tests: { passed: 3, failed: 0, skipped: 0 }, report: "tap" },
      createPrivateKey(pair.privateKeyPem),
    );
    const signature = await runCosign("verify", "--key", "ci.pub", ...noLog, reference);
    expect(signature.code, signature.output).toBe(0);
    expect(signature.output).toContain(`"docker-manifest-digest":"${image.digest}"`);
    for (const type of ["slsaprovenance1", "https://slipway.dev/attestation/test-results/v1"]) {
      const attestation = await runCosign(
        "verify-attestation",
        "--key",
        "ci.pub",
        "--type",
        type,
        ...noLog,
        reference,
      );
      expect(attestation.code, attestation.output).toBe(0);
    }
    // And refuses them under another key, as Slipway does.
    writeFileSync(join(work, "other.pub"), generateSigningKeyPair().publicKeyPem);
    expect((await runCosign("verify", "--key", "other.pub", ...noLog, reference)).code).not.toBe(0);
  });

  it("slipway verify-image accepts what cosign sign and cosign attest wrote with the same key", async () => {
    const imported = await runCosign("import-key-pair", "--key", "ci.pem", "--output-key-prefix", "imported");
    expect(imported.code, imported.output).toBe(0);
    const image = await buildAndPushImage({
      service: "interop",
      version: `2.0.0-${run}`,
      image: "interop",
      repositoryPrefix: "signing-test",
    });
    const reference = `${platform.registry}/signing-test/interop@${image.digest}`;
    const slipway = (...args: string[]) =>
      runSlipway(["verify-image", reference, "-e", "dev", ...args, "-c", project.config]);
    expect((await slipway()).code).toBe(ExitCode.refused);

    writeFileSync(
      join(work, "provenance.json"),
      JSON.stringify({
        buildDefinition: {
          buildType: "https://slipway.dev/ci/jenkins/v1",
          resolvedDependencies: [
            { uri: "git+https://example.org/auth", digest: { gitCommit: image.revision } },
          ],
        },
        runDetails: {
          builder: { id: "https://jenkins.example.org" },
          metadata: { invocationId: "https://jenkins.example.org/job/1/" },
        },
      }),
    );
    writeFileSync(
      join(work, "tests.json"),
      JSON.stringify({ result: "PASSED", passed: 5, failed: 0, skipped: 1 }),
    );
    const key = ["--yes", "--key", "imported.key", "--tlog-upload=false", "--allow-http-registry"];
    for (const args of [
      ["sign", ...key, reference],
      ["attest", ...key, "--type", "slsaprovenance1", "--predicate", "provenance.json", reference],
      [
        "attest",
        ...key,
        "--type",
        "https://slipway.dev/attestation/test-results/v1",
        "--predicate",
        "tests.json",
        reference,
      ],
    ]) {
      const r = await runCosign(...args);
      expect(r.code, r.output).toBe(0);
    }
    const verified = await slipway("-o", "json");
    expect(verified.code, verified.stdout + verified.stderr).toBe(0);
    const doc = JSON.parse(verified.stdout) as ImageVerificationDocument;
    expect(doc.checks.find((c) => c.check === "signature")?.summary).toContain("signed by key interop");
    expect(doc.checks.find((c) => c.check === "provenance")?.summary).toMatch(
      /built from commit [0-9a-f]{12} by https:\/\/jenkins\.example\.org .* tests 5 passed, 0 failed, 1 skipped/,
    );
  });
});
