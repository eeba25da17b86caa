/**
 * What went wrong talking to a registry. `kind` is for code; the message is for people: it
 * names the registry host, the repository and the tag or digest, and never a password or token.
 */
export type RegistryErrorKind =
  | "not-found" // the tag (or digest) is not in the repository
  | "unauthorized" // no credentials, wrong credentials, or no right to pull
  | "unreachable" // no connection, TLS failure, timeout
  | "no-platform" // an index without a linux/amd64 image
  | "bad-response"; // anything else the registry said that we cannot use

export interface RegistryTarget {
  readonly host: string;
  readonly repository: string;
  /** A tag or a digest. */
  readonly reference: string;
}

export class RegistryError extends Error {
  constructor(
    readonly kind: RegistryErrorKind,
    readonly target: RegistryTarget,
    message: string,
  ) {
    super(message);
    this.name = "RegistryError";
  }
}

/** host/repository:tag, or host/repository@digest. */
export function imageName(target: RegistryTarget): string {
  const separator = target.reference.includes(":") ? "@" : ":";
  return `${target.host}/${target.repository}${separator}${target.reference}`;
}
