// DSSE envelopes (github.com/secure-systems-lab/dsse), as cosign stores attestations: the
// signature covers the pre-authentication encoding of the payload type and the payload, which
// @sigstore/core implements, so a signed statement cannot be read as another type.
import { dsse } from "@sigstore/core";
import type { KeyObject } from "node:crypto";
import { signBytes, verifyBytes } from "./keys.ts";

export const inTotoPayloadType = "application/vnd.in-toto+json";

export interface DsseEnvelope {
  readonly payloadType: string;
  /** base64 */
  readonly payload: string;
  readonly signatures: readonly { readonly keyid: string; readonly sig: string }[];
}

/** An envelope holding `payload`, signed with `privateKey`. */
export function signEnvelope(payloadType: string, payload: Buffer, privateKey: KeyObject): DsseEnvelope {
  const sig = signBytes(dsse.preAuthEncoding(payloadType, payload), privateKey);
  return { payloadType, payload: payload.toString("base64"), signatures: [{ keyid: "", sig }] };
}

/** An envelope read from a registry blob, or why it is not one. */
export function parseEnvelope(bytes: Buffer): DsseEnvelope | { problem: string } {
  let parsed: Partial<DsseEnvelope>;
  try {
    parsed = JSON.parse(bytes.toString("utf8")) as Partial<DsseEnvelope>;
  } catch {
    return { problem: "it is not JSON" };
  }
  if (
    typeof parsed.payloadType !== "string" ||
    typeof parsed.payload !== "string" ||
    !Array.isArray(parsed.signatures)
  )
    return { problem: "it is not a DSSE envelope (payloadType, payload, signatures)" };
  return parsed as DsseEnvelope;
}

/** Whether one of the envelope's signatures verifies with `publicKey`. */
export function envelopeSignedBy(envelope: DsseEnvelope, publicKey: KeyObject): boolean {
  const pae = dsse.preAuthEncoding(envelope.payloadType, Buffer.from(envelope.payload, "base64"));
  return envelope.signatures.some((s) => typeof s.sig === "string" && verifyBytes(pae, s.sig, publicKey));
}
