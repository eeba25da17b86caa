// The signing step of the example's CI: signs a pushed image's digest with the CI's key, in
// cosign's format, and attests its build provenance and its test results. The key is a secret:
// SLIPWAY_SIGNING_KEY names its PEM file (a Jenkins file credential, a GitHub secret written to
// a file); without it, the local platform's CI key (made on first use, 0600, beside the Jenkins
// stand-in's token). Its content is never printed.
import { createHash, createPublicKey, randomBytes, type KeyObject } from "node:crypto";
import { existsSync, linkSync, mkdirSync, unlinkSync, writeFileSync } from "node:fs";
import { join } from "node:path";
import { loadPlatform } from "../../platform/src/connection.ts";
import { defaultLayout } from "../../platform/src/layout.ts";
import { RegistryPusher } from "../../src/clients/registry/push.ts";
import {
  provenancePredicate,
  slsaProvenanceType,
  testResultsPredicate,
  testResultsType,
} from "../../src/provenance/in-toto.ts";
import { generateSigningKeyPair, readSigningKey } from "../../src/provenance/keys.ts";
import { attestImage, signImage, type ImageTarget } from "../../src/provenance/sign.ts";

export const signingKeyVar = "SLIPWAY_SIGNING_KEY";

/** The local platform's CI signing key file, made on first use. */
export function platformSigningKeyFile(): string {
  const dir = join(defaultLayout().stateDir, "ci-signing");
  const file = join(dir, "cosign.key");
  if (!existsSync(file)) {
    mkdirSync(dir, { recursive: true, mode: 0o700 });
    // Test files run at once and may all make it on a fresh machine: each writes a whole key
    // aside and links it in place; the first link wins, and no one reads a half-written key.
    const aside = `${file}.${process.pid}.${randomBytes(4).toString("hex")}`;
    writeFileSync(aside, generateSigningKeyPair().privateKeyPem, { mode: 0o600, flag: "wx" });
    try {
      linkSync(aside, file);
    } catch (error) {
      if ((error as NodeJS.ErrnoException).code !== "EEXIST") throw error;
    } finally {
      unlinkSync(aside);
    }
  }
  return file;
}

/** The CI's signing key: SLIPWAY_SIGNING_KEY's file, else the platform's. */
export async function ciSigningKey(env: NodeJS.ProcessEnv = process.env): Promise<KeyObject> {
  return readSigningKey(env[signingKeyVar] || platformSigningKeyFile());
}

/** The PEM public key of a signing key: what an environment's signatures.keys names. */
export const publicKeyPem = (key: KeyObject): string =>
  createPublicKey(key).export({ type: "spki", format: "pem" }).toString();

/** A pusher to the local platform's registry, with its credentials. */
export function platformPusher(): RegistryPusher {
  const platform = loadPlatform();
  return new RegistryPusher(
    platform.registry,
    { username: platform.secrets.registryUser, password: platform.secrets.registryPassword },
    true,
  );
}

/** What the CI knows about a build, to attest. */
export interface BuildFacts {
  readonly commit: string;
  /** The CI build's page; none when no CI server recorded the build. */
  readonly buildUrl?: string;
  readonly builder: string;
  readonly tests: { readonly passed: number; readonly failed: number; readonly skipped: number };
  /** The test report the counts were read from (the runner's TAP output). */
  readonly report?: string;
  readonly parameters?: Readonly<Record<string, string>>;
}

/** "host/path:tag" or "host/path@digest" → its host and path. */
export function splitReference(reference: string): { host: string; path: string } {
  const [host, ...rest] = reference.split("@")[0]!.split("/");
  const path = rest.join("/").replace(/:[^/:]+$/, "");
  return { host: host as string, path };
}

/** Signs the image's digest and attests its provenance and test results. */
export async function signAndAttest(
  image: { readonly reference: string; readonly digest: string },
  facts: BuildFacts,
  key: KeyObject,
  pusher: RegistryPusher = platformPusher(),
): Promise<void> {
  const target: ImageTarget = { ...splitReference(image.reference), digest: image.digest };
  await signImage(pusher, target, key);
  await attestImage(
    pusher,
    target,
    key,
    slsaProvenanceType,
    provenancePredicate({
      commit: facts.commit,
      builder: facts.builder,
      ...(facts.buildUrl ? { buildUrl: facts.buildUrl } : {}),
      ...(facts.parameters ? { parameters: facts.parameters } : {}),
    }),
  );
  await attestImage(
    pusher,
    target,
    key,
    testResultsType,
    testResultsPredicate({
      ...facts.tests,
      ...(facts.report
        ? { report: `sha256:${createHash("sha256").update(facts.report).digest("hex")}` }
        : {}),
      ...(facts.buildUrl ? { buildUrl: facts.buildUrl } : {}),
    }),
  );
}
