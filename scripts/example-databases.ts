// Gives the example platform's databases a home on the local platform: one PostgreSQL database
// per database the environment names, and the Secret (key "url") the environment points at.
// The demo runs it before deploying; tests call provisionExampleDatabases for their namespaces.
// It also creates the hand-made Secrets the example's pods reference, with placeholder values.
import pg from "pg";
import { KubeConfig, CoreV1Api } from "@kubernetes/client-node";
import { loadPlatform } from "../platform/src/connection.ts";
import { postgresClientConfig } from "../platform/src/parts/postgres.ts";
import { loadProject } from "../src/definitions/load.ts";
import { podReferences } from "../src/checks/references/pod-references.ts";
import { renderEnvironment } from "../src/render/render.ts";

export async function provisionExampleDatabases(configPath: string, envName: string): Promise<string[]> {
  const platform = loadPlatform();
  const project = await loadProject(configPath);
  const env = project.environments.find((e) => e.name === envName);
  if (!env) throw new Error(`no environment ${envName}`);
  const namespace = env.cluster.namespace;
  const admin = new pg.Client(postgresClientConfig(platform));
  const kc = new KubeConfig();
  kc.loadFromFile(platform.kubeconfig);
  // The environment's own cluster: the platform's kubeconfig has local, k3s and rancher.
  kc.setCurrentContext(env.cluster.context);
  const core = kc.makeApiClient(CoreV1Api);
  await core.createNamespace({ body: { metadata: { name: namespace } } }).catch((e: { code?: number }) => {
    if (e.code !== 409) throw e;
  });
  await admin.connect();
  const created: string[] = [];
  try {
    for (const [name, ref] of Object.entries(env.databases ?? {})) {
      const database = `${namespace}_${name}`.replace(/[^a-z0-9_]/g, "_");
      const exists = await admin.query("select 1 from pg_database where datname = $1", [database]);
      if (exists.rowCount === 0) {
        await admin.query(`create database "${database}"`);
        // The dynamic proof of migrations reads the running version's queries from here.
        const db = new pg.Client(postgresClientConfig(platform, database));
        await db.connect();
        await db.query("create extension if not exists pg_stat_statements");
        await db.end();
      }
      // The node's address: the pods on the real node and Slipway on this machine both reach it.
      const url = `postgresql://${encodeURIComponent(platform.secrets.postgresUser)}:${encodeURIComponent(platform.secrets.postgresPassword)}@${platform.realNode.postgres.host}:${platform.realNode.postgres.port}/${database}`;
      const body = {
        metadata: { name: ref.secret, namespace },
        type: "Opaque",
        stringData: { [ref.key ?? "url"]: url },
      };
      await core.createNamespacedSecret({ namespace, body }).catch(async (e: { code?: number }) => {
        if (e.code !== 409) throw e;
        await core.replaceNamespacedSecret({ name: ref.secret, namespace, body });
      });
      created.push(database);
    }
  } finally {
    await admin.end();
  }
  // The registry is private: workloads pull with the environment's pull secret.
  if (env.registry.pullSecret) {
    const auth = Buffer.from(
      `${platform.secrets.registryUser}:${platform.secrets.registryPassword}`,
    ).toString("base64");
    const body = {
      metadata: { name: env.registry.pullSecret, namespace },
      type: "kubernetes.io/dockerconfigjson",
      stringData: { ".dockerconfigjson": JSON.stringify({ auths: { [env.registry.host]: { auth } } }) },
    };
    await core.createNamespacedSecret({ namespace, body }).catch(async (e: { code?: number }) => {
      if (e.code !== 409) throw e;
      await core.replaceNamespacedSecret({ name: env.registry.pullSecret as string, namespace, body });
    });
  }
  await provisionReferencedSecrets(core, namespace, project, envName);
  return created;
}

/**
 * The example's hand-made Secrets (a signing key, storage credentials, the SMTP password): what
 * a platform team creates before the first deploy, or the plan's references check blocks. Here
 * with placeholder values, one per key the pods read; one that exists already is left as it is.
 */
async function provisionReferencedSecrets(
  core: CoreV1Api,
  namespace: string,
  project: Awaited<ReturnType<typeof loadProject>>,
  envName: string,
): Promise<void> {
  const env = project.environments.find((e) => e.name === envName);
  const own = new Set([
    ...Object.values(env?.databases ?? {}).map((d) => d.secret),
    ...(env?.registry.pullSecret ? [env.registry.pullSecret] : []),
  ]);
  const keys = new Map<string, Set<string>>();
  const services = project.services.get(envName) ?? [];
  for (const name of services.flatMap((s) => s.spec.secrets ?? []))
    if (!own.has(name)) keys.set(name, keys.get(name) ?? new Set());
  for (const r of podReferences(renderEnvironment(project, envName)))
    if (r.kind === "Secret" && !r.optional && !own.has(r.name))
      keys.set(r.name, new Set([...(keys.get(r.name) ?? []), ...(r.key ? [r.key] : [])]));
  for (const [name, wanted] of keys) {
    const stringData = Object.fromEntries([...wanted].map((k) => [k, `example-${k}`]));
    const body = { metadata: { name, namespace }, type: "Opaque", stringData };
    await core.createNamespacedSecret({ namespace, body }).catch((e: { code?: number }) => {
      if (e.code !== 409) throw e;
    });
  }
}

/** Drops the databases provisioned for a namespace (tests clean up after themselves). */
export async function dropExampleDatabases(namespace: string): Promise<void> {
  const platform = loadPlatform();
  const admin = new pg.Client(postgresClientConfig(platform));
  await admin.connect();
  try {
    const prefix = `${namespace}_`.replace(/[^a-z0-9_]/g, "_");
    const rows = await admin.query<{ datname: string }>(
      "select datname from pg_database where starts_with(datname, $1)",
      [prefix],
    );
    for (const row of rows.rows) await admin.query(`drop database "${row.datname}" with (force)`);
  } finally {
    await admin.end();
  }
}

if (import.meta.url === `file://${process.argv[1]}`) {
  const [config = "examples/platform/slipway.config.ts", env = "dev"] = process.argv.slice(2);
  const databases = await provisionExampleDatabases(config, env);
  console.log(
    `databases ready for ${env}: ${databases.join(", ")} (connection URLs in Secrets, not printed)`,
  );
}
