import { canaryManager } from "../canary/names.ts";
import type { KubernetesObject } from "@kubernetes/client-node";
import pLimit from "p-limit";
import type { Cluster } from "../clients/kubernetes/cluster.ts";
import { KubernetesApiError } from "../clients/kubernetes/request.ts";
import type { ObjectChange, ServicePlan } from "./plan.ts";

/** Fields another field manager owns, which the apply would set to other values. */
export interface ManagerConflict {
  /** The field manager, as the server names it ("kubectl-set", "hand-edit", ...). */
  readonly manager: string;
  /** The subresource it wrote through ("scale"), when it did. */
  readonly subresource?: string;
  /** The API version it wrote with, for managers that updated (rather than applied). */
  readonly apiVersion?: string;
  /** Field paths in the server's notation: `.spec.template.spec.containers[name="auth"].env[...]`. */
  readonly fields: readonly string[];
}

/** What the server said of one object's apply in the dry run, when it was not a plain yes. */
export interface DryRunFinding {
  readonly kind: string;
  readonly name: string;
  /**
   * `conflict`: the apply would fail on fields other managers own (blocks);
   * `takes-over`: with --force-conflicts, the apply takes those fields over (does not block);
   * `refused`: the server refuses the apply for another reason (invalid, forbidden; blocks).
   */
  readonly outcome: "conflict" | "takes-over" | "refused";
  /** Per field manager, the fields the apply would take from it (or fails on). */
  readonly conflicts: readonly ManagerConflict[];
  /** The server's answer, for a refusal (with the conflicts, when it refused even forced). */
  readonly refusal?: { readonly status: number; readonly reason: string; readonly message: string };
}

/** The server-side dry run of a service's changed objects: what the apply will meet. */
export interface ServerDryRun {
  /** How many objects were dry-run (those the deploy would update). */
  readonly objects: number;
  /** Whether it ran with force (--force-conflicts). */
  readonly forced: boolean;
  /** One per object that meets a conflict or a refusal; empty when the server accepts them all. */
  readonly findings: readonly DryRunFinding[];
}

/** Objects dry-run at once, as the gate bounds its registry and Jenkins requests. */
export const DRY_RUN_CONCURRENCY = 8;

const quoted = String.raw`"(?:[^"\\]|\\.)*"`;
/**
 * One manager as the API server prints it (apimachinery's printManager): `"name"`, then
 * ` with subresource "s"`, then ` using apps/v1` and ` at <RFC 3339 time>` for an Update.
 */
const managerPattern = String.raw`(${quoted})(?: with subresource (${quoted}))?(?: using (\S+?)(?: at (\S+))?)?`;
const single = new RegExp(String.raw`^conflict with ${managerPattern}: (.+)$`, "s");
const heading = new RegExp(String.raw`^conflicts with ${managerPattern}:$`);

const unquote = (s: string): string => {
  try {
    return JSON.parse(s) as string;
  } catch {
    return s.slice(1, -1);
  }
};

const managerOf = (m: RegExpMatchArray): Omit<ManagerConflict, "fields"> => ({
  manager: unquote(m[1] ?? '""'),
  ...(m[2] ? { subresource: unquote(m[2]) } : {}),
  ...(m[3] ? { apiVersion: m[3] } : {}),
});

/**
 * The managers and fields of a server-side apply conflict, from the API server's 409 message:
 * `Apply failed with 1 conflict: conflict with "kubectl-set" using apps/v1: .spec.replicas`, or
 * for several `Apply failed with 2 conflicts: conflicts with "a":\n- .x\n- .y\nconflicts with ...`.
 * Undefined when the message is not an apply conflict.
 */
export function parseApplyConflicts(message: string): ManagerConflict[] | undefined {
  const body = /^Apply failed with \d+ conflicts?: (.*)$/s.exec(message.trim())?.[1];
  if (body === undefined) return undefined;
  const one = single.exec(body);
  if (one) return [{ ...managerOf(one), fields: [(one[5] ?? "").trim()] }];
  const found: { head: Omit<ManagerConflict, "fields">; fields: string[] }[] = [];
  for (const line of body.split("\n")) {
    const head = heading.exec(line.trim());
    if (head) found.push({ head: managerOf(head), fields: [] });
    else if (line.startsWith("- ") && found.length)
      found[found.length - 1]?.fields.push(line.slice(2).trim());
    else if (line.trim()) return undefined;
  }
  if (!found.length) return undefined;
  // The server prints each manager once; a manager seen again (other subresource) stays apart.
  return found.map(({ head, fields }) => ({ ...head, fields }));
}

/** The hint under a refused apply: what the status means for the person deploying. */

/**
 * Answers that say something about this object's apply (invalid, forbidden, conflicting; a
 * patch the server cannot type comes back as a 500); anything else fails the plan.
 */
