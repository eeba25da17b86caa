import { JenkinsError } from "./errors.ts";

/** Where builds of a service live, e.g. full name `research/files`, path `/job/research/job/files/`. */
export interface JenkinsJob {
  /** Jenkins' full name: folders and job joined by "/". */
  readonly fullName: string;
  /** The job's page relative to Jenkins' root URL, starting and ending with "/". */
  readonly path: string;
}

export const DEFAULT_JOB_PATTERN = "{service}";

/**
 * The job a pattern names for a service: `research/{service}` → `/job/research/job/files/`.
 * Each folder level is its own `job/<name>` segment in Jenkins' URLs.
 */
export function resolveJob(pattern: string, service: string): JenkinsJob {
  const fullName = pattern.replaceAll("{service}", service).replace(/^\/+|\/+$/g, "");
  const segments = fullName.split("/");
  if (segments.some((s) => s.trim() === ""))
    throw new JenkinsError(
      "config",
      `Jenkins job pattern "${pattern}" gives "${fullName}" for ${service}, which has an empty folder name`,
    );
  return { fullName, path: `/${segments.map((s) => `job/${encodeURIComponent(s)}/`).join("")}` };
}
