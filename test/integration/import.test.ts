// `slipway import` on the local platform, through the installed binary: a namespace made by
// hand (kubectl-style objects, no Slipway labels) is imported into a project; `plan` on that
// project shows only the adoption of the existing objects, with no field changes; a deploy
// adopts them and the next plan has nothing to do. The import refuses to overwrite files
// without --force, says clearly what is wrong with its context, namespace or server, and never
// writes or prints a Secret's value.
import { mkdtempSync, readFileSync, readdirSync, rmSync, statSync, writeFileSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { parse, stringify } from "yaml";
import { buildAndPushImage } from "../../scripts/build-images.ts";
import { Cluster } from "../../src/clients/kubernetes/cluster.ts";
import type { ImportReportDocument } from "../../src/output/documents.ts";
import { expectDocument } from "../support/documents.ts";
import { liveNamespaceObjects, secretMarker } from "../support/live-namespace.ts";
import { platform, withNamespace } from "../support/platform.ts";
import { runSlipway } from "../support/slipway-bin.ts";

const cluster = Cluster.open("local", platform.kubeconfig);
const kube = ["--kubeconfig", platform.kubeconfig];
const work = mkdtempSync(join(tmpdir(), "slipway-import-"));
const out = join(work, "project");
const config = join(out, "slipway.config.ts");
let ns: { name: string; remove: () => Promise<void> };

const filesUnder = (dir: string): string[] =>
  readdirSync(dir, { withFileTypes: true }).flatMap((e) =>
    e.isDirectory() ? filesUnder(join(dir, e.name)) : [join(dir, e.name)],
  );
const importArgs = (...extra: string[]): string[] => [
  "import",
  "--context",
  "local",
  "--namespace",
  ns.name,
  "--out",
  out,
  ...kube,
  ...extra,
];

beforeAll(async () => {
  ns = await withNamespace("import");
  const [web, reports] = await Promise.all(
    [
      ["web", "1.0.0"],
      ["reports", "2.1.0"],
    ].map(([image = "", version = ""]) =>
      buildAndPushImage({ service: image, image, version, repositoryPrefix: ns.name }),
    ),
  );
  const byDigest = (i: typeof web) => `${i?.reference.slice(0, i.reference.lastIndexOf(":"))}@${i?.digest}`;
  for (const o of liveNamespaceObjects(ns.name, { web: byDigest(web), reports: byDigest(reports) }))
    await cluster.create(o);
}, 180_000);
afterAll(async () => {
  await ns.remove();
  rmSync(work, { recursive: true, force: true });
});

describe("slipway import", () => {
  let report: ImportReportDocument;

  it("writes a project of the namespace's services and reports what went where", async () => {
    const r = await runSlipway(importArgs("-o", "json"));
    expect(r.code, r.stderr).toBe(0);
    report = expectDocument(r.stdout, "ImportReport");
    expect([...report.files].sort()).toEqual([
      "services/reports/service.ts",
      "services/web/service.ts",
      "slipway.config.ts",
    ]);
    const web = report.services.find((s) => s.name === "web");
    expect(web).toMatchObject({ version: "1.0.0", image: "web" });
    expect(web?.objects.map((o) => `${o.kind}/${o.name} ${o.field}`)).toEqual(
      expect.arrayContaining([
        "Deployment/web deployment",
        "Service/web service",
        "Ingress/web ingress",
        "HorizontalPodAutoscaler/web deployment.autoscale",
        "PodDisruptionBudget/web deployment.disruptionBudget",
        "ConfigMap/token-settings configMaps.token-settings (shared)",
        "ConfigMap/web-env configMaps.web-env",
      ]),
    );
    // A jobs-only service, grouped by the older `app` label: its CronJob and its ad-hoc Job.
    const reports = report.services.find((s) => s.name === "reports");
    expect(reports).toMatchObject({ version: "2.1.0" });
    expect(reports?.objects.map((o) => o.field)).toEqual(
      expect.arrayContaining(["cronJobs.nightly", expect.stringMatching(/^jobs\.rebuild/)]),
    );
    const hatch = report.escapeHatch.map((e) => `${e.kind}/${e.name} ${e.as} ${e.path ?? ""}`.trim());
    expect(hatch).toEqual(
      expect.arrayContaining([
        "StatefulSet/web-cache raw object",
        "Deployment/web patch /spec/template/spec/containers/0/startupProbe",
        "Deployment/web patch /spec/template/spec/containers/0/envFrom",
        "Deployment/web patch /spec/template/spec/topologySpreadConstraints",
        "Deployment/web patch /spec/selector",
      ]),
    );
    expect(report.skipped).toEqual(
      expect.arrayContaining([
        expect.objectContaining({ kind: "ConfigMap", name: "notes" }),
        expect.objectContaining({ kind: "Secret", name: "unused-token" }),
        expect.objectContaining({ kind: "ConfigMap", name: "kube-root-ca.crt" }),
      ]),
    );
    expect(report.secrets.map((s) => `${s.name}: ${s.keys.join(",")} (${s.usedBy.join(",")})`)).toEqual([
      "cloud-tls: tls.crt,tls.key (web)",
      "reports-db: url (reports)",
      "web-secrets: password (web)",
    ]);
    expect(report.remaining).toEqual([]);
    const webFile = readFileSync(join(out, "services/web/service.ts"), "utf8");
    expect(webFile).toContain('secrets: ["cloud-tls", "web-secrets"]');
    expect(webFile).toContain("rules: [");
  });

  it("never writes or prints a Secret's value", async () => {
    const text = await runSlipway(importArgs("--force"));
    expect(text.code, text.stderr).toBe(0);
    expect(text.stdout).toMatch(/Secrets to provide \(3\)/);
    const written = filesUnder(out).map((f) => readFileSync(f, "utf8"));
    for (const content of [...written, text.stdout, text.stderr, JSON.stringify(report)]) {
      expect(content).not.toContain(secretMarker);
      expect(content).not.toContain(Buffer.from(`${secretMarker}-password`).toString("base64"));
    }
  });

  it("refuses to overwrite files that are there without --force, and writes nothing", async () => {
    const file = join(out, "services/web/service.ts");
    writeFileSync(file, "// edited by hand\n");
    const before = statSync(config).mtimeMs;
    const r = await runSlipway(importArgs());
    expect(r.code).toBe(2);
    expect(r.stderr).toMatch(
      /already has slipway\.config\.ts, services\/reports\/service\.ts, services\/web\/service\.ts; nothing was written/,
    );
    expect(r.stderr).toContain("--force");
    expect(readFileSync(file, "utf8")).toBe("// edited by hand\n");
    expect(statSync(config).mtimeMs).toBe(before);
    const forced = await runSlipway(importArgs("--force"));
    expect(forced.code, forced.stderr).toBe(0);
    expect(readFileSync(file, "utf8")).toContain('name: "web"');
  });

  it("plans the written project as the adoption of what runs, with no field changes", async () => {
    const r = await runSlipway(["plan", "-e", "dev", "-c", config, ...kube, "-o", "json"]);
    expect(r.code, r.stdout + r.stderr).toBe(0);
    const plan = expectDocument(r.stdout, "Plan");
    expect(plan.blocked).toBe(false);
    const objects = plan.services.flatMap((s) => s.objects.map((o) => ({ service: s.service, ...o })));
    expect(objects.length).toBeGreaterThanOrEqual(11);
    for (const o of objects) {
      expect(
        o.action === "unchanged" || (o.action === "create" && o.adopts === true),
        `${o.kind}/${o.name}`,
      ).toBe(true);
      expect(o.changes, `${o.kind}/${o.name}`).toEqual([]);
    }
    expect(plan.services.flatMap((s) => s.dryRun?.findings ?? [])).toEqual([]);
    const text = await runSlipway(["plan", "-e", "dev", "-c", config, ...kube]);
    expect(text.stdout).toContain("& Deployment/web  (adopt, patched)");
    expect(text.stdout).toContain("exists without Slipway's labels: the apply adds them");
    expect(text.stdout + text.stderr).not.toContain(secretMarker);
  });

  it("deploys the project over what runs: the objects are adopted, the next plan has nothing to do", async () => {
    const r = await runSlipway(["deploy", "-e", "dev", "-c", config, ...kube, "--yes", "--timeout", "90s"]);
    expect(r.code, r.stdout + r.stderr).toBe(0);
    const deployment = await cluster.get("Deployment", "web", ns.name);
    expect(deployment?.metadata?.labels?.["app.kubernetes.io/managed-by"]).toBe("slipway");
    const again = await runSlipway(["plan", "-e", "dev", "-c", config, ...kube]);
    expect(again.code, again.stdout + again.stderr).toBe(0);
    expect(again.stdout).not.toMatch(/\((create|update|adopt|prune)/);
  }, 180_000);

  it("says what is wrong with the context, the namespace or the server, without a stack trace", async () => {
    const noContext = await runSlipway([
      "import",
      "--context",
      "nowhere",
      "--namespace",
      ns.name,
      "--out",
      join(work, "a"),
      ...kube,
    ]);
    expect(noContext.code).toBe(2);
    expect(noContext.stderr).toMatch(/kubeconfig has no context "nowhere" \(contexts: .*local/);
    const noNamespace = await runSlipway([
      "import",
      "--context",
      "local",
      "--namespace",
      "no-such-ns",
      "--out",
      join(work, "b"),
      ...kube,
    ]);
    expect(noNamespace.code).toBe(2);
    expect(noNamespace.stderr).toMatch(/namespace "no-such-ns" does not exist in context local/);
    // The same kubeconfig with the server moved to a port nothing listens on.
    const kc = parse(readFileSync(platform.kubeconfig, "utf8")) as {
      clusters: { cluster: { server: string } }[];
    };
    for (const c of kc.clusters) c.cluster.server = "https://127.0.0.1:1";
    const down = join(work, "down.kubeconfig");
    writeFileSync(down, stringify(kc));
    const unreachable = await runSlipway([
      "import",
      "--context",
      "local",
      "--namespace",
      ns.name,
      "--out",
      join(work, "c"),
      "--kubeconfig",
      down,
    ]);
    expect(unreachable.code).toBe(1);
    expect(unreachable.stderr).toMatch(/cannot reach the cluster at 127\.0\.0\.1:1/);
    for (const r of [noContext, noNamespace, unreachable]) expect(r.stderr).not.toMatch(/\n\s+at /);
  });
});
