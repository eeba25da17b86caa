// Verifying what Slipway's CI (or cosign) stored beside an image: the signatures under its
// `.sig` tag and the attestations under its `.att` tag, against the keys an environment trusts.
// It reads only the registry, and only by the exact digest to be deployed.
//
// Keyless (Sigstore's Fulcio certificates and Rekor log) would plug in beside the keys: a layer
// then carries `dev.sigstore.cosign/certificate`, `…/chain` and `…/bundle`; an environment would
// trust an identity ({ issuer, subject }) and a trusted_root.json file instead of a key, and
// @sigstore/verify checks the certificate chain, the identity, the signature and the log's signed
// entry timestamp offline against that root. Only signing needs the servers, which we cannot reach.
import { createHash } from "node:crypto";
import type { RegistryClient } from "../clients/registry/client.ts";
import { RegistryError } from "../clients/registry/errors.ts";
import type { Descriptor } from "../clients/registry/oci.ts";
import { attestationTag, cosignMediaTypes, signatureAnnotation, signatureTag } from "./cosign-layout.ts";
import { envelopeSignedBy, inTotoPayloadType, parseEnvelope } from "./dsse.ts";
import {
  parseStatement,
  readProvenance,
  readTestResults,
  slsaProvenanceType,
  testResultsType,
  type BuildProvenance,
  type TestResults,
} from "./in-toto.ts";
import { signerAmong, verifyBytes, type TrustedKey } from "./keys.ts";
import { signedDigest, simpleSigningPayload } from "./simple-signing.ts";

/** Which key signed: its name in the definitions and its fingerprint. */
export interface Signer {
  readonly key: string;
  readonly fingerprint: string;
}

export interface ImageVerification {
  /** host/path@digest */
  readonly image: string;
  /** Set when a signature over this digest verifies with a trusted key. */
  readonly signer?: Signer;
  /** Why no signature verified, one message each. */
  readonly signatureProblems: readonly string[];
  /** The latest provenance statement signed by a trusted key. */
  readonly provenance?: BuildProvenance & { readonly signer: Signer };
  /** The latest test-results statement signed by a trusted key. */
  readonly tests?: TestResults & { readonly signer: Signer };
  /** Why an attestation is missing or was not accepted. */
  readonly attestationProblems: readonly string[];
}

type Layer = Descriptor & { readonly annotations?: Readonly<Record<string, string>> };

const signerOf = (k: TrustedKey): Signer => ({ key: k.name, fingerprint: k.fingerprint });

/** Verifies the signatures and attestations of `path@digest` on the client's registry. */
export async function verifyImage(
  client: RegistryClient,
  path: string,
  digest: string,
  keys: readonly TrustedKey[],
): Promise<ImageVerification> {
  const image = `${client.host}/${path}@${digest}`;
  const failure = (what: string) => (error: unknown) => [
    `reading its ${what} failed: ${error instanceof Error ? error.message : String(error)}`,
  ];
  const [signature, attestations] = await Promise.all([
    verifySignature(client, path, digest, keys).catch((e: unknown) => ({
      signatureProblems: failure("signatures")(e),
    })),
    verifyAttestations(client, path, digest, keys).catch((e: unknown) => ({
      attestationProblems: failure("attestations")(e),
    })),
  ]);
  return { image, ...signature, ...attestations };
}

async function layersAt(client: RegistryClient, path: string, tag: string): Promise<Layer[] | undefined> {
  try {
    return [...(await client.imageManifest(path, tag)).layers] as Layer[];
  } catch (error) {
    if (error instanceof RegistryError && error.kind === "not-found") return undefined;
    throw error;
  }
}

/** The blobs of the layers of one media type (others undefined), fetched at once. */
const blobsOf = (
  client: RegistryClient,
  path: string,
  layers: readonly Layer[],
  mediaType: string,
): Promise<(Buffer | undefined)[]> =>
  Promise.all(
    layers.map((l) => (l.mediaType === mediaType ? client.blob(path, l.digest) : Promise.resolve(undefined))),
  );

