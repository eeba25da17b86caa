import { readFile } from "node:fs/promises";
import { inspect } from "node:util";
import { JenkinsError } from "./errors.ts";

export const USER_VARIABLE = "SLIPWAY_JENKINS_USER";
export const TOKEN_VARIABLE = "SLIPWAY_JENKINS_TOKEN";
export const CREDENTIALS_FILE_VARIABLE = "SLIPWAY_JENKINS_CREDENTIALS";

/**
 * A Jenkins user and API token. Both live in private fields so that logging, inspecting or
 * serialising the object (or an object holding it) shows only where they came from.
 */
export class JenkinsCredentials {
  readonly #user: string;
  readonly #token: string;

  constructor(
    user: string,
    token: string,
    /** Where they came from, for messages: the variables' names or the file's path. */
    readonly source: string,
  ) {
    this.#user = user;
    this.#token = token;
  }

  /** The value of the Authorization header: the only way the secret leaves this object. */
  authorization(): string {
    return `Basic ${Buffer.from(`${this.#user}:${this.#token}`).toString("base64")}`;
  }

  toJSON(): { source: string } {
    return { source: this.source };
  }

  [inspect.custom](): string {
    return `JenkinsCredentials { from ${this.source} }`;
  }
}

/**
 * Credentials from SLIPWAY_JENKINS_USER and SLIPWAY_JENKINS_TOKEN, or else from the JSON file
 * `{ "user": ..., "token": ... }` named by SLIPWAY_JENKINS_CREDENTIALS.
 */
export async function loadJenkinsCredentials(
  env: Readonly<Record<string, string | undefined>> = process.env,
): Promise<JenkinsCredentials> {
  const user = env[USER_VARIABLE]?.trim();
  const token = env[TOKEN_VARIABLE]?.trim();
  if (user || token) {
    // Half a pair is a mistake to report, not a reason to quietly try the file instead.
    if (!user) throw new JenkinsError("credentials", `${TOKEN_VARIABLE} is set but ${USER_VARIABLE} is not`);
    if (!token) throw new JenkinsError("credentials", `${USER_VARIABLE} is set but ${TOKEN_VARIABLE} is not`);
    return new JenkinsCredentials(user, token, `${USER_VARIABLE}/${TOKEN_VARIABLE}`);
  }
  const file = env[CREDENTIALS_FILE_VARIABLE]?.trim();
  if (file) return readCredentialsFile(file);
  throw new JenkinsError(
    "credentials",
    `no Jenkins credentials: set ${USER_VARIABLE} and ${TOKEN_VARIABLE} (an API token), ` +
      `or ${CREDENTIALS_FILE_VARIABLE} to a JSON file {"user": ..., "token": ...}`,
  );
}

async function readCredentialsFile(path: string): Promise<JenkinsCredentials> {
  const source = `${CREDENTIALS_FILE_VARIABLE} file ${path}`;
  let text: string;
  try {
    text = await readFile(path, "utf8");
  } catch (e) {
    const code = (e as NodeJS.ErrnoException).code ?? "unreadable";
    throw new JenkinsError("credentials", `cannot read the ${source}: ${code}`);
  }
  let parsed: unknown;
  try {
    parsed = JSON.parse(text);
  } catch {
    // JSON.parse's own message quotes the text it failed on, which here is the secret.
    throw new JenkinsError("credentials", `the ${source} is not JSON; expected {"user": ..., "token": ...}`);
  }
  const { user, token } = (typeof parsed === "object" && parsed !== null ? parsed : {}) as {
    user?: unknown;
    token?: unknown;
  };
  if (typeof user !== "string" || !user.trim() || typeof token !== "string" || !token.trim())
    throw new JenkinsError(
      "credentials",
      `the ${source} needs non-empty strings "user" and "token", as in {"user": ..., "token": ...}`,
    );
  return new JenkinsCredentials(user.trim(), token.trim(), source);
}
