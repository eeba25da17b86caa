import { existsSync, readFileSync } from "node:fs";
import { homedir } from "node:os";
import { join } from "node:path";

export interface RegistryCredentials {
  readonly username: string;
  readonly password: string;
}

/** The credentials found for a registry, where they came from, and why there are none when there are none. */
export interface CredentialLookup {
  readonly credentials?: RegistryCredentials;
  /** e.g. "SLIPWAY_REGISTRY_USERNAME/SLIPWAY_REGISTRY_PASSWORD" or a config.json path. */
  readonly source?: string;
  /** Set when no credentials were found: what was looked at, and how to provide them. */
  readonly hint?: string;
}

interface DockerConfig {
  readonly auths?: Readonly<
    Record<string, { auth?: string; username?: string; password?: string; identitytoken?: string }>
  >;
  readonly credsStore?: string;
  readonly credHelpers?: Readonly<Record<string, string>>;
}

const usernameVar = "SLIPWAY_REGISTRY_USERNAME";
const passwordVar = "SLIPWAY_REGISTRY_PASSWORD";

/**
 * Credentials for `host`: SLIPWAY_REGISTRY_USERNAME/PASSWORD when both are set, else the user's
 * Docker config ($DOCKER_CONFIG/config.json, else ~/.docker/config.json). Credential helpers
 * (credsStore, credHelpers) are not run: that would execute programs named by a config file.
 */
export function lookupCredentials(host: string, env: NodeJS.ProcessEnv = process.env): CredentialLookup {
  const howTo = `set ${usernameVar} and ${passwordVar}, or run docker login ${host}`;
  const username = env[usernameVar];
  const password = env[passwordVar];
  if (username && password)
    return { credentials: { username, password }, source: `${usernameVar}/${passwordVar}` };
  const partial = username || password ? `only one of ${usernameVar} and ${passwordVar} is set; ` : "";

  const path = env.DOCKER_CONFIG
    ? join(env.DOCKER_CONFIG, "config.json")
    : join(env.HOME ?? homedir(), ".docker", "config.json");
  if (!existsSync(path)) return { hint: `${partial}no credentials for ${host} (no ${path}); ${howTo}` };
  let config: DockerConfig;
  try {
    config = JSON.parse(readFileSync(path, "utf8")) as DockerConfig;
  } catch (error) {
    return { hint: `${partial}${path} is not valid JSON (${(error as Error).message}); ${howTo}` };
  }

  const wanted = registryKey(host);
  const entry = Object.entries(config.auths ?? {}).find(([key]) => registryKey(key) === wanted)?.[1];
  const fromAuth = entry?.auth ? splitAuth(Buffer.from(entry.auth, "base64").toString("utf8")) : undefined;
  const found =
    fromAuth ??
    (entry?.username && entry.password ? { username: entry.username, password: entry.password } : undefined);
  if (found) return { credentials: found, source: path };

  const helper =
    Object.entries(config.credHelpers ?? {}).find(([key]) => registryKey(key) === wanted)?.[1] ??
    config.credsStore;
  const why = helper
    ? `its credentials are kept by the credential helper docker-credential-${helper}, which Slipway does not run`
    : entry?.identitytoken
      ? "it holds only an identity token, which Slipway does not use"
      : "it has no entry for it";
  return { hint: `${partial}no usable credentials for ${host} in ${path}: ${why}; ${howTo}` };
}

/** "user:pass" → credentials; the password may itself contain colons. */
function splitAuth(decoded: string): RegistryCredentials | undefined {
  const colon = decoded.indexOf(":");
  if (colon <= 0) return undefined;
  return { username: decoded.slice(0, colon), password: decoded.slice(colon + 1) };
}

/** Docker config keys may be "host", "https://host" or "https://host/v1/"; Docker Hub goes by several names. */
function registryKey(key: string): string {
  const host = key
    .replace(/^[a-z]+:\/\//i, "")
    .split("/")[0]!
    .toLowerCase();
  return ["docker.io", "index.docker.io", "registry-1.docker.io"].includes(host) ? "docker.io" : host;
}