async function verifySignature(
  client: RegistryClient,
  path: string,
  digest: string,
  keys: readonly TrustedKey[],
): Promise<{ signer?: Signer; signatureProblems: string[] }> {
  const tag = signatureTag(digest);
  const layers = await layersAt(client, path, tag);
  if (!layers?.length)
    return {
      signatureProblems: [`it is not signed: the registry has no signature for it (no tag ${tag})`],
    };
  const problems: string[] = [];
  // A payload Slipway wrote is known before it is read: its digest says whether it is the same
  // bytes (content addressing), and one request per image is saved. Others are fetched.
  const ours = simpleSigningPayload(`${client.host}/${path}`, digest);
  const oursDigest = `sha256:${createHash("sha256").update(ours).digest("hex")}`;
  const payloads = await Promise.all(
    layers.map((l) =>
      l.mediaType !== cosignMediaTypes.simpleSigning
        ? undefined
        : l.digest === oursDigest
          ? ours
          : client.blob(path, l.digest),
    ),
  );
  for (const [i, layer] of layers.entries()) {
    const which = `signature ${i + 1} of ${layers.length}`;
    const payload = payloads[i];
    if (!payload) continue;
    const signed = signedDigest(payload);
    if ("problem" in signed) {
      problems.push(`${which}: ${signed.problem}`);
      continue;
    }
    if (signed.digest !== digest) {
      problems.push(`${which} signs another image (${signed.digest}), not this digest`);
      continue;
    }
    const sig = layer.annotations?.[signatureAnnotation] ?? "";
    const signer = signerAmong(keys, (key) => verifyBytes(payload, sig, key));
    if (signer) return { signer: signerOf(signer), signatureProblems: [] };
    problems.push(
      `${which} does not verify with any trusted key (${keys.map((k) => `${k.name} ${k.fingerprint}`).join(", ")}): signed by an unknown key, or tampered`,
    );
  }
  return { signatureProblems: problems.length ? problems : [`tag ${tag} holds no cosign signature`] };
}

async function verifyAttestations(
  client: RegistryClient,
  path: string,
  digest: string,
  keys: readonly TrustedKey[],
): Promise<Pick<ImageVerification, "provenance" | "tests" | "attestationProblems">> {
  const tag = attestationTag(digest);
  const layers = await layersAt(client, path, tag);
  if (!layers?.length)
    return { attestationProblems: [`it has no attestations: the registry has no tag ${tag}`] };
  const rejected: string[] = [];
  let provenance: ImageVerification["provenance"];
  let tests: ImageVerification["tests"];
  // Later layers are later attestations: the latest one of each kind that verifies counts.
  const blobs = await blobsOf(client, path, layers, cosignMediaTypes.dsseEnvelope);
  for (const [i, blob] of blobs.entries()) {
    const which = `attestation ${i + 1} of ${layers.length}`;
    if (!blob) continue;
    const envelope = parseEnvelope(blob);
    if ("problem" in envelope) {
      rejected.push(`${which}: ${envelope.problem}`);
      continue;
    }
    const signer = signerAmong(keys, (key) => envelopeSignedBy(envelope, key));
    if (!signer) {
      rejected.push(`${which} is not signed by a trusted key: signed by an unknown key, or tampered`);
      continue;
    }
    if (envelope.payloadType !== inTotoPayloadType) {
      rejected.push(`${which} holds a ${envelope.payloadType}, not an in-toto statement`);
      continue;
    }
    const statement = parseStatement(Buffer.from(envelope.payload, "base64"), digest);
    if ("problem" in statement) {
      rejected.push(`${which}: ${statement.problem}`);
      continue;
    }
    if (statement.predicateType === slsaProvenanceType) {
      const read = readProvenance(statement.predicate);
      if ("problem" in read) rejected.push(`${which}: ${read.problem}`);
      else provenance = { ...read, signer: signerOf(signer) };
    } else if (statement.predicateType === testResultsType) {
      const read = readTestResults(statement.predicate);
      if ("problem" in read) rejected.push(`${which}: ${read.problem}`);
      else tests = { ...read, signer: signerOf(signer) };
    }
  }
  const problems = [
    ...(provenance ? [] : [`no build provenance (${slsaProvenanceType}) signed by a trusted key`]),
    ...(tests ? [] : [`no test results (${testResultsType}) signed by a trusted key`]),
  ];
  return {
    ...(provenance ? { provenance } : {}),
    ...(tests ? { tests } : {}),
    attestationProblems: problems.length ? [...problems, ...rejected] : [],
  };
}