const refusalStatuses = new Set([400, 403, 404, 409, 413, 415, 422, 500]);

/**
 * Dry-runs, on the server, the apply of every object the plan would update (server-side apply,
 * `dryRun=All`, Slipway's field manager), so that the plan shows what the apply will meet:
 * fields other managers own, and objects the server refuses. A create cannot conflict and is
 * not dry-run, except one from the escape hatch (a raw or patched object): no schema of
 * Slipway's checked what it says, so the server's strict validation must. Without `force` a conflict is a finding that blocks; with it the apply would take
 * the fields over, and the plan says so. Either way a conflict is dry-run again forced, to see
 * that nothing else refuses the object once the fields are taken.
 */
export async function dryRunApplies(
  cluster: Cluster,
  services: readonly ServicePlan[],
  options: { readonly force: boolean; readonly signal?: AbortSignal; readonly concurrency?: number },
): Promise<DryRuns> {
  const limit = pLimit(options.concurrency ?? DRY_RUN_CONCURRENCY);
  const updates = services.map((s) => ({
    service: s.service,
    objects: s.objects.filter(
      (o): o is ObjectChange & { desired: KubernetesObject } =>
        !!o.desired &&
        (o.action === "update" ||
          (o.action === "create" && (o.escapeHatch !== undefined || o.adopts === true))),
    ),
  }));
  const results = await Promise.all(
    updates.map(({ objects }) =>
      Promise.all(objects.map((o) => limit(() => dryRunOne(cluster, o, options)))),
    ),
  );
  const leaves = new Map(
    updates.flatMap(({ objects }, i) =>
      objects.flatMap((o, j) => {
        const after = results[i]?.[j]?.after;
        return after ? [[`${o.kind}/${o.name}`, after] as const] : [];
      }),
    ),
  );
  const byService = new Map(
    updates.map(({ service, objects }, i) => [
      service,
      {
        objects: objects.length,
        forced: options.force,
        findings: (results[i] ?? []).flatMap((r) => (r.finding ? [r.finding] : [])),
      },
    ]),
  );
  return { byService, leaves };
}

/** The dry runs of a plan's applies. */
export interface DryRuns {
  readonly byService: ReadonlyMap<string, ServerDryRun>;
  /** By "Kind/name": the object the server says each accepted apply would leave. */
  readonly leaves: ReadonlyMap<string, KubernetesObject>;
}

interface DryRunOutcome {
  readonly finding?: DryRunFinding;
  readonly after?: KubernetesObject;
}

async function dryRunOne(
  cluster: Cluster,
  object: ObjectChange & { desired: KubernetesObject },
  options: { readonly force: boolean; readonly signal?: AbortSignal },
): Promise<DryRunOutcome> {
  const at = { kind: object.kind, name: object.name };
  const attempt = async (force: boolean): Promise<KubernetesApiError | KubernetesObject> => {
    try {
      return await cluster.apply(object.desired, {
        dryRun: true,
        force,
        ...(options.signal ? { signal: options.signal } : {}),
      });
    } catch (error) {
      if (error instanceof KubernetesApiError && refusalStatuses.has(error.status)) return error;
      throw error;
    }
  };
  const refused = (e: KubernetesApiError, conflicts: readonly ManagerConflict[] = []): DryRunFinding => ({
    ...at,
    outcome: "refused",
    conflicts,
    refusal: { status: e.status, reason: e.reason, message: e.message },
  });
  // Without force first: a conflict is how the server names the fields another manager owns.
  const first = await attempt(false);
  if (!(first instanceof KubernetesApiError)) return { after: first };
  // A first deploy creates the namespace: until then the server cannot dry-run a create in it.
  if (object.action === "create" && first.status === 404 && /namespaces? .*not found/.test(first.message))
    return {};
  const conflicts = first.status === 409 ? parseApplyConflicts(first.message) : undefined;
  if (!conflicts) return { finding: refused(first) };
  // The server looks for conflicts before it validates: forced, it says what else it refuses.
  const forced = await attempt(true);
  if (forced instanceof KubernetesApiError) return { finding: refused(forced, conflicts) };
  // A canary's replica count on the stable Deployment is Slipway's own, taken back by force
  // when the canary is promoted or aborted: not another manager's field.
  if (conflicts.every((c) => c.manager === canaryManager)) return { after: forced };
  const finding = { ...at, outcome: options.force ? "takes-over" : "conflict", conflicts } as const;
  // Only a forced deploy leaves what the forced dry run did; without force it stops on the conflict.
  return options.force ? { finding, after: forced } : { finding };
}

/** A conflict or refusal in the dry run blocks the plan, as a failed gate check does. */
export const dryRunBlocks = (services: readonly ServicePlan[]): boolean =>
  services.some((s) => s.dryRun?.findings.some((f) => f.outcome !== "takes-over"));
