// The demo's own copy of the example platform, deploying into a namespace of its own, and the
// reset of whatever an earlier run left there (namespace, databases, audit indices).
import {
  cpSync,
  existsSync,
  mkdirSync,
  readFileSync,
  rmSync,
  symlinkSync,
  unlinkSync,
  writeFileSync,
} from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { fileURLToPath } from "node:url";
import { CoreV1Api, KubeConfig } from "@kubernetes/client-node";
import { loadPlatform } from "../../platform/src/connection.ts";
import { sleep } from "../../platform/src/process/wait.ts";
import { mergeKubeconfigs, mintNamespaceToken } from "../../platform/src/service-account-token.ts";
import { dropExampleDatabases, provisionExampleDatabases } from "../example-databases.ts";
import { deployerRole } from "../../src/render/rbac.ts";

export const namespace = "research-demo";
export const indexPrefix = "demo-";
/** prod, on the second control plane: its own namespace, databases and audit indices. */
export const prodNamespace = "research-demo-prod";
export const prodIndexPrefix = "demo-prod-";
/** The identity that approves promotions to prod (a ServiceAccount the demo mints a token for). */
export const releaseManager = `system:serviceaccount:${prodNamespace}:release-manager`;
const repoRoot = fileURLToPath(new URL("../..", import.meta.url));

export interface DemoProject {
  readonly root: string;
  readonly config: string;
  /** Replaces text in a file of the copy; throws if it changed nothing. */
  edit(file: string, from: string, to: string): void;
  write(file: string, content: string): void;
  remove(file: string): void;
}

/** A fresh copy of examples/platform under the temp folder, its dev environment in `namespace`. */
export function copyExample(root = join(tmpdir(), "slipway-demo")): DemoProject {
  // The copy links the repository as node_modules/slipway: unlink it before removing the copy.
  const link = join(root, "node_modules", "slipway");
  if (existsSync(link)) unlinkSync(link);
  rmSync(root, { recursive: true, force: true });
  cpSync(join(repoRoot, "examples", "platform"), root, { recursive: true });
  // Outside the repository, `import ... from "slipway"` needs a package to resolve from.
  writeFileSync(
    join(root, "package.json"),
    '{ "name": "slipway-demo", "private": true, "type": "module" }\n',
  );
  mkdirSync(join(root, "node_modules"));
  symlinkSync(repoRoot, link, "dir");

  const project: DemoProject = {
    root,
    config: join(root, "slipway.config.ts"),
    edit(file, from, to) {
      const path = join(root, file);
      const before = readFileSync(path, "utf8");
      const after = before.replace(from, to);
      if (after === before) throw new Error(`demo: editing ${file} changed nothing (${from})`);
      writeFileSync(path, after);
    },
    write: (file, content) => writeFileSync(join(root, file), content),
    remove: (file) => rmSync(join(root, file)),
  };
  project.edit("slipway.config.ts", 'namespace: "research-dev"', `namespace: "${namespace}"`);
  project.edit(
    "slipway.config.ts",
    'search: { url: "http://127.0.0.1:29200" }',
    `search: { url: "http://127.0.0.1:29200", indexPrefix: "${indexPrefix}" }`,
  );
  project.edit("slipway.config.ts", 'namespace: "research"', `namespace: "${prodNamespace}"`);
  project.edit("slipway.config.ts", 'indexPrefix: "prod-"', `indexPrefix: "${prodIndexPrefix}"`);
  project.edit(
    "slipway.config.ts",
    '"system:serviceaccount:research:release-manager"',
    JSON.stringify(releaseManager),
  );
  return project;
}

/** Removes what an earlier run left: the namespace (waiting until it is gone), databases, audit indices. */
export async function resetEnvironment(
  context: string,
  namespace: string,
  indexPrefix: string,
): Promise<void> {
  const platform = loadPlatform();
  const kc = new KubeConfig();
  kc.loadFromFile(platform.kubeconfig);
  kc.setCurrentContext(context);
  const core = kc.makeApiClient(CoreV1Api);
  const gone = (e: { code?: number }): undefined => {
    if (e.code !== 404) throw e;
    return undefined;
  };
  await core.deleteNamespace({ name: namespace }).catch(gone);
  const deadline = Date.now() + 180_000;
  while (await core.readNamespace({ name: namespace }).catch(gone)) {
    if (Date.now() > deadline) throw new Error(`namespace ${namespace} still exists after 3 minutes`);
    await sleep(500);
  }
  await dropExampleDatabases(namespace);
  await removeAuditIndices(platform.elasticsearch, indexPrefix);
}

/** Databases, their Secrets and the registry pull secret for the copy's environment. */
export const provisionDatabases = (project: DemoProject, envName: string): Promise<string[]> =>
  provisionExampleDatabases(project.config, envName);

/** Deletes the audit indices and index templates of an index prefix (as test/support does). */
async function removeAuditIndices(es: string, prefix: string): Promise<void> {
  const get = async <T>(path: string): Promise<T> => {
    const response = await fetch(`${es}${path}`);
    if (!response.ok) throw new Error(`GET ${path}: search server answered ${response.status}`);
    return (await response.json()) as T;
  };
  const del = async (path: string): Promise<void> => {
    const response = await fetch(`${es}${path}`, { method: "DELETE" });
    if (!response.ok && response.status !== 404)
      throw new Error(`DELETE ${path}: search server answered ${response.status}`);
  };
  // Elasticsearch 8 refuses wildcard deletes: list, then delete by name.
  const indices = await get<{ index: string }[]>(`/_cat/indices/${prefix}http_logs_*?format=json&h=index`);
  if (indices.length) await del(`/${indices.map((i) => i.index).join(",")}`);
  // Only the templates of this prefix: another prefix may start with it ("demo-x1-").
  const response = await fetch(`${es}/_index_template/slipway-audit-${prefix}*`);
  const templates = response.status === 404 ? {} : ((await response.json()) as TemplateList);
  for (const t of templates.index_templates ?? []) {
    if (t.index_template.index_patterns.every((p) => p.startsWith(`${prefix}http_logs_`)))
      await del(`/_index_template/${t.name}`);
  }
}

interface TemplateList {
  index_templates?: { name: string; index_template: { index_patterns: string[] } }[];
}

/**
 * The release manager's kubeconfig: a token on each cluster, reading dev (what it runs) and
 * deploying prod with exactly the Role `slipway rbac --env prod` prints.
 */
export async function releaseManagerKubeconfig(project: DemoProject): Promise<string> {
  const [dev, prod] = await Promise.all([
    mintNamespaceToken({
      namespace,
      serviceAccount: "release-manager",
      clusterRole: "edit",
      contextName: "local",
    }),
    mintNamespaceToken({
      context: "rancher",
      namespace: prodNamespace,
      serviceAccount: "release-manager",
      role: deployerRole(prodNamespace), // what `slipway rbac --env prod` prints
      contextName: "rancher",
    }),
  ]);
  const file = join(project.root, "release-manager.kubeconfig");
  writeFileSync(file, mergeKubeconfigs(dev.kubeconfig, prod.kubeconfig), { mode: 0o600 });
  return file;
}
