// The audit rule proven by its consequence, both ways, with real pods on the real node writing
// real audit entries to Elasticsearch. accounting 1 audits accounting.charge with `product` an
// object; version 2 takes `product` as a string (its request schema and its program both say so),
// which the write index, mapping it as an object, cannot take:
//  a) deployed by the procedure, the audit-index step rolls the alias over first: version 2's
//     entries are accepted, and found in the new index;
//  b) deployed in another namespace with the step skipped (--skip-audit-index --reason, recorded),
//     Elasticsearch rejects every entry of version 2: the service counts them and logs the call,
//     and Slipway says which call and field, in the deploy's output and in `audit status`.
import pg from "pg";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { Cluster } from "../../src/clients/kubernetes/cluster.ts";
import { ExitCode } from "../../src/cli/exit-codes.ts";
import type { AuditStatusDocument } from "../../src/output/documents.ts";
import { ReleaseStore } from "../../src/release/store.ts";
import {
  deploySharedConfigOwner,
  isolatedExample,
  provisionExampleDatabases,
  publishDefinedVersions,
  removeExample,
} from "../support/deploy-project.ts";
import { kube, platform } from "../support/platform.ts";
import { runSlipway, type SlipwayResult } from "../support/slipway-bin.ts";

type Project = ReturnType<typeof isolatedExample>;
interface AuditStats {
  written: number;
  rejected: number;
  lastError: string | null;
}
interface Entry {
  _index: string;
  _source: { call: string; version: string; status: number; request: { product?: unknown } };
}

const calls = 3;
const es = platform.elasticsearch;
const procedure = isolatedExample("audit-rule", { node: "real" });
const skipped = isolatedExample("audit-skip", { node: "real" });
const v1 = (p: Project): string => `2.3.1-${p.namespace}`;
const v2 = (p: Project): string => `2.4.0-${p.namespace}`;
const alias = (p: Project): string => `${p.namespace}-http_logs_accounting.charge`;
const deployArgs = (p: Project): string[] => [
  "deploy",
  "accounting",
  "--env",
  "dev",
  "--yes",
  "--timeout",
  "120s",
  "-c",
  p.config,
  "--kubeconfig",
  platform.kubeconfig,
];

/** The installed binary, after CI has built and reported the project's versions. */
async function deploy(p: Project, ...more: string[]): Promise<SlipwayResult> {
  await publishDefinedVersions(p.config);
  return runSlipway([...deployArgs(p), ...more]);
}

/** Version 1 on the real node with a wallet to charge. */
async function deployVersion1(p: Project): Promise<void> {
  p.edit("services/accounting/service.ts", 'version: "2.3.1"', `version: "${v1(p)}"`);
  await provisionExampleDatabases(p.config, "dev");
  await deploySharedConfigOwner(p.config);
  const r = await deploy(p);
  expect(r.code, r.stdout + r.stderr).toBe(0);
  const { postgresUser: user, postgresPassword: password } = platform.secrets;
  const database = `${p.namespace}_accounting`.replace(/[^a-z0-9_]/g, "_");
  const db = new pg.Client({
    connectionString: `postgresql://${encodeURIComponent(user)}:${encodeURIComponent(password)}@${platform.postgres.host}:${platform.postgres.port}/${database}`,
  });
  await db.connect();
  await db.query("insert into wallets (id, owner, balance) values (7, 'ada', 1000)");
  await db.end();
}

/** Version 2: product becomes a string in the request schema, and the program takes it so. */
function defineVersion2(p: Project): void {
  p.edit("services/accounting/service.ts", `version: "${v1(p)}"`, `version: "${v2(p)}"`);
  p.edit(
    "services/accounting/calls/charge.request.json",
    /"product": \{\s*"type": "object",\s*"properties": \{[^\n]*\}\s*\}/,
    '"product": { "type": "string" }',
  );
  p.edit(
    "services/accounting/app/handler.js",
    'return invalid("amount must be a positive number");',
    'return invalid("amount must be a positive number");\n    if (body.product !== undefined && typeof body.product !== "string")\n      return invalid("product must be a string");',
  );
}

/** The Service's address, as kube-proxy routes it on this machine. */
async function serviceUrl(p: Project): Promise<string> {
  const service = await kube.core().readNamespacedService({ namespace: p.namespace, name: "accounting" });
  return `http://${service.spec?.clusterIP}:80`;
}

async function charge(p: Project, product: unknown): Promise<number> {
  const response = await fetch(`${await serviceUrl(p)}/accounting/charge`, {
    method: "POST",
    headers: { "x-user": "ada", "content-type": "application/json" },
    body: JSON.stringify({ walletId: 7, amount: 1.5, product }),
    signal: AbortSignal.timeout(10_000),
  });
  await response.text();
  return response.status;
}

/** The running pod's counters, once they account for at least `atLeast` entries. */
async function auditStats(p: Project, atLeast: number): Promise<AuditStats> {
  let stats: AuditStats = { written: 0, rejected: 0, lastError: null };
  for (let i = 0; i < 100 && stats.written + stats.rejected < atLeast; i++) {
    stats = (await (
      await fetch(`${await serviceUrl(p)}/audit-stats`, { signal: AbortSignal.timeout(10_000) })
    ).json()) as AuditStats;
    if (stats.written + stats.rejected < atLeast) await new Promise((r) => setTimeout(r, 200));
  }
  return stats;
}

