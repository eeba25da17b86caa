import { z } from "zod";
import { labelKey, labelValue, subdomainName } from "./formats.ts";

/** The escape hatch: objects applied as written, and patches to the rendered ones. */

/**
 * The kinds a raw object may have, with the API version Slipway reads them at: the ones it
 * lists, prunes and compares for drift. Never a Secret: a definition holds no secret values.
 */
export const rawObjectKinds: Readonly<Record<string, string>> = {
  ServiceAccount: "v1",
  Role: "rbac.authorization.k8s.io/v1",
  RoleBinding: "rbac.authorization.k8s.io/v1",
  ConfigMap: "v1",
  PersistentVolumeClaim: "v1",
  Service: "v1",
  Deployment: "apps/v1",
  StatefulSet: "apps/v1",
  DaemonSet: "apps/v1",
  PodDisruptionBudget: "policy/v1",
  HorizontalPodAutoscaler: "autoscaling/v2",
  CronJob: "batch/v1",
  Ingress: "networking.k8s.io/v1",
  NetworkPolicy: "networking.k8s.io/v1",
};

/** An object Slipway applies as written (labelled like its own): what no field expresses. */
export const rawObject = z
  .looseObject({
    apiVersion: z
      .string()
      .meta({ description: "the API version Slipway reads that kind at", example: 'apiVersion: "apps/v1"' }),
    kind: z
      .string()
      .meta({ description: "the kind: one Slipway lists (never a Secret)", example: 'kind: "StatefulSet"' }),
    metadata: z
      .strictObject({
        name: subdomainName.meta({ description: "its name", example: 'name: "files-index"' }),
        labels: z
          .record(labelKey, labelValue)
          .optional()
          .meta({ description: "labels beside Slipway's", example: 'labels: { tier: "storage" }' }),
        annotations: z
          .record(z.string(), z.string())
          .optional()
          .meta({ description: "annotations", example: 'annotations: { owner: "storage" }' }),
      })
      .meta({
        description: "`name`, and optionally `labels` and `annotations` (no namespace)",
        example: 'metadata: { name: "files-index" }',
      }),
  })
  .superRefine((o, ctx) => {
    const apiVersion = rawObjectKinds[o.kind];
    if (apiVersion === undefined)
      ctx.addIssue({
        code: "custom",
        path: ["kind"],
        message: `kind ${o.kind} cannot be a raw object: Slipway lists, prunes and checks drift of ${Object.keys(rawObjectKinds).join(", ")} only (never a Secret: a definition holds no secret values)`,
      });
    else if (o.apiVersion !== apiVersion)
      ctx.addIssue({
        code: "custom",
        path: ["apiVersion"],
        message: `a ${o.kind} is read and applied as ${apiVersion}`,
      });
  });

const jsonPatchOperation = z.strictObject({
  op: z
    .enum(["add", "remove", "replace", "move", "copy", "test"])
    .meta({ description: "`add`, `remove`, `replace`, `move`, `copy` or `test`", example: 'op: "replace"' }),
  /** A JSON pointer (RFC 6901) into the rendered object: `/spec/template/spec/hostNetwork`. */
  path: z
    .string()
    .regex(/^(\/.*)?$/, { message: 'must be a JSON pointer such as "/spec/replicas"' })
    .meta({ description: "a JSON pointer into the object", example: 'path: "/spec/revisionHistoryLimit"' }),
  from: z
    .string()
    .optional()
    .meta({ description: "the source of `move` and `copy`", example: 'from: "/metadata/labels/team"' }),
  value: z
    .json()
    .optional()
    .meta({ description: "the value of `add`, `replace` and `test`", example: "value: 3" }),
});

/** A change to rendered objects: a JSON merge patch (RFC 7386) or a JSON patch (RFC 6902). */
export const patch = z
  .strictObject({
    /** Every rendered object of this kind, or only the one of this name. */
    target: z
      .strictObject({
        kind: z.string().min(1).meta({
          description: "every rendered object of this kind (`Job`: every Job the service starts)",
          example: 'kind: "Deployment"',
        }),
        name: z
          .string()
          .min(1)
          .optional()
          .meta({ description: "only the one of this name", example: 'name: "files"' }),
      })
      .meta({
        description: "which rendered objects",
        example: 'target: { kind: "CronJob", name: "files-expire-shares" }',
      }),
    merge: z.record(z.string(), z.json()).optional().meta({
      description: "an RFC 7386 JSON merge patch",
      example: 'merge: { metadata: { annotations: { owner: "storage" } } }',
    }),
    json: z.array(jsonPatchOperation).min(1).optional().meta({
      description: "an RFC 6902 JSON patch",
      example: 'json: [{ op: "remove", path: "/spec/template/spec/dnsPolicy" }]',
    }),
  })
  .refine((p) => (p.merge === undefined) !== (p.json === undefined), {
    message: "needs exactly one of merge or json",
  })
  // Jobs are named per run: a Job patch applies to every Job the service starts.
  .refine((p) => !(p.target.kind === "Job" && p.target.name !== undefined), {
    path: ["target", "name"],
    message:
      "a Job target takes no name: it applies to every Job the service starts (migration, verification, ad-hoc)",
  });
