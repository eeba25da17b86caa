// Signing an image as cosign does: a signature over the simple-signing payload under the
// image's `.sig` tag, and DSSE-signed in-toto statements under its `.att` tag, each a layer of an
// OCI image manifest. Signing again with another key adds a layer (cosign keeps every signature it
// was given); signing again what this key already signed changes nothing, as cosign's duplicate
// detector does: CI publishes reproducible images again and again, and the tags must not grow.
import { createHash, createPublicKey, type KeyObject } from "node:crypto";
import { mediaTypes } from "../clients/registry/oci.ts";
import type { RegistryPusher } from "../clients/registry/push.ts";
import {
  attestationTag,
  cosignMediaTypes,
  isSha256Digest,
  predicateTypeAnnotation,
  signatureAnnotation,
  signatureTag,
} from "./cosign-layout.ts";
import { envelopeSignedBy, inTotoPayloadType, parseEnvelope, signEnvelope } from "./dsse.ts";
import { statement } from "./in-toto.ts";
import { signBytes, verifyBytes } from "./keys.ts";
import { simpleSigningPayload } from "./simple-signing.ts";

/** An image in a registry: host, and the repository's path there. */
export interface ImageTarget {
  readonly host: string;
  readonly path: string;
  readonly digest: string;
}

interface Layer {
  readonly mediaType: string;
  readonly digest: string;
  readonly size: number;
  readonly annotations: Readonly<Record<string, string>>;
}

/** Signs `image.digest` with `key`: the `.sig` tag gains a layer. */
export async function signImage(pusher: RegistryPusher, image: ImageTarget, key: KeyObject): Promise<void> {
  assertDigest(image.digest);
  const payload = simpleSigningPayload(`${image.host}/${image.path}`, image.digest);
  const tag = signatureTag(image.digest);
  const before = await layersUnder(pusher, image.path, tag);
  const publicKey = createPublicKey(key);
  const payloadDigest = sha256(payload);
  const signedAlready = before.some(
    (l) =>
      l.digest === payloadDigest &&
      verifyBytes(payload, l.annotations?.[signatureAnnotation] ?? "", publicKey),
  );
  if (signedAlready) return;
  const blob = await pusher.putBlob(image.path, payload);
  await putLayers(pusher, image.path, tag, before, {
    mediaType: cosignMediaTypes.simpleSigning,
    ...blob,
    annotations: { [signatureAnnotation]: signBytes(payload, key) },
  });
}

/** Attests a statement of `predicateType` about `image.digest`: the `.att` tag gains a layer. */
export async function attestImage(
  pusher: RegistryPusher,
  image: ImageTarget,
  key: KeyObject,
  predicateType: string,
  predicate: unknown,
): Promise<void> {
  assertDigest(image.digest);
  const payload = Buffer.from(
    JSON.stringify(statement(`${image.host}/${image.path}`, image.digest, predicateType, predicate)),
  );
  const tag = attestationTag(image.digest);
  const before = await layersUnder(pusher, image.path, tag);
  if (await attestedAlready(pusher, image.path, before, predicateType, payload, createPublicKey(key))) return;
  const envelope = signEnvelope(inTotoPayloadType, payload, key);
  const blob = await pusher.putBlob(image.path, Buffer.from(JSON.stringify(envelope)));
  await putLayers(pusher, image.path, tag, before, {
    mediaType: cosignMediaTypes.dsseEnvelope,
    ...blob,
    annotations: { [signatureAnnotation]: "", [predicateTypeAnnotation]: predicateType },
  });
}

function assertDigest(digest: string): void {
  if (!isSha256Digest(digest)) throw new Error(`"${digest}" is not a sha256 digest: only digests are signed`);
}

const sha256 = (bytes: Buffer): string => `sha256:${createHash("sha256").update(bytes).digest("hex")}`;

/** The layers under a `.sig` or `.att` tag; none when the tag does not exist yet. */
async function layersUnder(pusher: RegistryPusher, path: string, tag: string): Promise<Layer[]> {
  const existing = await pusher.getManifest(path, tag, mediaTypes.ociManifest);
  return existing ? ((JSON.parse(existing.toString("utf8")) as { layers?: Layer[] }).layers ?? []) : [];
}

/** Whether one of `layers` is an envelope of this statement signed by this key already. */
async function attestedAlready(
  pusher: RegistryPusher,
  path: string,
  layers: readonly Layer[],
  predicateType: string,
  payload: Buffer,
  publicKey: KeyObject,
): Promise<boolean> {
  for (const layer of layers) {
    if (layer.annotations?.[predicateTypeAnnotation] !== predicateType) continue;
    const envelope = parseEnvelope(await pusher.getBlob(path, layer.digest));
    if ("problem" in envelope) continue;
    if (envelope.payload === payload.toString("base64") && envelopeSignedBy(envelope, publicKey)) return true;
  }
  return false;
}

/** Puts the manifest under `tag` with the layers it had and `layer` (the same layer once). */
async function putLayers(
  pusher: RegistryPusher,
  path: string,
  tag: string,
  before: readonly Layer[],
  layer: Layer,
): Promise<void> {
  const same = (l: Layer): boolean =>
    l.digest === layer.digest &&
    l.annotations?.[signatureAnnotation] === layer.annotations[signatureAnnotation];
  const layers = [...before.filter((l) => !same(l)), layer];
  // The config of an empty image holding these layers, as go-containerregistry (cosign) writes it.
  const config = Buffer.from(
    JSON.stringify({
      architecture: "",
      created: "0001-01-01T00:00:00Z",
      history: layers.map(() => ({ created: "0001-01-01T00:00:00Z" })),
      os: "",
      rootfs: { type: "layers", diff_ids: layers.map((l) => l.digest) },
      config: {},
    }),
  );
  const configBlob = await pusher.putBlob(path, config);
  const manifest = {
    schemaVersion: 2,
    mediaType: mediaTypes.ociManifest,
    config: { mediaType: "application/vnd.oci.image.config.v1+json", ...configBlob },
    layers,
  };
  await pusher.putManifest(path, tag, Buffer.from(JSON.stringify(manifest)), mediaTypes.ociManifest);
}
