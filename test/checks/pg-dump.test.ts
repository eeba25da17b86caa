import { describe, expect, it } from "vitest";
import {
  describeDatabaseUrl,
  pgDumpInvocation,
  redact,
  splitPassword,
} from "../../src/checks/migrations/pg-dump.ts";

// The password of a database URL never goes on pg_dump's command line (readable by every user
// of the machine in /proc/<pid>/cmdline): libpq reads it from a 0600 password file instead.
const password = "s3cr:t\\p@ss/wörd";
const url = `postgresql://app:${encodeURIComponent(password)}@db.example.org:5433/files?sslmode=require`;

describe("pg_dump's command line and environment", () => {
  it("carries the URL without its password, and the password in a password file only", () => {
    const inv = pgDumpInvocation(url, "/tmp/x/pgpass", { PATH: "/usr/bin", PGPASSWORD: "other" });
    expect(inv.args).toEqual([
      "--schema-only",
      "--no-owner",
      "--no-privileges",
      "--dbname",
      "postgresql://app@db.example.org:5433/files?sslmode=require",
    ]);
    const everything = [inv.command, ...inv.args, ...Object.values(inv.env)].join(" ");
    expect(everything).not.toContain(password);
    expect(everything).not.toContain(encodeURIComponent(password));
    // PGPASSWORD would win over the file in libpq: the URL's own password must decide.
    expect(inv.env).toEqual({ PATH: "/usr/bin", PGPASSFILE: "/tmp/x/pgpass" });
    // libpq's format: host:port:database:user:password, ":" and "\" escaped.
    expect(inv.passfile).toBe("*:*:*:*:s3cr\\:t\\\\p@ss/wörd\n");
  });

  it("takes a password given as ?password= off the command line too", () => {
    const inv = pgDumpInvocation("postgresql://app@db:5432/files?password=hunter2", "/p", {});
    expect(inv.args.join(" ")).not.toContain("hunter2");
    expect(inv.passfile).toBe("*:*:*:*:hunter2\n");
  });

  it("leaves a URL without a password, and the caller's environment, as they are", () => {
    const inv = pgDumpInvocation("postgresql://app@db/files", "/p", { PGPASSWORD: "from-env" });
    expect(inv.passfile).toBeUndefined();
    expect(inv.env).toEqual({ PGPASSWORD: "from-env" });
    expect(inv.args.at(-1)).toBe("postgresql://app@db/files");
  });

  it("describes and redacts without the password", () => {
    expect(splitPassword(url).password).toBe(password);
    expect(describeDatabaseUrl(url)).toBe("app@db.example.org:5433/files");
    expect(redact(`failed for ${url} with ${password}`, url)).toBe("failed for <database url> with ***");
    expect(() => splitPassword("host=db password=x")).toThrow(/not a URL/);
  });
});
