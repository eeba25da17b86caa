// The signing formats on their own: cosign's tags and simple-signing payload, DSSE envelopes
// over in-toto statements, and the keys, including what a forger or a typo produces.
import { generateKeyPairSync } from "node:crypto";
import { mkdtempSync, writeFileSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { describe, expect, it } from "vitest";
import { dsse } from "@sigstore/core";
import { attestationTag, signatureTag } from "../../src/provenance/cosign-layout.ts";
import {
  envelopeSignedBy,
  inTotoPayloadType,
  parseEnvelope,
  signEnvelope,
} from "../../src/provenance/dsse.ts";
import {
  parseStatement,
  provenancePredicate,
  readProvenance,
  readTestResults,
  slsaProvenanceType,
  statement,
  testResultsPredicate,
} from "../../src/provenance/in-toto.ts";
import { generateSigningKeyPair, loadTrustedKeys, readSigningKey } from "../../src/provenance/keys.ts";
import { signedDigest, simpleSigningPayload } from "../../src/provenance/simple-signing.ts";

const digest = `sha256:${"ab".repeat(32)}`;

describe("cosign's layout", () => {
  it("keeps signatures and attestations under tags made from the digest", () => {
    expect(signatureTag(digest)).toBe(`sha256-${"ab".repeat(32)}.sig`);
    expect(attestationTag(digest)).toBe(`sha256-${"ab".repeat(32)}.att`);
  });

  it("signs a simple-signing payload naming the digest, as cosign writes it", () => {
    const payload = simpleSigningPayload("registry.example.org/team/app", digest);
    expect(JSON.parse(payload.toString())).toEqual({
      critical: {
        identity: { "docker-reference": "registry.example.org/team/app" },
        image: { "docker-manifest-digest": digest },
        type: "cosign container image signature",
      },
      optional: null,
    });
    expect(signedDigest(payload)).toEqual({ digest });
    expect(signedDigest(Buffer.from('{"critical":{}}'))).toEqual({
      problem: "its payload is not a cosign container image signature",
    });
  });
});

describe("DSSE envelopes of in-toto statements", () => {
  const pair = generateSigningKeyPair();
  const keys = loadTrustedKeys([{ name: "ci", publicKey: pair.publicKeyPem }], "/");

  it("verify with the signing key only, and not once the statement is changed", async () => {
    const {
      keys: [trusted],
    } = await keys;
    const signing = await readSigningKey(writeKey(pair.privateKeyPem));
    const payload = Buffer.from(
      JSON.stringify(
        statement(
          "r/app",
          digest,
          slsaProvenanceType,
          provenancePredicate({ commit: "c".repeat(40), builder: "jenkins", buildUrl: "https://ci/1" }),
        ),
      ),
    );
    const envelope = signEnvelope(inTotoPayloadType, payload, signing);
    const read = parseEnvelope(Buffer.from(JSON.stringify(envelope)));
    expect("problem" in read).toBe(false);
    expect(envelopeSignedBy(envelope, trusted!.key)).toBe(true);
    const other = (
      await loadTrustedKeys([{ name: "x", publicKey: generateSigningKeyPair().publicKeyPem }], "/")
    ).keys[0];
    expect(envelopeSignedBy(envelope, other!.key)).toBe(false);
    const forged = {
      ...envelope,
      payload: Buffer.from(payload.toString().replace("jenkins", "laptop")).toString("base64"),
    };
    expect(envelopeSignedBy(forged, trusted!.key)).toBe(false);
    // The signature covers the payload type too (DSSE's pre-authentication encoding).
    expect(envelopeSignedBy({ ...envelope, payloadType: "text/plain" }, trusted!.key)).toBe(false);
    expect(dsse.preAuthEncoding("t", Buffer.from("ab")).toString()).toBe("DSSEv1 1 t 2 ab");
  });

  it("reads the commit, builder and build of SLSA v1 provenance, and test counts", () => {
    const s = parseStatement(
      Buffer.from(
        JSON.stringify(
          statement(
            "r/app",
            digest,
            slsaProvenanceType,
            provenancePredicate({ commit: "c".repeat(40), builder: "jenkins", buildUrl: "https://ci/1" }),
          ),
        ),
      ),
      digest,
    );
    if ("problem" in s) throw new Error(s.problem);
    expect(readProvenance(s.predicate)).toEqual({
      commit: "c".repeat(40),
      builder: "jenkins",
      buildUrl: "https://ci/1",
    });
    expect(
      readTestResults(testResultsPredicate({ passed: 3, failed: 1, skipped: 2, report: "sha256:00" })),
    ).toEqual({
      passed: 3,
      failed: 1,
      skipped: 2,
      report: "sha256:00",
    });
    expect(readTestResults({ result: "PASSED" })).toEqual({
      problem: "its test results carry no passed and failed counts",
    });
    expect(readProvenance({ buildDefinition: {} })).toEqual({
      problem: "its provenance names no source commit",
    });
  });

  it("refuses a statement about another image", () => {
    const other = `sha256:${"cd".repeat(32)}`;
    const payload = Buffer.from(JSON.stringify(statement("r/app", other, slsaProvenanceType, {})));
    expect(parseStatement(payload, digest)).toEqual({
      problem: `its statement is about another image, not ${digest}`,
    });
  });
});

describe("keys", () => {
  it("says which key cannot be read and why, never printing it", async () => {
    const rsa = generateKeyPairSync("rsa", { modulusLength: 2048 })
      .publicKey.export({ type: "spki", format: "pem" })
      .toString();
    const { keys, problems } = await loadTrustedKeys(
      [
        { name: "missing", file: "no/such.pub" },
        { name: "rsa", publicKey: rsa },
        { name: "garbled", publicKey: "-----BEGIN PUBLIC KEY-----\nnope\n-----END PUBLIC KEY-----\n" },
      ],
      tmpdir(),
    );
    expect(keys).toEqual([]);
    expect(problems).toEqual([
      "signature key missing (file no/such.pub): no such file",
      "signature key rsa (its publicKey): it is a rsa key; only ECDSA P-256 keys (cosign's default) are supported",
      "signature key garbled (its publicKey): not a PEM public key (-----BEGIN PUBLIC KEY-----)",
    ]);
  });

  it("refuses a signing key file that holds no private key, naming the file only", async () => {
    const file = writeKey("-----BEGIN PUBLIC KEY-----\nsecret-looking\n-----END PUBLIC KEY-----\n");
    await expect(readSigningKey(file)).rejects.toThrow(
      `the signing key file ${file} holds no unencrypted PEM private key`,
    );
    await expect(readSigningKey(file)).rejects.not.toThrow(/secret-looking/);
  });
});

function writeKey(pem: string): string {
  const file = join(mkdtempSync(join(tmpdir(), "slipway-key-")), "key.pem");
  writeFileSync(file, pem, { mode: 0o600 });
  return file;
}
