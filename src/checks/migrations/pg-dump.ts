import { execFile, type ChildProcess } from "node:child_process";
import { existsSync, mkdtempSync, readdirSync, rmSync, writeFileSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";

/**
 * How pg_dump is started for a database URL. The password never goes on the command line,
 * where every user of the machine reads it (`ps`, /proc/<pid>/cmdline): the URL there is
 * stripped of it, and libpq reads it from a password file (PGPASSFILE, mode 0600, in a 0700
 * folder of its own, removed when pg_dump ends).
 */
export interface PgDumpInvocation {
  readonly command: string;
  readonly args: readonly string[];
  /** The process environment pg_dump gets: the caller's; with a password, less PGPASSWORD and plus PGPASSFILE. */
  readonly env: Readonly<Record<string, string | undefined>>;
  /** The password file's content, for the file PGPASSFILE names; undefined when the URL has no password. */
  readonly passfile?: string;
}

/** A database URL without its password, and the password (decoded), read from the userinfo or `?password=`. */
export function splitPassword(url: string): { url: string; password?: string } {
  let parsed: URL;
  try {
    parsed = new URL(url);
  } catch {
    throw new Error("the database URL is not a URL (expected postgresql://user:password@host:port/database)");
  }
  const fromQuery = parsed.searchParams.get("password");
  const password = parsed.password ? decodeURIComponent(parsed.password) : (fromQuery ?? undefined);
  parsed.password = "";
  parsed.searchParams.delete("password");
  return { url: parsed.toString(), ...(password ? { password } : {}) };
}

/** Where a URL points, for messages: user, host, port and database; never the password. */
export function describeDatabaseUrl(url: string): string {
  try {
    const u = new URL(url);
    const user = u.username ? `${decodeURIComponent(u.username)}@` : "";
    return `${user}${u.host || "localhost"}${u.pathname || ""}`;
  } catch {
    return "(an unparseable URL)";
  }
}

/** Replaces the URL and its password, in any spelling, wherever a message quotes them. */
export function redact(message: string, url: string): string {
  const { password } = (() => {
    try {
      return splitPassword(url);
    } catch {
      return { password: undefined };
    }
  })();
  let out = message.split(url).join("<database url>");
  if (password)
    for (const spelling of new Set([password, encodeURIComponent(password)]))
      out = out.split(spelling).join("***");
  return out;
}

/** A password file line matching any host, port, database and user (libpq's format, `:` and `\` escaped). */
const passfileLine = (password: string): string =>
  `*:*:*:*:${password.replace(/\\/g, "\\\\").replace(/:/g, "\\:")}\n`;

function pgDumpBinary(): string {
  const root = "/usr/lib/postgresql";
  const majors = existsSync(root) ? readdirSync(root).sort((a, b) => Number(b) - Number(a)) : [];
  for (const major of majors)
    if (existsSync(`${root}/${major}/bin/pg_dump`)) return `${root}/${major}/bin/pg_dump`;
  return "pg_dump";
}

/**
 * The command line and environment of `pg_dump --schema-only` for a database URL; `passfilePath`
 * is where the caller writes {@link PgDumpInvocation.passfile}. Pure: nothing is started or written.
 */
export function pgDumpInvocation(
  url: string,
  passfilePath: string,
  baseEnv: NodeJS.ProcessEnv = process.env,
): PgDumpInvocation {
  const { url: bare, password } = splitPassword(url);
  const args = ["--schema-only", "--no-owner", "--no-privileges", "--dbname", bare];
  if (!password) return { command: pgDumpBinary(), args, env: baseEnv };
  // libpq prefers PGPASSWORD to the password file: the URL's password must win, as it does for pg.
  const env = Object.fromEntries(Object.entries(baseEnv).filter(([name]) => name !== "PGPASSWORD"));
  return {
    command: pgDumpBinary(),
    args,
    env: { ...env, PGPASSFILE: passfilePath },
    passfile: passfileLine(password),
  };
}

/**
 * The live schema, as `pg_dump --schema-only` writes it. `onSpawn` sees the child process as
 * soon as it runs (tests read its /proc entry). Throws with pg_dump's message, the URL and
 * password redacted.
 */
export async function dumpSchema(
  url: string,
  onSpawn?: (child: ChildProcess, invocation: PgDumpInvocation) => void,
): Promise<string> {
  const dir = mkdtempSync(join(tmpdir(), "slipway-pgdump-")); // mode 0700
  const passfilePath = join(dir, "pgpass");
  try {
    const invocation = pgDumpInvocation(url, passfilePath);
    if (invocation.passfile !== undefined) writeFileSync(passfilePath, invocation.passfile, { mode: 0o600 });
    return await new Promise<string>((resolve, reject) => {
      const child = execFile(
        invocation.command,
        [...invocation.args],
        { env: invocation.env, maxBuffer: 64 * 1024 * 1024 },
        (error, stdout, stderr) => {
          if (!error) return resolve(stdout);
          const said = String(stderr).trim() || error.message;
          reject(new Error(redact(said.replace(/^pg_dump: error: /, ""), url)));
        },
      );
      onSpawn?.(child, invocation);
    });
  } finally {
    rmSync(dir, { recursive: true, force: true });
  }
}
