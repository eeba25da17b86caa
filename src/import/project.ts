import type { KubernetesObject } from "@kubernetes/client-node";
import { crossCheck } from "../definitions/validate.ts";
import { flavourDefaults, type EnvironmentModel, type ServiceModel } from "../definitions/model.ts";
import type { ResolvedEnvironment } from "../definitions/schema/environment.ts";
import { draftService } from "./definition.ts";
import type { Spec } from "./draft.ts";
import { parseImage, type RegistryChoice } from "./image-reference.ts";
import { dropField, schemaIssues } from "./schema-fit.ts";
import { closeGaps } from "./gaps.ts";
import { groupObjects, serviceName, type SkippedObject } from "./group.ts";
import { podTemplateOf, workloadKinds } from "./pod-references.ts";
import type { LiveNamespace } from "./read.ts";
import type {
  EscapeHatchEntry,
  ImportedServiceEntry,
  ImportReport,
  RemainingChange,
  SecretToProvide,
} from "./report.ts";
import { tsLiteral } from "./write.ts";

export interface ImportOptions {
  readonly context: string;
  readonly namespace: string;
  /** The project's name; by default the objects' app.kubernetes.io/part-of, else the namespace. */
  readonly project?: string;
  readonly environment: string;
  readonly out: string;
}

const mostCommon = (values: readonly string[]): string | undefined => {
  const counts = new Map<string, number>();
  for (const v of values) counts.set(v, (counts.get(v) ?? 0) + 1);
  return [...counts].sort((a, b) => b[1] - a[1] || a[0].localeCompare(b[0]))[0]?.[0];
};

/** The registry most services' images come from: short image names sit under it. */
function chooseRegistry(objects: readonly KubernetesObject[]): RegistryChoice & { insecure?: true } {
  const folders = objects
    .filter((o) => workloadKinds.has(o.kind ?? ""))
    .flatMap((o) => podTemplateOf(o)?.spec?.containers ?? [])
    .map((c) => parseImage(c.image ?? "").repository)
    .filter((r) => {
      const first = r.split("/")[0] ?? "";
      return (
        r.split("/").length >= 3 && (first.includes(".") || first.includes(":") || first === "localhost")
      );
    })
    .map((r) => r.slice(0, r.lastIndexOf("/")));
  const folder = mostCommon(folders);
  if (!folder) return { host: "docker.io", repositoryPrefix: "library" };
  const host = folder.slice(0, folder.indexOf("/"));
  // A registry on this machine is a local one, which speaks plain HTTP.
  const local = /^(localhost|127\.\d+\.\d+\.\d+|\[::1\])(:\d+)?$/.test(host);
  return { host, repositoryPrefix: folder.slice(host.length + 1), ...(local ? { insecure: true } : {}) };
}

const header = (namespace: string, context: string): string =>
  `// Written by \`slipway import\` from namespace ${namespace} (context ${context}).\n` +
  "// Review it: what no definition field says is in `patches` and `objects` (the escape hatch).\n";

/**
 * Builds a Slipway project from what runs in a namespace: the files to write (path → content)
 * and the report of what went where. Pure: the namespace was read before.
 */
