import type { KubernetesObject } from "@kubernetes/client-node";
import type { EnvironmentModel, ServiceModel } from "../definitions/model.ts";
import {
  rolloutStrategy,
  type AnalysisThresholds,
  type CanaryStep,
} from "../definitions/rollout-strategy.ts";
import { replicaSplit, type ReplicaSplit } from "../canary/weights.ts";

/**
 * How a deploy rolls the service out, decided by the plan: a canary needs a stable version to
 * compare with, running now, of another version (audit entries name only the version). Without
 * one it is a plain rolling update, and the plan says why.
 */
export type RolloutPlan =
  | {
      readonly kind: "rolling";
      readonly reason:
        "not declared" | "forbidden here" | "no deployment" | "nothing runs yet" | "same version runs";
    }
  | {
      readonly kind: "canary";
      readonly steps: readonly CanaryStep[];
      readonly thresholds: AnalysisThresholds;
      /** The Deployment's replicas, which the canary and stable versions share. */
      readonly replicas: number;
      /** Each weight step's pods, as the plan shows them. */
      readonly splits: readonly (ReplicaSplit & { readonly weight: number })[];
      readonly stableVersion: string;
    };

export function rolloutPlan(
  service: ServiceModel,
  env: EnvironmentModel,
  rendered: readonly KubernetesObject[],
  liveVersion: string | undefined,
): RolloutPlan {
  const strategy = rolloutStrategy(service.spec, env);
  if (strategy.kind === "rolling") return strategy;
  if (liveVersion === undefined) return { kind: "rolling", reason: "nothing runs yet" };
  if (liveVersion === service.spec.version) return { kind: "rolling", reason: "same version runs" };
  const deployment = rendered.find((o) => o.kind === "Deployment") as
    (KubernetesObject & { spec?: { replicas?: number } }) | undefined;
  const replicas = deployment?.spec?.replicas ?? 1;
  return {
    kind: "canary",
    steps: strategy.steps,
    thresholds: strategy.thresholds,
    replicas,
    splits: strategy.steps.flatMap((s) =>
      s.kind === "weight" ? [{ weight: s.weight, ...replicaSplit(replicas, s.weight) }] : [],
    ),
    stableVersion: liveVersion,
  };
}

/** The plan's canary, for the steps that run only with one. */
export const canaryOf = (
  rollout: RolloutPlan | undefined,
): Extract<RolloutPlan, { kind: "canary" }> | undefined => (rollout?.kind === "canary" ? rollout : undefined);
