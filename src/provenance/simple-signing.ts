// The payload a cosign signature signs ("simple signing", containers/image's format): it names
// the image's manifest digest, so a signature is bound to those exact bytes and to no other image.

export const simpleSigningType = "cosign container image signature";

export interface SimpleSigningPayload {
  readonly critical: {
    readonly identity: { readonly "docker-reference": string };
    readonly image: { readonly "docker-manifest-digest": string };
    readonly type: string;
  };
  readonly optional: Readonly<Record<string, string>> | null;
}

/** The payload for `repository` (host/path, no tag) at `digest`, as cosign writes it. */
export function simpleSigningPayload(repository: string, digest: string): Buffer {
  const payload: SimpleSigningPayload = {
    critical: {
      identity: { "docker-reference": repository },
      image: { "docker-manifest-digest": digest },
      type: simpleSigningType,
    },
    optional: null,
  };
  return Buffer.from(JSON.stringify(payload));
}

/** The digest a payload signs, or why it is not a simple-signing payload. */
export function signedDigest(payload: Buffer): { digest: string } | { problem: string } {
  let parsed: unknown;
  try {
    parsed = JSON.parse(payload.toString("utf8"));
  } catch {
    return { problem: "its payload is not JSON" };
  }
  const critical = (parsed as Partial<SimpleSigningPayload> | null)?.critical;
  const digest = critical?.image?.["docker-manifest-digest"];
  if (critical?.type !== simpleSigningType || typeof digest !== "string")
    return { problem: `its payload is not a ${simpleSigningType}` };
  return { digest };
}
