import { createHash } from "node:crypto";
import type { KubernetesObject } from "@kubernetes/client-node";

/** Identifies what a release applies: a re-run with the same hash is the same deploy. */
export const hashObjects = (objects: readonly KubernetesObject[]): string =>
  createHash("sha256").update(JSON.stringify(objects)).digest("hex").slice(0, 16);
