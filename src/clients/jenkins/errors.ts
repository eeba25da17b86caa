/**
 * Why Slipway could not read from Jenkins. Distinct from a build that was read and refused:
 * this says the check could not be made at all.
 *
 * Messages name URLs and where credentials came from, never the credentials themselves.
 */
export type JenkinsErrorKind =
  | "credentials" // none configured, or the credentials file is unreadable
  | "config" // a job pattern or base URL Slipway cannot use
  | "unreachable" // no HTTP answer: refused, DNS, TLS, timeout
  | "auth" // 401 or 403
  | "not-found" // the job (or a folder on its path) does not exist, or this user cannot see it
  | "not-a-job" // the path names a folder or multibranch project, which has no builds of its own
  | "bad-response"; // an answer that is not Jenkins' JSON API

export class JenkinsError extends Error {
  constructor(
    readonly kind: JenkinsErrorKind,
    message: string,
    /** The page the request was about (no query, no credentials), when there was one. */
    readonly url?: string,
    readonly status?: number,
  ) {
    super(message);
    this.name = "JenkinsError";
  }
}
