import { execFileSync } from "node:child_process";

/** The unprivileged account that runs the servers which refuse root (Elasticsearch, PostgreSQL). */
export const serviceUserName = "slipway";

export interface ServiceUser {
  readonly uid: number;
  readonly gid: number;
  readonly name: string;
}

export const isRoot = (): boolean => process.getuid?.() === 0;

/** As root: the `slipway` system user, created on first use. Otherwise: whoever runs us. */
export function ensureServiceUser(): ServiceUser {
  if (!isRoot()) {
    const uid = process.getuid?.() ?? 0;
    const gid = process.getgid?.() ?? 0;
    return { uid, gid, name: String(uid) };
  }
  try {
    execFileSync("id", ["-u", serviceUserName], { stdio: "ignore" });
  } catch {
    execFileSync("useradd", [
      "--system",
      "--no-create-home",
      "--shell",
      "/usr/sbin/nologin",
      serviceUserName,
    ]);
  }
  const uid = Number(execFileSync("id", ["-u", serviceUserName], { encoding: "utf8" }).trim());
  const gid = Number(execFileSync("id", ["-g", serviceUserName], { encoding: "utf8" }).trim());
  return { uid, gid, name: serviceUserName };
}
