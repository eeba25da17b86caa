import { createServer } from "node:net";
import pg from "pg";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { Cluster } from "../../src/clients/kubernetes/cluster.ts";
import { ReleaseStore } from "../../src/release/store.ts";
import {
  isolatedExample,
  deploySharedConfigOwner,
  provisionExampleDatabases,
  removeExample,
  slipway,
} from "../support/deploy-project.ts";
import { kube, platform } from "../support/platform.ts";
import { ExitCode } from "../../src/cli/exit-codes.ts";

// The dynamic proof needs the service's database. When it cannot run (the database unreachable
// or refusing the credentials, no pg_stat_statements), the deploy is refused before anything
// rolls out, unless --skip-dynamic-proof --reason says why the static check alone will do.
const project = isolatedExample("proof", { node: "simulated" });
const database = `${project.namespace}_accounting`.replace(/[^a-z0-9_]/g, "_");
const { postgresUser: user, postgresPassword: password } = platform.secrets;
const { host, port } = platform.postgres;
const urlWith = (secret: string, at = `${host}:${port}`): string =>
  `postgresql://${encodeURIComponent(user)}:${encodeURIComponent(secret)}@${at}/${database}`;
const goodUrl = urlWith(password);
// accounting's migrations run as a Job from its image (mode "job"), so only the proof needs the
// database from this machine: exactly the case where skipping it can make sense.
const deploy = ["deploy", "accounting", "--env", "dev", "--yes", "--timeout", "60s"];

async function setDatabaseUrl(url: string): Promise<void> {
  await kube.core().replaceNamespacedSecret({
    name: "accounting-db",
    namespace: project.namespace,
    body: { metadata: { name: "accounting-db" }, type: "Opaque", stringData: { url } },
  });
}

async function inDatabase(sql: string): Promise<void> {
  const client = new pg.Client({ connectionString: goodUrl });
  await client.connect();
  try {
    await client.query(sql);
  } finally {
    await client.end();
  }
}

/** A port on 127.0.0.1 where nothing listens: bound once by us, then closed. */
async function closedPort(): Promise<number> {
  const server = createServer();
  await new Promise<void>((resolve) => server.listen(0, "127.0.0.1", resolve));
  const { port: free } = server.address() as { port: number };
  await new Promise((resolve) => server.close(resolve));
  return free;
}

const accountingDeployment = () =>
  kube
    .apps()
    .readNamespacedDeployment({ namespace: project.namespace, name: "accounting" })
    .catch(() => undefined);

beforeAll(async () => {
  await provisionExampleDatabases(project.config, "dev");
  await deploySharedConfigOwner(project.config);
});
afterAll(() => removeExample(project.namespace));

describe("a dynamic proof that cannot run", () => {
  // A database that does not answer is found by the plan, before anything is written.
  it("refuses the deploy when the database cannot be reached, naming it and what failed", async () => {
    const nowhere = await closedPort();
    await setDatabaseUrl(urlWith(password, `127.0.0.1:${nowhere}`));
    const r = await slipway(project.config, ...deploy);
    expect(r.code, r.stdout + r.stderr).toBe(ExitCode.refused);
    expect(r.stderr).toContain(
      `database "accounting" (${user}@127.0.0.1:${nowhere}/${database}): cannot connect: connect ECONNREFUSED 127.0.0.1:${nowhere}`,
    );
    expect(r.stderr).toContain("✗ database: ");
    expect(r.stderr).toContain("nothing was deployed");
    expect(r.stdout + r.stderr).not.toContain(password);
    expect(await accountingDeployment()).toBeUndefined();
  });

  it("refuses it when the database refuses the credentials, without printing them", async () => {
    const wrong = `wrong-${Date.now()}`;
    await setDatabaseUrl(urlWith(wrong));
    const r = await slipway(project.config, ...deploy);
    expect(r.code).toBe(ExitCode.refused);
    expect(r.stderr).toMatch(
      new RegExp(
        `✗ database: .*database "accounting" \\(${user}@${host}:${port}/${database}\\): cannot connect: password authentication failed for user "${user}" \\(SQLSTATE 28P01\\)`,
        "s",
      ),
    );
    expect(r.stdout + r.stderr).not.toContain(wrong);
    expect(await accountingDeployment()).toBeUndefined();
  });

  it("refuses it when the database has no pg_stat_statements: the running version's queries are unknown", async () => {
    await setDatabaseUrl(goodUrl);
    await inDatabase("drop extension pg_stat_statements");
    try {
      const r = await slipway(project.config, ...deploy);
      expect(r.code).toBe(ExitCode.refused);
      expect(r.stderr).toContain(
        `dynamic proof cannot run: database "accounting" (${user}@${host}:${port}/${database}): pg_stat_statements is not installed in this database`,
      );
      expect(await accountingDeployment()).toBeUndefined();
    } finally {
      await inDatabase("create extension if not exists pg_stat_statements");
    }
  });

  it("--skip-dynamic-proof --reason deploys on the static check alone, and the record, status and history say so", async () => {
    await setDatabaseUrl(urlWith(password, `127.0.0.1:${await closedPort()}`));
    expect((await slipway(project.config, ...deploy, "--skip-dynamic-proof")).code).toBe(2);
    const reason = "the database is reachable from the cluster only; V2 only adds a table";
    const r = await slipway(project.config, ...deploy, "--skip-dynamic-proof", "--reason", reason);
    expect(r.code, r.stdout + r.stderr).toBe(0);
    expect(r.stderr).toMatch(new RegExp(`accounting: dynamic proof skipped by .*: ${reason}`));
    expect((await accountingDeployment())?.metadata?.annotations?.["slipway.dev/version"]).toBe("2.3.1");

    const release = await new ReleaseStore(
      Cluster.open("local", platform.kubeconfig),
      project.namespace,
    ).latest("accounting", ["deployed"]);
    expect(release?.overrides).toEqual([expect.stringMatching(`^dynamic proof skipped by .*: ${reason}$`)]);
    expect(release?.checks).toContainEqual({
      check: "migrations/dynamic-proof",
      outcome: "skipped",
      message: expect.stringContaining(reason),
    });
    const status = await slipway(project.config, "status", "--env", "dev");
    expect(status.stdout).toMatch(new RegExp(`accounting .*dynamic proof skipped by .*: ${reason}`));
    const history = await slipway(project.config, "history", "accounting", "--env", "dev");
    expect(history.stdout).toMatch(new RegExp(`deployed .*dynamic proof skipped by .*: ${reason}`));
  });
});
