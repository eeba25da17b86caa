// What someone with push rights but without the CI's key can do: push other bytes under a tag
// of their own and copy a genuine signature beside them (cosign's tag for the new digest).
// Slipway's signature check must see that the signature names another digest.
import { mediaTypes } from "../../src/clients/registry/oci.ts";
import { signatureTag } from "../../src/provenance/cosign-layout.ts";
import { buildAndPushImage } from "../build-images.ts";
import { platformPusher } from "../images/sign.ts";

/** Pushes a different image as <repository>:<tag>, with the signature of `signedDigest`; returns its reference. */
export async function pushWithCopiedSignature(
  image: { readonly service: string; readonly version: string; readonly prefix: string },
  signedDigest: string,
  tag: string,
): Promise<string> {
  const tampered = await buildAndPushImage({
    service: image.service,
    version: tag,
    image: image.service,
    repositoryPrefix: image.prefix,
  });
  const pusher = platformPusher();
  const path = `${image.prefix}/${image.service}`;
  const signature = await pusher.getManifest(path, signatureTag(signedDigest), mediaTypes.ociManifest);
  if (!signature) throw new Error(`${path}@${signedDigest} has no signature to copy`);
  await pusher.putManifest(path, signatureTag(tampered.digest), signature, mediaTypes.ociManifest);
  return tampered.reference;
}
