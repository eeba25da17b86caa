// Failures are real programs failing on the real node (kubelet, containerd, runc), and Slipway
// says why, inline: the kubelet's reason and the container's last log line, in the deploy's
// output, in the release record and on the dashboard's timeline. One copy of the example in a
// namespace of its own; auth (the shared ConfigMap's owner), accounting and mail deployed once;
// each test breaks one version of one service (SLIPWAY_EXAMPLE_FAULT, a bad migration, an
// image whose layer is gone) and deploys it through the installed binary.
import { randomBytes } from "node:crypto";
import { rmSync, writeFileSync } from "node:fs";
import { join } from "node:path";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { ExitCode } from "../../src/cli/exit-codes.ts";
import { Cluster } from "../../src/clients/kubernetes/cluster.ts";
import type { HistoryDocument } from "../../src/output/documents.ts";
import type { ReleaseRecord } from "../../src/release/record.ts";
import { ReleaseStore } from "../../src/release/store.ts";
import { timelineEntry } from "../../src/status/timeline.ts";
import { timelinePage } from "../../src/ui/views/timeline.ts";
import {
  isolatedExample,
  provisionExampleDatabases,
  publishDefinedVersions,
  removeExample,
} from "../support/deploy-project.ts";
import { platform } from "../support/platform.ts";
import { runSlipway, type SlipwayResult } from "../support/slipway-bin.ts";

const project = isolatedExample("real-faults", { node: "real" });
const run = randomBytes(2).toString("hex");
const cluster = Cluster.open("local", platform.kubeconfig);
const store = new ReleaseStore(cluster, project.namespace);

const slipway = (...args: string[]): Promise<SlipwayResult> =>
  runSlipway([...args, "-c", project.config, "--kubeconfig", platform.kubeconfig]);

/** CI first (build, push, report the tested build), then the installed binary's deploy. */
async function deploy(timeout: string, ...args: string[]): Promise<SlipwayResult & { text: string }> {
  await publishDefinedVersions(project.config);
  const r = await slipway("deploy", "--env", "dev", "--yes", "--timeout", timeout, ...args);
  return { ...r, text: `${r.stdout}\n${r.stderr}` };
}

const definition = (service: string): string => `services/${service}/service.ts`;

/** A version of a service with changes, deployed; then the copy's definition as it was. */
async function deployBroken(
  service: string,
  from: string,
  to: string,
  edits: readonly (readonly [string, string])[],
  timeout: string,
  ...flags: string[]
): Promise<SlipwayResult & { text: string }> {
  project.edit(definition(service), `version: "${from}"`, `version: "${to}"`);
  for (const [a, b] of edits) project.edit(definition(service), a, b);
  try {
    return await deploy(timeout, service, ...flags);
  } finally {
    for (const [a, b] of [...edits].reverse()) project.edit(definition(service), b, a);
    project.edit(definition(service), `version: "${to}"`, `version: "${from}"`);
  }
}

const fault = (service: "accounting" | "mail", name: string): [string, string] =>
  service === "accounting"
    ? ['AUTH_URL: "http://auth",', `AUTH_URL: "http://auth",\n      SLIPWAY_EXAMPLE_FAULT: "${name}",`]
    : ["SMTP_PASSWORD: {", `SLIPWAY_EXAMPLE_FAULT: "${name}",\n      SMTP_PASSWORD: {`];

/** The newest release of a service, as `history -o json` lists it, and its whole record. */
async function newest(
  service: string,
): Promise<{ summary: HistoryDocument["releases"][number]; record: ReleaseRecord }> {
  const h = await slipway("history", service, "--env", "dev", "-o", "json");
  expect(h.code, h.stderr).toBe(0);
  const summary = (JSON.parse(h.stdout) as HistoryDocument).releases[0];
  if (!summary) throw new Error(`${service} has no release`);
  return { summary, record: await store.get(service, summary.revision) };
}

/** What runs now: the Deployment's version label. */
async function liveVersion(service: string): Promise<string | undefined> {
  const d = await cluster.get("Deployment", service, project.namespace);
  return d?.metadata?.labels?.["app.kubernetes.io/version"];
}

beforeAll(async () => {
  await provisionExampleDatabases(project.config, "dev");
  const r = await deploy("150s", "auth", "accounting", "mail");
  expect(r.code, r.text).toBe(0);
}, 600_000);

afterAll(() => removeExample(project.namespace), 120_000);

