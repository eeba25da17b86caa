import type { RegistryCredentials } from "./credentials.ts";

/** A parsed WWW-Authenticate challenge: `Basic realm="x"` or `Bearer realm="...",service="...",scope="..."`. */
export interface Challenge {
  /** Lower case: "basic", "bearer", ... */
  readonly scheme: string;
  readonly params: Readonly<Record<string, string>>;
}

export function parseChallenge(header: string | null): Challenge | undefined {
  const match = header?.trim().match(/^(\S+)\s*(.*)$/);
  if (!match) return undefined;
  const params: Record<string, string> = {};
  // key="quoted, may hold commas" or key=token, separated by commas.
  for (const [, key, quoted, bare] of match[2]!.matchAll(
    /([A-Za-z_][\w-]*)=(?:"((?:[^"\\]|\\.)*)"|([^,\s]*))/g,
  )) {
    params[key!.toLowerCase()] = quoted !== undefined ? quoted.replace(/\\(.)/g, "$1") : (bare ?? "");
  }
  return { scheme: match[1]!.toLowerCase(), params };
}

export const basicAuthorization = (credentials: RegistryCredentials): string =>
  `Basic ${Buffer.from(`${credentials.username}:${credentials.password}`).toString("base64")}`;

/**
 * Where to ask for a bearer token (the distribution token protocol): the realm, with the
 * service and the scope the challenge named, else pull access to the repository.
 */
export function tokenUrl(challenge: Challenge, repository: string): URL {
  const realm = challenge.params.realm;
  if (!realm) throw new Error("the Bearer challenge names no realm");
  const url = new URL(realm);
  if (challenge.params.service) url.searchParams.set("service", challenge.params.service);
  url.searchParams.set("scope", challenge.params.scope ?? `repository:${repository}:pull`);
  return url;
}