/** Once the rollout's old pod is gone: every call then reaches the new version. */
async function settled(p: Project): Promise<void> {
  for (let i = 0; i < 120; i++) {
    const pods = await kube
      .core()
      .listNamespacedPod({ namespace: p.namespace, labelSelector: "app.kubernetes.io/name=accounting" });
    const serving = pods.items.filter((pod) => pod.metadata?.ownerReferences?.[0]?.kind === "ReplicaSet");
    if (serving.length === 1 && !serving[0]!.metadata?.deletionTimestamp) return;
    await new Promise((r) => setTimeout(r, 500));
  }
  throw new Error(`${p.namespace}: the old pod of accounting is still there after a minute`);
}

/** The logs of the service's pods (not its Jobs'), each headed by its pod's name. */
async function serviceLogs(p: Project): Promise<string> {
  const pods = await kube
    .core()
    .listNamespacedPod({ namespace: p.namespace, labelSelector: "app.kubernetes.io/name=accounting" });
  const serving = pods.items.filter(
    (pod) => pod.metadata?.ownerReferences?.[0]?.kind === "ReplicaSet" && pod.status?.phase === "Running",
  );
  const logs = await Promise.all(
    serving.map(async (pod) => {
      const name = pod.metadata?.name ?? "";
      const log = await kube
        .core()
        .readNamespacedPodLog({ namespace: p.namespace, name })
        .catch((e: Error) => e.message);
      return `--- ${name}${pod.metadata?.deletionTimestamp ? " (terminating)" : ""}\n${log}`;
    }),
  );
  return logs.join("\n");
}

/** Every audit entry of accounting.charge in the project's indices (a bounded few). */
async function entries(p: Project): Promise<Entry[]> {
  await fetch(`${es}/${alias(p)}-*/_refresh`, { method: "POST" });
  const found = (await (
    await fetch(`${es}/${alias(p)}-*/_search?size=100`, {
      method: "POST",
      headers: { "content-type": "application/json" },
      body: JSON.stringify({ query: { match_all: {} } }),
    })
  ).json()) as { hits: { hits: Entry[] } };
  return found.hits.hits;
}

async function writeIndex(p: Project): Promise<string> {
  const aliases = (await (await fetch(`${es}/_alias/${alias(p)}`)).json()) as Record<
    string,
    { aliases: Record<string, { is_write_index?: boolean }> }
  >;
  const indices = Object.entries(aliases);
  return (indices.find(([, a]) => a.aliases[alias(p)]?.is_write_index) ?? indices[0])![0];
}

/** Version 1 answers `calls` charges with product an object; each is an accepted audit entry. */
async function version1Audited(p: Project): Promise<string> {
  for (let i = 0; i < calls; i++) expect(await charge(p, { id: "gpu", category: "compute" })).toBe(200);
  const stats = await auditStats(p, calls);
  expect(stats.rejected).toBe(0);
  const index = await writeIndex(p);
  const mine = (await entries(p)).filter((e) => e._source.version === v1(p) && e._source.status === 200);
  expect(mine.map((e) => [e._index, e._source.request.product])).toEqual(
    Array.from({ length: calls }, () => [index, { id: "gpu", category: "compute" }]),
  );
  return index;
}

afterAll(async () => {
  await Promise.all([removeExample(procedure.namespace), removeExample(skipped.namespace)]);
});

describe("a) the call's type changes, deployed by the procedure: the audit index rolls over first", () => {
  let oldIndex: string;
  beforeAll(async () => {
    await deployVersion1(procedure);
    oldIndex = await version1Audited(procedure);
  });

  it("version 2's entries are accepted and found in the new index, version 1's stay in the old one", async () => {
    defineVersion2(procedure);
    const r = await deploy(procedure);
    expect(r.code, r.stdout + r.stderr).toBe(0);
    expect(r.stderr).toMatch(/update the audit index of accounting\.charge \(roll-over\)/);
    expect(r.stderr).toMatch(/rolled \S*http_logs_accounting\.charge over/);
    const newIndex = await writeIndex(procedure);
    expect(newIndex).not.toBe(oldIndex);

    await settled(procedure);
    for (let i = 0; i < calls; i++) expect(await charge(procedure, "gpu")).toBe(200);
    const stats = await auditStats(procedure, calls);
    expect(stats).toMatchObject({ rejected: 0, lastError: null });
    expect(stats.written).toBeGreaterThanOrEqual(calls);

    const all = await entries(procedure);
    const byVersion = (v: string) =>
      all
        .filter((e) => e._source.version === v && e._source.status === 200)
        .map((e) => [e._index, e._source.request.product]);
    expect(byVersion(v2(procedure))).toEqual(Array.from({ length: calls }, () => [newIndex, "gpu"]));
    expect(byVersion(v1(procedure))).toEqual(
      Array.from({ length: calls }, () => [oldIndex, { id: "gpu", category: "compute" }]),
    );
    // Searchable by the new type: the new index maps product as a keyword.
    const counted = (await (
      await fetch(`${es}/${newIndex}/_count`, {
        method: "POST",
        headers: { "content-type": "application/json" },
        body: JSON.stringify({ query: { term: { "request.product": "gpu" } } }),
      })
    ).json()) as { count: number };
    expect(counted.count).toBe(calls);

    const status = await runSlipway([
      "audit",
      "status",
      "accounting",
      "--env",
      "dev",
      "-o",
      "json",
      "-c",
      procedure.config,
      "--kubeconfig",
      platform.kubeconfig,
    ]);
    expect(status.code, status.stderr).toBe(0);
    expect((JSON.parse(status.stdout) as AuditStatusDocument).calls).toEqual([
      expect.objectContaining({
        call: "accounting.charge",
        matches: true,
        writeIndex: newIndex,
        conflicts: [],
      }),
    ]);
  });
});