describe("a failure on the real node is said with its reason and last log line", () => {
  it("a crash at start: CrashLoopBackOff and the program's fatal line, rolled back (exit 6)", async () => {
    const version = `2.3.1-crash-${run}`;
    const r = await deployBroken(
      "accounting",
      "2.3.1",
      version,
      [fault("accounting", "exit-at-start")],
      "90s",
    );
    expect(r.code, r.text).toBe(ExitCode.rolledBack);
    const fatal = "fatal: cannot parse /etc/accounting/accounting.yaml: fault exit-at-start injected";
    // The step's line names the reason and the last log line; the lines under it, the log.
    expect(r.text).toMatch(
      new RegExp(
        `accounting: rollout failed: pod failed: accounting-\\S+: container accounting CrashLoopBackOff.*; last log line: ${fatal}`,
      ),
    );
    expect(r.text).toMatch(/last \d log line\(s\) of the previous container:\n\s+fatal: cannot parse/);
    expect(r.text).toMatch(/accounting: rolled back to revision 1/);
    expect(await liveVersion("accounting")).toBe("2.3.1");

    const { summary, record } = await newest("accounting");
    expect(summary).toMatchObject({ version: version, status: "failed" });
    expect(summary.failure).toMatch(/^rollout: rollout failed: .*CrashLoopBackOff.*fatal: cannot parse/);
    expect(record.failure?.step).toBe("rollout");
    expect(record.failure?.evidence[0]).toMatchObject({
      container: "accounting",
      reason: "CrashLoopBackOff",
      exitCode: 1,
      logsFrom: "previous",
    });
    expect(record.failure?.evidence[0]?.logs?.at(-1)).toContain(fatal);
    // The dashboard's timeline draws the same record: the reason and the log line, not just "rolled back".
    const page = String(
      timelinePage({
        service: "accounting",
        env: "dev",
        environments: ["dev"],
        entries: [timelineEntry(record, [])],
        readOnly: true,
      }),
    );
    expect(page).toContain("CrashLoopBackOff");
    expect(page).toContain("fatal: cannot parse /etc/accounting/accounting.yaml");
  });

  it("readiness that never passes: the rollout times out saying the probe's failure, rolled back", async () => {
    const version = `2.3.1-unready-${run}`;
    const r = await deployBroken("accounting", "2.3.1", version, [fault("accounting", "never-ready")], "30s");
    expect(r.code, r.text).toBe(ExitCode.rolledBack);
    expect(r.text).toMatch(
      /accounting: rollout failed: timed out after 30s: .*Unhealthy: Readiness probe failed: HTTP probe failed with statuscode: 503/,
    );
    expect(r.text).toMatch(/last log line: .*not ready: fault never-ready injected by SLIPWAY_EXAMPLE_FAULT/);
    expect(r.text).toMatch(/accounting: rolled back to revision 1/);
    const { summary, record } = await newest("accounting");
    expect(summary).toMatchObject({ version, status: "failed" });
    expect(summary.failure).toContain("Readiness probe failed: HTTP probe failed with statuscode: 503");
    expect(record.failure?.evidence[0]).toMatchObject({ reason: "Unhealthy", logsFrom: "current" });
  });

  it("a smoke test that fails: its reason from the Job's log, rolled back (exit 6)", async () => {
    const version = `0.9.2-smoke-${run}`;
    const r = await deployBroken("mail", "0.9.2", version, [fault("mail", "smoke-fails")], "60s");
    expect(r.code, r.text).toBe(ExitCode.rolledBack);
    expect(r.text).toMatch(/mail: rolled out: /);
    const reason =
      "smoke-test: FAILED: fault smoke-fails injected by SLIPWAY_EXAMPLE_FAULT: the answers above are taken as wrong";
    // The smoke test prints its steps on stdout and its failure on stderr: the container's log
    // has them in the order they arrived, so the failure is the last line ("last log line") or,
    // when a step's line came after it, the line Slipway picks as the one that says it failed ("log").
    expect(r.text).toMatch(
      new RegExp(
        `mail: verification smoke failed: Job mail-verify-smoke-r\\d+ failed: .*; (last log line|log): ${reason}`,
      ),
    );
    expect(r.text).toMatch(/mail: rolled back to revision 1/);
    expect(await liveVersion("mail")).toBe("0.9.2");
    const { summary, record } = await newest("mail");
    expect(summary).toMatchObject({ version, status: "failed" });
    expect(summary.failure).toContain("smoke-test: FAILED");
    expect(record.failure?.step).toBe("verify");
    // The record keeps the log's tail, in the container log's (arrival) order: see above.
    expect(record.failure?.evidence[0]?.logs?.slice(-2)).toContain(reason);
  });
  it("a migration Job that fails: Postgres's error in Slipway's output, nothing rolled out", async () => {
    const version = `2.3.2-badsql-${run}`;
    const file = join(project.root, "services/accounting/migrations/V3__budget.sql");
    writeFileSync(
      file,
      "alter table wallets add column budget numeric;\nalter tabel wallets add column cap numeric;\n",
    );
    let r: SlipwayResult & { text: string };
    try {
      r = await deployBroken(
        "accounting",
        "2.3.1",
        version,
        [],
        "60s",
        "--allow-breaking-migrations",
        "--reason",
        "the Job must fail for real",
      );
    } finally {
      rmSync(file, { force: true });
    }
    expect(r.code, r.text).toBe(ExitCode.failure);
    const error =
      'migrate-db: V3__budget.sql failed at 2:7: syntax error at or near "tabel" (SQLSTATE 42601)';
    expect(r.text).toMatch(
      new RegExp(
        `accounting: migrations failed: migration Job accounting-migrate-r\\d+ failed: .*; log: ${error.replace(/[()]/g, "\\$&")}`,
      ),
    );
    expect(r.text).toMatch(/nothing rolled out/);
    expect(r.text).not.toMatch(/accounting: rolled back/);
    expect(await liveVersion("accounting")).toBe("2.3.1");
    const { summary, record } = await newest("accounting");
    expect(summary).toMatchObject({ version, status: "failed" });
    expect(summary.failure).toContain('syntax error at or near "tabel"');
    expect(record.failure).toMatchObject({ step: "migrate" });
    expect(record.failure?.evidence[0]).toMatchObject({ exitCode: 1 });
    expect(record.failure?.evidence[0]?.logs).toContain(error);
  });

  it("an image whose layer is missing from the registry: ErrImagePull with the pull's error, rolled back", async () => {
    // The gate reads the tag's manifest and config (both there) and lets it through; the node
    // cannot pull the layer. The image is built and pushed, then its own layer is deleted.
    const version = `0.9.2-nopull-${run}`;
    project.edit(definition("mail"), 'version: "0.9.2"', `version: "${version}"`);
    let r: SlipwayResult & { text: string };
    let layer = "";
    try {
      await publishDefinedVersions(project.config);
      const registry = `http://${platform.registry}`;
      const auth = `Basic ${Buffer.from(`${platform.secrets.registryUser}:${platform.secrets.registryPassword}`).toString("base64")}`;
      const manifest = (await (
        await fetch(`${registry}/v2/research/mail/manifests/${version}`, {
          headers: {
            authorization: auth,
            accept:
              "application/vnd.oci.image.manifest.v1+json, application/vnd.docker.distribution.manifest.v2+json",
          },
        })
      ).json()) as { layers: { digest: string }[] };
      layer = manifest.layers.at(-1)?.digest ?? "";
      const deleted = await fetch(`${registry}/v2/research/mail/blobs/${layer}`, {
        method: "DELETE",
        headers: { authorization: auth },
      });
      expect(deleted.status, await deleted.text()).toBe(202);
      r = await deploy("60s", "mail");
    } finally {
      project.edit(definition("mail"), `version: "${version}"`, 'version: "0.9.2"');
    }
    expect(r.code, r.text).toBe(ExitCode.rolledBack);
    expect(r.text).toMatch(
      /mail: rollout failed: pod failed: mail-\S+: container mail (ErrImagePull|ImagePullBackOff): .*\S/,
    );
    // The pull's own error (containerd's), not just the reason: the blob it could not fetch.
    expect(r.text).toMatch(
      new RegExp(
        `(ErrImagePull|ImagePullBackOff): .*(${layer.slice(7, 19)}|not found|unknown blob|blob unknown)`,
      ),
    );
    expect(r.text).toMatch(/mail: rolled back to revision 1/);
    const { summary, record } = await newest("mail");
    expect(summary).toMatchObject({ version, status: "failed" });
    expect(summary.failure).toMatch(/ErrImagePull|ImagePullBackOff/);
    expect(record.failure?.evidence[0]?.reason).toMatch(/ErrImagePull|ImagePullBackOff/);
    // It never ran: no log lines to show.
    expect(record.failure?.evidence[0]?.logs).toBeUndefined();
  });
});
