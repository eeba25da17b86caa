import { execFileSync } from "node:child_process";
import { userInfo } from "node:os";
import type { Cluster } from "../clients/kubernetes/cluster.ts";

/**
 * Who deploys: the cluster's view of the credentials, and where they came from: the local
 * user, or (a dashboard session) the dashboard.
 */
export async function deployer(cluster: Cluster): Promise<string> {
  const local = cluster.options.origin ?? userInfo().username;
  const remote = await cluster.whoami().catch(() => "unknown");
  return `${remote} (${local})`;
}

/** The commit of the definitions, when they live in a git work tree. */
export function currentCommit(dir: string): string {
  try {
    const sha = execFileSync("git", ["rev-parse", "HEAD"], {
      cwd: dir,
      encoding: "utf8",
      stdio: ["ignore", "pipe", "ignore"],
    }).trim();
    const dirty = execFileSync("git", ["status", "--porcelain"], {
      cwd: dir,
      encoding: "utf8",
      stdio: ["ignore", "pipe", "ignore"],
    }).trim();
    return dirty ? `${sha}+dirty` : sha;
  } catch {
    return "unknown";
  }
}
