// Where cosign keeps an image's signatures and attestations in a registry, and how it marks them
// (sigstore/cosign specs/SIGNATURE_SPEC.md, ATTESTATION_SPEC.md): beside the image, in the same
// repository, under tags derived from its digest. Slipway writes and reads this layout so that
// `cosign verify --key` and `cosign verify-attestation --key` accept what Slipway's CI signed.

/** `sha256:abc…` → `sha256-abc….sig`: the tag of the image's signatures. */
export const signatureTag = (digest: string): string => `${digest.replace(":", "-")}.sig`;

/** `sha256:abc…` → `sha256-abc….att`: the tag of the image's attestations. */
export const attestationTag = (digest: string): string => `${digest.replace(":", "-")}.att`;

export const cosignMediaTypes = {
  /** A signature layer's blob: the simple-signing payload that was signed. */
  simpleSigning: "application/vnd.dev.cosign.simplesigning.v1+json",
  /** An attestation layer's blob: a DSSE envelope holding an in-toto statement. */
  dsseEnvelope: "application/vnd.dsse.envelope.v1+json",
} as const;

/** The layer annotation holding the base64 signature (empty on attestation layers: the envelope holds it). */
export const signatureAnnotation = "dev.cosignproject.cosign/signature";

/** The layer annotation cosign puts on an attestation: its predicate type. */
export const predicateTypeAnnotation = "predicateType";

/** `sha256:<64 hex>`: the only digests Slipway signs and verifies. */
export const isSha256Digest = (digest: string): boolean => /^sha256:[0-9a-f]{64}$/.test(digest);
