import type { KubernetesObject } from "@kubernetes/client-node";
import type { EnvironmentModel, ServiceModel } from "../definitions/model.ts";
import { adoptionChanges, withSlipwayMarks } from "../plan/adopt.ts";
import type { FieldChange } from "../plan/diff.ts";
import { renderServiceObjects } from "../render/render.ts";
import type { Json } from "../render/json-patch.ts";
import type { DraftService, Spec } from "./draft.ts";

type Operation = { op: "add" | "remove" | "replace"; path: string; value?: Json };

/** A field a patch keeps as it runs, and why no definition field gives it. */
export interface KeptField {
  readonly kind: string;
  readonly name: string;
  readonly path: string;
  readonly why: "no definition field" | "differs from what the definition renders";
}

/** What still differs after the patches: said in the report, seen by the plan as adoption changes. */
export interface Residual {
  readonly kind: string;
  readonly name: string;
  readonly changes: readonly FieldChange[];
}

const escape = (key: string): string => key.replace(/~/g, "~0").replace(/\//g, "~1");
const isObject = (v: unknown): v is Record<string, unknown> =>
  v !== null && typeof v === "object" && !Array.isArray(v);
const same = (a: unknown, b: unknown): boolean => JSON.stringify(a) === JSON.stringify(b);
const isZero = (v: unknown): boolean =>
  v === 0 ||
  v === false ||
  v === "" ||
  v === null ||
  (Array.isArray(v) ? v.length === 0 : isObject(v) && Object.keys(v).length === 0);
const sameScalar = (a: unknown, b: unknown): boolean =>
  a === b ||
  ((typeof a === "number" || typeof a === "string") &&
    (typeof b === "number" || typeof b === "string") &&
    String(a) === String(b));

/**
 * Objects compared whole: a selector is what it is (merging key by key would change its
 * meaning), and the API treats a field or resource reference as one value, defaults included.
 */
const atomicKeys = new Set([
  "selector",
  "podSelector",
  "matchLabels",
  "matchExpressions",
  "fieldRef",
  "resourceFieldRef",
]);

/** Fields a pod spec or container may carry that no definition field gives, with their server defaults. */
const podCarry: Record<string, unknown> = {
  imagePullSecrets: [],
  initContainers: [],
  volumes: [],
  topologySpreadConstraints: [],
  hostAliases: [],
  priorityClassName: "",
  dnsConfig: {},
  dnsPolicy: "ClusterFirst",
  hostNetwork: false,
  hostPID: false,
  hostIPC: false,
  runtimeClassName: "",
  shareProcessNamespace: false,
  serviceAccountName: "default",
  nodeSelector: {},
  tolerations: [],
  affinity: {},
  securityContext: {},
  terminationGracePeriodSeconds: 30,
  automountServiceAccountToken: true,
  readinessGates: [],
  hostname: "",
  subdomain: "",
  enableServiceLinks: true,
  activeDeadlineSeconds: 0,
};
const containerCarry: Record<string, unknown> = {
  command: [],
  args: [],
  env: [],
  envFrom: [],
  ports: [],
  resources: {},
  volumeMounts: [],
  volumeDevices: [],
  livenessProbe: {},
  readinessProbe: {},
  startupProbe: {},
  lifecycle: {},
  workingDir: "",
  securityContext: {},
  stdin: false,
  tty: false,
  terminationMessagePath: "/dev/termination-log",
  terminationMessagePolicy: "File",
};
const probeCarry: Record<string, unknown> = { timeoutSeconds: 1, successThreshold: 1 };
const specCarry: Record<string, Record<string, unknown>> = {
  Deployment: { revisionHistoryLimit: 10, progressDeadlineSeconds: 600, paused: false },
  Service: { sessionAffinity: "None", publishNotReadyAddresses: false, externalName: "" },
  CronJob: {},
};
const jobSpecCarry: Record<string, unknown> = {
  activeDeadlineSeconds: 0,
  parallelism: 1,
  completions: 1,
  podFailurePolicy: {},
};

/** Where a workload's pod spec is. */
const podSpecPointer: Record<string, string[]> = {
  Deployment: ["spec", "template", "spec"],
  CronJob: ["spec", "jobTemplate", "spec", "template", "spec"],
};

interface Walk {
  readonly ops: Operation[];
  readonly kept: string[];
  readonly differs: string[];
}

/** JSON patch operations that make `want` (rendered) equal `have` (live) over the fields `want` has. */
function walk(want: unknown, have: unknown, ptr: string, w: Walk, atomic = false): void {
  if (/\/(initContainers|containers)\/\d+\/image$/.test(ptr)) return; // the version decides it
  if (have === undefined && isZero(want)) return;
  const differ = (): void => {
    if (have === undefined) w.ops.push({ op: "remove", path: ptr });
    else w.ops.push({ op: "replace", path: ptr, value: structuredClone(have) as Json });
    w.differs.push(ptr);
  };
  if (atomic) return same(want, have) ? undefined : differ();
  if (Array.isArray(want)) {
    if (!Array.isArray(have) || have.length !== want.length) return same(want, have) ? undefined : differ();
    want.forEach((x, i) => walk(x, have[i], `${ptr}/${i}`, w));
    return;
  }
  if (isObject(want)) {
    if (!isObject(have)) return differ();
    for (const [k, v] of Object.entries(want)) walk(v, have[k], `${ptr}/${escape(k)}`, w, atomicKeys.has(k));
    return;
  }
  if (!sameScalar(want, have)) differ();
}

/** Adds what the live object has at `base` that the rendered lacks, from a list of fields and their defaults. */
function carry(
  want: Record<string, unknown> | undefined,
  have: Record<string, unknown> | undefined,
  base: string,
  fields: Record<string, unknown>,
  w: Walk,
): void {
  if (!want || !have) return;
  for (const [field, byDefault] of Object.entries(fields)) {
    const value = have[field];
    if (value === undefined || field in want || same(value, byDefault)) continue;
    if (isObject(byDefault) && isObject(value) && Object.keys(value).length === 0) continue;
    w.ops.push({ op: "add", path: `${base}/${escape(field)}`, value: structuredClone(value) as Json });
    w.kept.push(`${base}/${field}`);
  }
}

const at = (root: unknown, path: readonly string[]): Record<string, unknown> | undefined => {
  let here: unknown = root;
  for (const k of path) here = isObject(here) ? here[k] : undefined;
  return isObject(here) ? here : undefined;
};

/** The operations that close one rendered object's gaps to its live counterpart. */
function objectGaps(rendered: KubernetesObject, live: KubernetesObject, service: string): Walk {
  const w: Walk = { ops: [], kept: [], differs: [] };
  const have = withSlipwayMarks(live, rendered) as unknown as Record<string, unknown>;
  const want = rendered as unknown as Record<string, unknown>;
  const pod = podSpecPointer[rendered.kind ?? ""];
  const podPtr = pod ? `/${pod.join("/")}` : undefined;
  for (const [key, value] of Object.entries(want)) {
    if (key === "apiVersion" || key === "kind" || key === "status") continue;
    if (key === "metadata") {
      for (const [mk, mv] of Object.entries(value as Record<string, unknown>))
        if (mk !== "name" && mk !== "namespace")
          walk(mv, (have.metadata as Record<string, unknown>)[mk], `/metadata/${mk}`, w);
      continue;
    }
    if (key === "spec" && pod) {
      // The pod spec's containers: the service's own is compared with the live one of its name.
      const wantPod = at(want, pod);
      const havePod = at(have, pod);
      const wantContainers = (wantPod?.containers ?? []) as Record<string, unknown>[];
      const haveContainers = (havePod?.containers ?? []) as Record<string, unknown>[];
      const mainIndex = Math.max(
        0,
        haveContainers.findIndex((c) => c.name === service),
      );
      const specCopy = structuredClone(value) as Record<string, unknown>;
      const haveCopy = structuredClone(have.spec) as Record<string, unknown>;
      const strip = (root: Record<string, unknown>) => {
        const p = at({ spec: root }, pod);
        if (p) delete p.containers;
      };
      strip(specCopy);
      strip(haveCopy);
      walk(specCopy, haveCopy, "/spec", w);
      const main = haveContainers[mainIndex];
      if (wantContainers[0] && main) {
        walk(wantContainers[0], main, `${podPtr}/containers/0`, w);
        carry(wantContainers[0], main, `${podPtr}/containers/0`, containerCarry, w);
        for (const probe of ["livenessProbe", "readinessProbe"])
          carry(
            wantContainers[0][probe] as Record<string, unknown> | undefined,
            main[probe] as Record<string, unknown> | undefined,
            `${podPtr}/containers/0/${probe}`,
            probeCarry,
            w,
          );
      }
      haveContainers.forEach((c, i) => {
        if (i === mainIndex) return;
        w.ops.push({ op: "add", path: `${podPtr}/containers/-`, value: structuredClone(c) as Json });
        w.kept.push(`${podPtr}/containers/${String(c.name)}`);
      });
      carry(wantPod, havePod, podPtr ?? "", podCarry, w);
      carry(
        want.spec as Record<string, unknown>,
        have.spec as Record<string, unknown>,
        "/spec",
        specCarry[rendered.kind ?? ""] ?? {},
        w,
      );
      if (rendered.kind === "CronJob")
        carry(
          at(want, ["spec", "jobTemplate", "spec"]),
          at(have, ["spec", "jobTemplate", "spec"]),
          "/spec/jobTemplate/spec",
          jobSpecCarry,
          w,
        );
      continue;
    }
    walk(value, have[key], `/${key}`, w);
    if (key === "spec")
      carry(
        want.spec as Record<string, unknown>,
        have.spec as Record<string, unknown>,
        "/spec",
        specCarry[rendered.kind ?? ""] ?? {},
        w,
      );
  }
  return w;
}

const modelOf = (draft: DraftService, spec: Spec): ServiceModel => ({
  file: `services/${spec.name}/service.ts`,
  spec,
  parameters: {},
  configMaps: draft.configMaps,
  calls: [],
  migrations: [],
});

/**
 * Closes the gaps between what a draft definition renders and what runs: each field that
 * differs, and each field the live object has that no definition field gives, becomes a JSON
 * patch of that object (the escape hatch), so the definition renders what runs. Then renders
 * again and says what still differs (the image by digest, at most).
 */
export function closeGaps(
  project: string,
  env: EnvironmentModel,
  draft: DraftService,
  /** The digest the service's image runs at, when it runs by digest: a plan pins the same. */
  digest?: string,
): { readonly spec: Spec; readonly kept: KeptField[]; readonly residual: Residual[] } {
  const spec = draft.spec;
  const options = digest ? { digests: new Map([[spec.name, digest]]) } : {};
  const rendered = renderServiceObjects(project, env, modelOf(draft, spec), options);
  const patches: NonNullable<Spec["patches"]> = [];
  const kept: KeptField[] = [];
  for (const object of rendered) {
    const live = draft.live.get(`${object.kind}/${object.metadata?.name}`);
    if (!live) continue;
    const w = objectGaps(object, live, spec.name);
    if (!w.ops.length) continue;
    const kind = object.kind ?? "";
    const name = object.metadata?.name ?? "";
    patches.push({ target: { kind, name }, json: w.ops });
    for (const path of w.kept) kept.push({ kind, name, path, why: "no definition field" });
    for (const path of w.differs)
      kept.push({ kind, name, path, why: "differs from what the definition renders" });
  }
  const patched: Spec = patches.length ? { ...spec, patches } : spec;
  const again = renderServiceObjects(project, env, modelOf(draft, patched), options);
  const residual = again.flatMap((object): Residual[] => {
    const live = draft.live.get(`${object.kind}/${object.metadata?.name}`);
    const changes = live ? adoptionChanges(object, live) : [];
    return changes.length ? [{ kind: object.kind ?? "", name: object.metadata?.name ?? "", changes }] : [];
  });
  return { spec: patched, kept, residual };
}
