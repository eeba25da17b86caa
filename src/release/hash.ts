import { createHash } from "node:crypto";
import type { KubernetesObject } from "@kubernetes/client-node";

/** Key order must not change a hash: values are hashed in a canonical form. */
function canonical(value: unknown): unknown {
  if (Array.isArray(value)) return value.map(canonical);
  if (value && typeof value === "object")
    return Object.fromEntries(
      Object.keys(value)
        .sort()
        .map((k) => [k, canonical((value as Record<string, unknown>)[k])]),
    );
  return value;
}

/** A short hash of a JSON value that ignores key order (call schemas, call lists). */
export const hashCanonical = (value: unknown): string =>
  createHash("sha256")
    .update(JSON.stringify(canonical(value)))
    .digest("hex")
    .slice(0, 16);

/** Identifies what a release applies: a re-run with the same hash is the same deploy. */
export const hashObjects = (objects: readonly KubernetesObject[]): string =>
  createHash("sha256").update(JSON.stringify(objects)).digest("hex").slice(0, 16);
