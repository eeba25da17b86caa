import { z } from "zod";

const keyName = z.string().trim().min(1).meta({
  description: "the key's name, as the plan and the release record say who signed",
  example: 'name: "research-ci"',
});

/** A public key an environment trusts for image signatures: inline PEM, or a PEM file. */
const publicKeyReference = z.union([
  z.strictObject({
    name: keyName,
    /** The PEM text (-----BEGIN PUBLIC KEY-----), as `cosign generate-key-pair` writes cosign.pub. */
    publicKey: z.string().includes("BEGIN PUBLIC KEY", { message: "must be a PEM public key" }).meta({
      description: "the PEM public key itself (an ECDSA P-256 key, cosign's default)",
      example: 'publicKey: "-----BEGIN PUBLIC KEY-----\\n…"',
    }),
  }),
  z.strictObject({
    name: keyName,
    /** A PEM public key file, relative to slipway.config.ts. */
    file: z.string().min(1).meta({
      description: "or a PEM public key file, relative to slipway.config.ts (cosign.pub)",
      example: 'file: "keys/ci.pub"',
    }),
  }),
]);

/**
 * The keys an environment's images are signed with (cosign's key-based signatures): the
 * signature and provenance checks verify each deployed digest against them.
 */
export const signaturesSchema = z.strictObject({
  keys: z.array(publicKeyReference).min(1).meta({
    description: "the public keys a signature or attestation may be made with; any one of them will do",
    example: 'keys: [{ name: "ci", file: "keys/ci.pub" }]',
  }),
});

export type SignaturesDefinition = z.infer<typeof signaturesSchema>;