export function importProject(
  live: LiveNamespace,
  options: ImportOptions,
): { readonly files: Map<string, string>; readonly report: ImportReport } {
  const grouping = groupObjects(live.objects);
  const skipped: SkippedObject[] = [...grouping.skipped];
  const notes: string[] = [];
  const partOf = mostCommon(
    live.objects.flatMap((o) => {
      const v = o.metadata?.labels?.["app.kubernetes.io/part-of"];
      return v ? [v] : [];
    }),
  );
  const project = serviceName(options.project ?? partOf ?? options.namespace);
  if (partOf && options.project && serviceName(partOf) !== project)
    notes.push(
      `the objects say app.kubernetes.io/part-of=${partOf}; with --name ${project} a selector that names part-of no longer matches its pods`,
    );
  const managers = new Map<string, string[]>();
  for (const o of live.objects) {
    const manager = o.metadata?.labels?.["app.kubernetes.io/managed-by"];
    if (manager && manager !== "slipway")
      managers.set(manager, [...(managers.get(manager) ?? []), `${o.kind}/${o.metadata?.name}`]);
  }
  for (const [manager, objects] of managers)
    notes.push(
      `${objects.length} object(s) say app.kubernetes.io/managed-by=${manager} (${objects.slice(0, 3).join(", ")}${objects.length > 3 ? ", ..." : ""}): a deploy relabels them as Slipway's; stop managing them with ${manager} then (removing its release would delete them)`,
    );
  const registry = chooseRegistry(live.objects);
  const cluster = { context: options.context, namespace: options.namespace, flavour: "k3s" } as const;
  const environment: ResolvedEnvironment = { name: options.environment, cluster, registry };
  const env: EnvironmentModel = { ...environment, cluster, ...flavourDefaults.k3s };

  const configMapOwners = new Map<string, string>();
  for (const [service, objects] of grouping.services)
    for (const o of objects) if (o.kind === "ConfigMap") configMapOwners.set(o.metadata?.name ?? "", service);
  const shared = new Set(
    [...grouping.configMapUsers]
      .filter(([cm, users]) => configMapOwners.has(cm) && users.some((u) => u !== configMapOwners.get(cm)))
      .map(([cm]) => cm),
  );
  const secretNames = new Set(live.secrets.map((s) => s.name));

  const services: ImportedServiceEntry[] = [];
  const escapeHatch: EscapeHatchEntry[] = [];
  const remaining: RemainingChange[] = [];
  const specs: Spec[] = [];
  for (const [name, objects] of grouping.services) {
    const draft = draftService({
      name,
      objects,
      registry,
      configMapOwners,
      sharedConfigMaps: shared,
      secretNames,
    });
    if ("unusable" in draft) {
      for (const o of objects)
        skipped.push({
          kind: o.kind ?? "",
          name: o.metadata?.name ?? "",
          reason: `service ${name} ${draft.unusable}`,
        });
      continue;
    }
    // A value the schema refuses is left to the patches, which keep it as it runs.
    for (let i = 0; i < 20; i++) {
      const [issue] = schemaIssues(draft.spec);
      if (!issue) break;
      const where = issue.path.map(String).join(".");
      if (!dropField(draft.spec, issue.path)) {
        notes.push(`services/${name}/service.ts: ${where}: ${issue.message} (fix it by hand)`);
        break;
      }
      notes.push(`${name}: ${where}: ${issue.message}; the live value is kept by a patch instead`);
    }
    notes.push(...draft.notes);
    const closed = closeGaps(project, env, draft, draft.digest);
    specs.push(closed.spec);
    for (const r of draft.raw)
      escapeHatch.push({ service: name, kind: r.kind, name: r.name, as: "raw object", reason: r.reason });
    for (const k of closed.kept)
      escapeHatch.push({
        service: name,
        kind: k.kind,
        name: k.name,
        as: "patch",
        path: k.path,
        reason: k.why,
      });
    for (const r of closed.residual) remaining.push({ service: name, ...r });
    services.push({
      name,
      file: `services/${name}/service.ts`,
      version: closed.spec.version,
      image: closed.spec.image,
      objects: draft.mapped,
    });
  }

  const models: ServiceModel[] = specs.map((spec) => ({
    file: `services/${spec.name}/service.ts`,
    spec,
    parameters: {},
    configMaps: new Map(Object.entries(spec.configMaps ?? {}).map(([k, v]) => [k, { ...v.data }])),
    calls: [],
    migrations: [],
  }));
  for (const p of crossCheck(models, env)) notes.push(`${p.file}: ${p.path}: ${p.message} (fix it by hand)`);

  const used = new Map<string, string[]>();
  for (const spec of specs)
    for (const s of spec.secrets ?? []) used.set(s, [...(used.get(s) ?? []), spec.name]);
  const secrets: SecretToProvide[] = [...used]
    .sort(([a], [b]) => a.localeCompare(b))
    .map(([name, usedBy]) => {
      const found = live.secrets.find((s) => s.name === name);
      return {
        name,
        type: found?.type ?? "Opaque",
        keys: found?.keys ?? [],
        usedBy,
        exists: found !== undefined,
      };
    });
  for (const s of live.secrets)
    if (!used.has(s.name))
      skipped.push({
        kind: "Secret",
        name: s.name,
        reason:
          s.type === "kubernetes.io/service-account-token"
            ? "made by Kubernetes for a ServiceAccount"
            : s.type.startsWith("helm.sh/")
              ? "a Helm release record"
              : "no imported service uses it (its values are never read)",
      });

  const files = new Map<string, string>();
  const configBody = tsLiteral({ name: project, environments: ["@ENV@"] });
  files.set(
    "slipway.config.ts",
    `import { defineEnvironment, defineProject } from "slipway";\n\n${header(options.namespace, options.context)}` +
      `export default defineProject(${configBody.replace('"@ENV@"', `defineEnvironment(${tsLiteral(environment, "    ")})`)});\n`,
  );
  for (const spec of specs)
    files.set(
      `services/${spec.name}/service.ts`,
      `import { defineService } from "slipway";\n\n${header(options.namespace, options.context)}export default defineService(${tsLiteral(spec)});\n`,
    );
  const report: ImportReport = {
    context: options.context,
    namespace: options.namespace,
    project,
    environment: options.environment,
    out: options.out,
    files: [...files.keys()],
    services,
    escapeHatch,
    skipped: skipped.sort((a, b) => a.kind.localeCompare(b.kind) || a.name.localeCompare(b.name)),
    secrets,
    remaining,
    notes,
  };
  return { files, report };
}