describe("b) the same change with the audit-index step skipped (--skip-audit-index --reason): Elasticsearch rejects the entries", () => {
  let oldIndex: string;
  const reason = "proving what the audit rule prevents";
  beforeAll(async () => {
    await deployVersion1(skipped);
    oldIndex = await version1Audited(skipped);
  });

  it("needs a reason", async () => {
    const r = await runSlipway([...deployArgs(skipped), "--skip-audit-index", "--dry-run"]);
    expect(r.code).toBe(ExitCode.usage);
    expect(r.stderr).toContain("--skip-audit-index needs --reason");
  });

  it("deploys, says which call and field it leaves rejecting, records it; the service's entries are rejected, and audit status names them", async () => {
    defineVersion2(skipped);
    const r = await deploy(skipped, "--skip-audit-index", "--reason", reason);
    expect(r.code, r.stdout + r.stderr).toBe(0);
    expect(r.stderr).toContain(`accounting: audit index update skipped by `);
    expect(r.stderr).toContain(
      `accounting: warning: audit index accounting.charge: Elasticsearch REJECTS this version's entries: request.product is object, defined keyword: entries rejected (write index ${oldIndex}); fix: deploy again without --skip-audit-index, which rolls ${alias(skipped)} over`,
    );
    expect(await writeIndex(skipped)).toBe(oldIndex);

    await settled(skipped);
    for (let i = 0; i < calls; i++) expect(await charge(skipped, "gpu")).toBe(200);
    const stats = await auditStats(skipped, calls);
    expect(stats.rejected).toBeGreaterThanOrEqual(calls);
    expect(stats.lastError).toMatch(
      new RegExp(
        `^accounting\\.charge → ${alias(skipped).replace(/\./g, "\\.")}: 400 (mapper_parsing_exception|document_parsing_exception): .*\\[request\\.product\\]`,
      ),
    );
    // The pod's log names the call, the alias and Elasticsearch's reason.
    const line = `audit: the entry of accounting.charge was not written to ${alias(skipped)}: 400 `;
    let logs = "";
    for (let i = 0; i < 20 && !logs.includes(line); i++) {
      if (i) await new Promise((r) => setTimeout(r, 500));
      logs = await serviceLogs(skipped);
    }
    expect(logs).toContain(line);
    // None of version 2's charges is in any index.
    const stored = (await entries(skipped)).filter(
      (e) => e._source.version === v2(skipped) && e._source.status === 200,
    );
    expect(stored).toEqual([]);

    // After the rollout, Slipway shows it: the call, the field, what Elasticsearch does.
    const status = await runSlipway([
      "audit",
      "status",
      "accounting",
      "--env",
      "dev",
      "-o",
      "json",
      "-c",
      skipped.config,
      "--kubeconfig",
      platform.kubeconfig,
    ]);
    expect(status.code).toBe(ExitCode.differs);
    expect((JSON.parse(status.stdout) as AuditStatusDocument).calls).toEqual([
      expect.objectContaining({
        call: "accounting.charge",
        matches: false,
        writeIndex: oldIndex,
        conflicts: [{ field: "request.product", live: "object", expected: "keyword", effect: "rejected" }],
      }),
    ]);
    const table = await runSlipway([
      "audit",
      "status",
      "accounting",
      "--env",
      "dev",
      "-c",
      skipped.config,
      "--kubeconfig",
      platform.kubeconfig,
    ]);
    expect(table.stdout).toContain("request.product is object, defined keyword: entries rejected");

    // Recorded like the other overrides.
    const release = await new ReleaseStore(
      Cluster.open("local", platform.kubeconfig),
      skipped.namespace,
    ).latest("accounting", ["deployed"]);
    expect(release?.version).toBe(v2(skipped));
    expect(release?.overrides).toContainEqual(expect.stringContaining(reason));
    expect(release?.checks).toContainEqual(
      expect.objectContaining({
        check: "audit-index/accounting.charge",
        outcome: "skipped",
        message: expect.stringContaining("request.product is object, defined keyword: entries rejected"),
      }),
    );
  });
});
