import { execFileSync } from "node:child_process";
import {
  appendFileSync,
  chownSync,
  existsSync,
  mkdirSync,
  readdirSync,
  readFileSync,
  rmSync,
  writeFileSync,
} from "node:fs";
import { join } from "node:path";
import pg from "pg";
import { PlatformError } from "../errors.ts";
import { partDir } from "../layout.ts";
import { host, ports } from "../versions.ts";
import type { Part, PartContext } from "./part.ts";
import { realNode } from "./node/network.ts";

/** Debian installs each major version under /usr/lib/postgresql/<major>/bin; take the newest. */
export function postgresBinDir(): string {
  const root = "/usr/lib/postgresql";
  const majors = existsSync(root)
    ? readdirSync(root)
        .filter((d) => existsSync(join(root, d, "bin", "postgres")))
        .sort((a, b) => Number(b) - Number(a))
    : [];
  if (!majors[0]) {
    throw new PlatformError("postgres", `no PostgreSQL server under ${root}`, {
      hint: "apt-get install postgresql (.ci/run installs it)",
    });
  }
  return join(root, majors[0], "bin");
}

export function postgresClientConfig(
  ctx: Pick<PartContext, "secrets">,
  database = "postgres",
): pg.ClientConfig {
  return {
    host,
    port: ports.postgres,
    user: ctx.secrets.postgresUser,
    password: ctx.secrets.postgresPassword,
    database,
    connectionTimeoutMillis: 3000,
  };
}

async function query<T extends pg.QueryResultRow>(ctx: PartContext, sql: string): Promise<T[]> {
  const client = new pg.Client(postgresClientConfig(ctx));
  await client.connect();
  try {
    return (await client.query<T>(sql)).rows;
  } finally {
    await client.end();
  }
}

/** Pods of the real node connect from its subnet, with a password like any client. */
function allowPods(data: string): void {
  const hba = join(data, "pg_hba.conf");
  const line = `host all all ${realNode.podSubnet} scram-sha-256`;
  if (!readFileSync(hba, "utf8").includes(line)) appendFileSync(hba, `${line}\n`);
}

export const postgres: Part = {
  name: "postgres",
  install: "apt-get install postgresql (scripts/setup.sh installs it)",
  address: `postgresql://${host}:${ports.postgres}`,
  ports: [ports.postgres],
  dependsOn: [],
  startTimeoutMs: 60_000,
  async prepare(ctx) {
    const dir = partDir(ctx.layout, "postgres");
    const data = join(dir, "data");
    const run = join(dir, "run");
    mkdirSync(run, { recursive: true });
    chownSync(dir, ctx.serviceUser.uid, ctx.serviceUser.gid);
    chownSync(run, ctx.serviceUser.uid, ctx.serviceUser.gid);
    if (existsSync(join(data, "PG_VERSION"))) return allowPods(data);
    rmSync(data, { recursive: true, force: true });
    const pwfile = join(dir, "initdb.pw");
    writeFileSync(pwfile, `${ctx.secrets.postgresPassword}\n`, { mode: 0o600 });
    chownSync(pwfile, ctx.serviceUser.uid, ctx.serviceUser.gid);
    try {
      execFileSync(
        join(postgresBinDir(), "initdb"),
        [
          "-D",
          data,
          "-U",
          ctx.secrets.postgresUser,
          `--pwfile=${pwfile}`,
          "--auth-local=trust",
          "--auth-host=scram-sha-256",
          "-E",
          "UTF8",
          "--locale=C.UTF-8",
        ],
        { uid: ctx.serviceUser.uid, gid: ctx.serviceUser.gid, stdio: ["ignore", "pipe", "pipe"], cwd: dir },
      );
    } catch (error) {
      const stderr = (error as { stderr?: Buffer }).stderr?.toString() ?? "";
      throw new PlatformError(
        "postgres",
        `initdb failed in ${data}: ${stderr.trim().split("\n").slice(-5).join(" | ")}`,
      );
    } finally {
      rmSync(pwfile, { force: true });
    }
    allowPods(data);
  },
  launch(ctx) {
    const dir = partDir(ctx.layout, "postgres");
    return {
      executable: join(postgresBinDir(), "postgres"),
      asServiceUser: true,
      marker: join(dir, "data"),
      args: [
        "-D",
        join(dir, "data"),
        "-c",
        `port=${ports.postgres}`,
        "-c",
        // Pods on the real node reach it on the node's bridge address.
        `listen_addresses=${host},${realNode.address}`,
        "-c",
        `unix_socket_directories=${join(dir, "run")}`,
        "-c",
        "shared_preload_libraries=pg_stat_statements",
        "-c",
        "pg_stat_statements.track=all",
        "-c",
        "fsync=off",
      ],
    };
  },
  async healthy(ctx) {
    await query(ctx, "select 1");
    return true;
  },
  async afterStart(ctx) {
    await query(ctx, "create extension if not exists pg_stat_statements");
  },
  async version(ctx) {
    const rows = await query<{ server_version: string }>(ctx, "show server_version");
    return rows[0]?.server_version.split(" ")[0] ?? "unknown";
  },
};
