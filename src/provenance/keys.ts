// The keys of key-based signing: ECDSA P-256 with SHA-256 (cosign's default, what
// `cosign generate-key-pair` makes and `cosign verify --key` reads as a PEM public key).
// A private key is read from a file a secret reference names, and never printed.
import {
  createHash,
  createPrivateKey,
  createPublicKey,
  generateKeyPairSync,
  sign,
  verify,
} from "node:crypto";
import type { KeyObject } from "node:crypto";
import { readFile } from "node:fs/promises";
import { isAbsolute, resolve } from "node:path";

/** A public key an environment trusts: its name in the definitions, its fingerprint, the key. */
export interface TrustedKey {
  readonly name: string;
  /** sha256 of the key's DER SubjectPublicKeyInfo, the first 16 hex digits: says which key without printing it. */
  readonly fingerprint: string;
  readonly key: KeyObject;
}

/** How an environment names a public key: inline PEM, or a file relative to slipway.config.ts. */
export type PublicKeyReference =
  { readonly name: string; readonly publicKey: string } | { readonly name: string; readonly file: string };

export const fingerprintOf = (key: KeyObject): string =>
  createHash("sha256")
    .update((key.type === "public" ? key : createPublicKey(key)).export({ type: "spki", format: "der" }))
    .digest("hex")
    .slice(0, 16);

/** Why a key cannot sign or verify here, or nothing: only P-256 EC keys are. */
function unsupported(key: KeyObject): string | undefined {
  const curve = key.asymmetricKeyDetails?.namedCurve;
  return key.asymmetricKeyType === "ec" && curve === "prime256v1"
    ? undefined
    : `it is a ${key.asymmetricKeyType}${curve ? ` ${curve}` : ""} key; only ECDSA P-256 keys (cosign's default) are supported`;
}

/**
 * The environment's trusted keys, read and parsed; a key that cannot be read is a problem naming
 * the key and where it was to come from, never its content.
 */
export async function loadTrustedKeys(
  references: readonly PublicKeyReference[],
  root: string,
): Promise<{ keys: TrustedKey[]; problems: string[] }> {
  const keys: TrustedKey[] = [];
  const problems: string[] = [];
  for (const ref of references) {
    const where = "file" in ref ? `file ${ref.file}` : "its publicKey";
    try {
      const pem =
        "file" in ref
          ? await readFile(isAbsolute(ref.file) ? ref.file : resolve(root, ref.file), "utf8")
          : ref.publicKey;
      const key = createPublicKey(pem);
      const why = unsupported(key);
      if (why) problems.push(`signature key ${ref.name} (${where}): ${why}`);
      else keys.push({ name: ref.name, fingerprint: fingerprintOf(key), key });
    } catch (error) {
      const code = (error as NodeJS.ErrnoException).code;
      problems.push(
        `signature key ${ref.name} (${where}): ${
          code === "ENOENT" ? "no such file" : "not a PEM public key (-----BEGIN PUBLIC KEY-----)"
        }`,
      );
    }
  }
  return { keys, problems };
}

/** A signing key from a PEM file (PKCS#8 or SEC 1 EC private key). Errors name the file, never the key. */
export async function readSigningKey(path: string): Promise<KeyObject> {
  let pem: string;
  try {
    pem = await readFile(path, "utf8");
  } catch {
    throw new Error(`the signing key file ${path} cannot be read`);
  }
  let key: KeyObject;
  try {
    key = createPrivateKey(pem);
  } catch {
    throw new Error(`the signing key file ${path} holds no unencrypted PEM private key`);
  }
  const why = unsupported(key);
  if (why) throw new Error(`the signing key in ${path}: ${why}`);
  return key;
}

/** A new P-256 key pair, as PEM (PKCS#8 private, SPKI public). */
export function generateSigningKeyPair(): { privateKeyPem: string; publicKeyPem: string } {
  const { privateKey, publicKey } = generateKeyPairSync("ec", { namedCurve: "P-256" });
  return {
    privateKeyPem: privateKey.export({ type: "pkcs8", format: "pem" }).toString(),
    publicKeyPem: publicKey.export({ type: "spki", format: "pem" }).toString(),
  };
}

/** An ECDSA-SHA256 signature (ASN.1 DER), base64, as cosign writes it. */
export const signBytes = (data: Buffer, key: KeyObject): string =>
  sign("sha256", data, key).toString("base64");

export function verifyBytes(data: Buffer, signatureBase64: string, key: KeyObject): boolean {
  try {
    return verify("sha256", data, key, Buffer.from(signatureBase64, "base64"));
  } catch {
    return false;
  }
}

/** The first trusted key whose signature `check` accepts. */
export const signerAmong = (
  keys: readonly TrustedKey[],
  check: (key: KeyObject) => boolean,
): TrustedKey | undefined => keys.find((k) => check(k.key));
