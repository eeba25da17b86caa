import { readFileSync, writeFileSync } from "node:fs";
import { join } from "node:path";
import { run } from "../../src/cli/run.ts";
import { captureOutput } from "./output.ts";
import { kube, platform, uniqueName } from "./platform.ts";
import { copyOfExample } from "./project.ts";
import { buildExampleImages } from "../../scripts/build-images.ts";

/**
 * A copy of the example platform whose dev environment deploys into a namespace of its own.
 * `node` says which node its pods need: `real` (the example's own choice: processes in
 * containers, for tests about a pod's life) or `simulated` (KWOK's nodes: Ready at once, no
 * process; for tests of plans, records, locks and the like, whose images need not run).
 */
export function isolatedExample(
  prefix: string,
  options: { readonly node: "real" | "simulated" },
): {
  root: string;
  config: string;
  namespace: string;
  edit: (file: string, from: string | RegExp, to: string) => void;
} {
  const copy = copyOfExample();
  const namespace = uniqueName(prefix);
  const configPath = join(copy.root, "slipway.config.ts");
  writeFileSync(
    configPath,
    readFileSync(configPath, "utf8")
      .replace('namespace: "research-dev"', `namespace: "${namespace}"`)
      // Audit indices of its own too: tests share one search server.
      .replace(
        'search: { url: "http://127.0.0.1:29200" }',
        `search: { url: "http://127.0.0.1:29200", indexPrefix: "${namespace}-" }`,
      )
      .replace('indexPrefix: "prod-"', `indexPrefix: "${namespace}-prod-"`)
      // prod as a plain environment: tests deploy it directly, and those about promotion
      // (promotion.test.ts, ui.test.ts) add what they need. The demo keeps the example's.
      .replace(/\n\s*promotion: \{ from: "dev" \},\n\s*approval: \{[^\n]*\},/, "")
      .replace(
        'requires: ["image", "ci", "promotion", "signature", "provenance"]',
        'requires: ["image", "ci"]',
      )
      // Unsigned prod deploys too: signed-images.test.ts is about signatures.
      .replace(/\n\s*signatures: \{ keys: [^\n]*\},/, ""),
  );
  if (options.node === "simulated") {
    const config = readFileSync(configPath, "utf8");
    const placement = /\n\s*\/\/ The local platform's real node[^\n]*\n\s*pod: \{[\s\S]*?\n {4}\},/;
    if (!placement.test(config)) throw new Error("the example's dev environment no longer places its pods");
    writeFileSync(configPath, config.replace(placement, ""));
  }
  const edit = (file: string, from: string | RegExp, to: string): void => {
    const path = join(copy.root, file);
    const before = readFileSync(path, "utf8");
    const after = before.replace(from, to);
    if (after === before) throw new Error(`edit of ${file} changed nothing: ${String(from)}`);
    writeFileSync(path, after);
  };
  return { ...copy, namespace, edit };
}

/** Databases and their Secrets for an isolated example's dev environment. */
import { dropExampleDatabases } from "../../scripts/example-databases.ts";
export { provisionExampleDatabases } from "../../scripts/example-databases.ts";

/** Removes what a test deployed: the example's namespace and its databases. */
export async function removeExample(namespace: string): Promise<void> {
  await kube
    .core()
    .deleteNamespace({ name: namespace })
    .catch(() => undefined);
  await dropExampleDatabases(namespace);
  await removeAuditIndices(`${namespace}-`);
}

/** Deletes the audit indices and templates whose names start with an index prefix (its "-prod-" ones too). */
export async function removeAuditIndices(prefix: string): Promise<void> {
  // Elasticsearch 8 refuses wildcard deletes: list, then delete by name.
  const es = platform.elasticsearch;
  const indices = (await (
    await fetch(`${es}/_cat/indices/${prefix}*http_logs_*?format=json&h=index`)
  ).json()) as {
    index: string;
  }[];
  if (indices.length) await fetch(`${es}/${indices.map((i) => i.index).join(",")}`, { method: "DELETE" });
  const templates = (await (await fetch(`${es}/_index_template/slipway-audit-${prefix}*`)).json()) as {
    index_templates?: { name: string }[];
  };
  for (const t of templates.index_templates ?? [])
    await fetch(`${es}/_index_template/${t.name}`, { method: "DELETE" });
}

const published = new Set<string>();

/**
 * Plays the example platform's CI for the versions a project defines: builds and pushes each
 * service version's image, and reports its successful, tested build to the Jenkins stand-in.
 * Done once per service version per test process.
 */
export async function publishDefinedVersions(config: string, envName = "dev"): Promise<void> {
  const built = await buildExampleImages(config, envName, (service, version) =>
    published.has(`${service}@${version}`),
  );
  for (const image of built) published.add(`${image.service}@${image.version}`);
}

/**
 * Runs the slipway CLI in-process against the local platform. Before a plan or deploy, the
 * defined versions are built and published as CI would have (`unpublished` skips that).
 */
export async function slipway(
  config: string,
  ...args: string[]
): Promise<{ code: number; stdout: string; stderr: string }> {
  if (args[0] === "plan" || args[0] === "deploy") await publishDefinedVersions(config);
  return slipwayUnpublished(config, ...args);
}

/** Runs the slipway CLI in-process, publishing nothing first. */
export async function slipwayUnpublished(
  config: string,
  ...args: string[]
): Promise<{ code: number; stdout: string; stderr: string }> {
  const out = captureOutput();
  const code = await run([...args, "-c", config, "--kubeconfig", platform.kubeconfig], out);
  return { code, stdout: out.stdout, stderr: out.stderr };
}

/**
 * Deploys auth, which renders and shares the token-validation ConfigMap every example service
 * mounts: a test that deploys one other service into a fresh namespace needs it there first,
 * or the references check rightly blocks (the pods would never start).
 */
export async function deploySharedConfigOwner(config: string): Promise<void> {
  const r = await slipway(config, "deploy", "auth", "--env", "dev", "--yes", "--timeout", "60s");
  if (r.code !== 0)
    throw new Error(`deploying auth (the owner of token-validation) failed:\n${r.stdout}${r.stderr}`);
}
