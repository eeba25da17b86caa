import { z } from "zod";
import type { DefinitionProblem } from "./errors.ts";

/**
 * How a service's new version reaches its users: all at once (the Deployment's rolling update), or
 * as a canary whose share of the replicas rises step by step, each rise judged against the stable
 * version (src/canary). Self-contained (zod only): schema.ts imports the two fields from here.
 *
 * A service declares its steps; an environment says whether canaries are allowed there, required
 * or forbidden, so one definition gets a canary in prod and a plain rollout in dev.
 */

/** "30s", "5m", "1h30m": an analysis window, in elapsed time. */
const durationPattern = /^(?:(\d+)h)?(?:(\d+)m)?(?:(\d+)s)?$/;

/** Shorter windows hold too few calls to judge anything; longer ones belong in several steps. */
export const analysisWindowBounds = { minMs: 30_000, maxMs: 24 * 3_600_000 } as const;

/** "5m" → 300000; undefined when it is not such a duration (or is zero). */
export function analysisDuration(text: string): number | undefined {
  const m = durationPattern.exec(text);
  if (!m || text === "") return undefined;
  const [, h = "0", min = "0", s = "0"] = m;
  const ms = ((Number(h) * 60 + Number(min)) * 60 + Number(s)) * 1000;
  return ms > 0 ? ms : undefined;
}

/** A relative increase over the stable version (0.5: half as slow again), or false: not judged. */
const increase = z.union([z.number().min(0).max(100), z.literal(false)]).meta({ type: "number, or `false`" });

/**
 * When a canary's evidence fails, per call and per pod. Every field is optional: the defaults
 * below apply, then the environment's values, then the service's own (the most specific; a
 * service written as a function of its environment can give each environment its own).
 */
export const analysisThresholds = z.strictObject({
  /** Calls each version must have served in the window (per call): fewer is inconclusive, never pass. */
  minRequests: z.number().int().min(1).optional().meta({
    description: "calls each version must serve in a window, per call: fewer is inconclusive, never pass",
    default: "100",
    example: "minRequests: 500",
  }),
  /** How far the canary's 5xx rate may exceed the stable's, as a fraction of calls (0.01: one point). */
  maxErrorRateIncrease: z.number().min(0).max(1).optional().meta({
    description: "how far the canary's 5xx rate may exceed the stable version's, as a fraction of calls",
    default: "0.01 (one point)",
    example: "maxErrorRateIncrease: 0.005",
  }),
  /** The same for 4xx: a canary refusing calls the stable version takes has changed its contract. */
  maxClientErrorRateIncrease: z.number().min(0).max(1).optional().meta({
    description: "the same for 4xx: a canary refusing calls the stable version takes",
    default: "0.05",
    example: "maxClientErrorRateIncrease: 0.02",
  }),
  /** How much slower each percentile of the call's duration may be than the stable's. */
  maxLatencyIncrease: z
    .strictObject({
      p50: increase.optional().meta({ description: "the median", default: "0.25", example: "p50: 0.1" }),
      p95: increase.optional().meta({
        description: "the 95th percentile; judged with 100 calls per version or more",
        default: "0.5",
        example: "p95: 0.3",
      }),
      p99: increase.optional().meta({
        description: "the 99th percentile; judged with 500 calls per version or more",
        default: "`false`",
        example: "p99: 1",
      }),
    })
    .optional()
    .meta({
      description:
        "how much slower each duration percentile may be than the stable's (0.5: half again), or `false`: not judged",
      example: "maxLatencyIncrease: { p99: 1 }",
    }),
  /** A latency difference below this many milliseconds never fails (2 ms against 3 ms is noise). */
  latencyToleranceMs: z.number().int().min(0).optional().meta({
    description: "a latency difference below this many milliseconds never fails",
    default: "25",
    example: "latencyToleranceMs: 50",
  }),
  /** How sure a higher error rate must be (one-sided) before it fails rather than stays inconclusive. */
  confidence: z.number().min(0.5).max(0.999).optional().meta({
    description: "how sure a higher error rate must be to fail rather than stay inconclusive",
    default: "0.95",
    example: "confidence: 0.99",
  }),
  /** Container restarts of the canary's pods in the window beyond which it fails. */
  maxRestarts: z.number().int().min(0).optional().meta({
    description: "container restarts of the canary's pods in a window beyond which it fails",
    default: "0",
    example: "maxRestarts: 1",
  }),
  /** Times a canary pod may go from ready to unready in the window. */
  maxReadinessFlaps: z.number().int().min(0).optional().meta({
    description: "times a canary pod may go from ready to unready in a window",
    default: "0",
    example: "maxReadinessFlaps: 1",
  }),
});

export type AnalysisThresholdsInput = z.infer<typeof analysisThresholds>;

/** Every threshold with a value: what an analysis runs with. */
export interface AnalysisThresholds {
  readonly minRequests: number;
  readonly maxErrorRateIncrease: number;
  readonly maxClientErrorRateIncrease: number;
  readonly maxLatencyIncrease: {
    readonly p50: number | false;
    readonly p95: number | false;
    readonly p99: number | false;
  };
  readonly latencyToleranceMs: number;
  readonly confidence: number;
  readonly maxRestarts: number;
  readonly maxReadinessFlaps: number;
}

/**
 * Safe defaults: strict on errors, lenient on noise. p99 is reported but not judged by default:
 * a p99 means something only with hundreds of calls per version in the window (analysis.ts
 * leaves a percentile unjudged, inconclusive, below 5 calls beyond it on either side).
 */
export const defaultThresholds: AnalysisThresholds = {
  minRequests: 100,
  maxErrorRateIncrease: 0.01,
  maxClientErrorRateIncrease: 0.05,
  maxLatencyIncrease: { p50: 0.25, p95: 0.5, p99: false },
  latencyToleranceMs: 25,
  confidence: 0.95,
  maxRestarts: 0,
  maxReadinessFlaps: 0,
};

/** One step as written: exactly one of its three fields. */
const stepInput = z
  .strictObject({
    /** The canary's share of the replicas, in percent (weights.ts rounds it to pods). */
    weight: z.number().int().min(1).max(100).optional().meta({
      description: "the canary's share of the replicas, in percent, rounded to pods as Argo Rollouts does",
      example: "weight: 10",
    }),
    /** Wait this long at the current weight, then judge the canary against the stable version. */
    analysis: z.string().optional().meta({
      description:
        "wait this long (30s to 24h), then judge the canary against the stable version over that window",
      example: 'analysis: "5m"',
    }),
    /** Wait for a person: `slipway promote` or `slipway abort`. */
    pause: z.string().optional().meta({
      description: '`"manual"`: wait for `slipway promote` or `slipway abort`',
      example: 'pause: "manual"',
    }),
  })
  .superRefine((step, ctx) => {
    const given = (["weight", "analysis", "pause"] as const).filter((k) => step[k] !== undefined);
    if (given.length !== 1)
      ctx.addIssue({
        code: "custom",
        message: `needs exactly one of weight, analysis or pause (found ${given.length ? given.join(" and ") : "none"}), such as { weight: 10 } or { analysis: "5m" }`,
      });
    if (step.analysis !== undefined) {
      const ms = analysisDuration(step.analysis);
      if (ms === undefined)
        ctx.addIssue({
          code: "custom",
          path: ["analysis"],
          message: 'expected a duration such as "30s", "5m" or "1h30m"',
        });
      else if (ms < analysisWindowBounds.minMs || ms > analysisWindowBounds.maxMs)
        ctx.addIssue({
          code: "custom",
          path: ["analysis"],
          message:
            "must be between 30s and 24h (a shorter window holds too few calls to judge; a longer one is several steps)",
        });
    }
    if (step.pause !== undefined && step.pause !== "manual")
      ctx.addIssue({
        code: "custom",
        path: ["pause"],
        message:
          'must be "manual", a person promoting or aborting (to wait a while and judge, use { analysis: "10m" })',
      });
  });

/** The order rules, which need the whole list: weights rise, end at 100, analysis after a weight. */
function stepOrderIssues(steps: readonly z.infer<typeof stepInput>[], ctx: z.RefinementCtx): void {
  let previous: { weight: number; index: number } | undefined;
  steps.forEach((step, i) => {
    if (step.weight !== undefined) {
      if (previous && step.weight <= previous.weight)
        ctx.addIssue({
          code: "custom",
          path: ["steps", i, "weight"],
          message: `must be above ${previous.weight}, the weight of steps[${previous.index}] (weights only rise; to go back, abort)`,
        });
      previous = { weight: step.weight, index: i };
    } else if (step.analysis !== undefined && !previous)
      ctx.addIssue({
        code: "custom",
        path: ["steps", i, "analysis"],
        message:
          "cannot come before the first weight: there is no canary yet to judge (start with { weight: 10 })",
      });
  });
  const last = steps.at(-1);
  if (last && last.weight !== 100)
    ctx.addIssue({
      code: "custom",
      path: ["steps", steps.length - 1],
      message: "must be { weight: 100 }, the last step: a canary ends with every replica on the new version",
    });
  if (!steps.some((s) => s.weight !== undefined && s.weight < 100))
    ctx.addIssue({
      code: "custom",
      path: ["steps"],
      message: "need a weight below 100 before the last: without one it is a plain rollout",
    });
}

export const canaryStrategy = z
  .strictObject({
    steps: z.array(stepInput).min(2).meta({
      description:
        "in order: weights only rise, the last step is `{ weight: 100 }`, an analysis comes after a weight",
      example:
        'steps: [{ weight: 10 }, { analysis: "5m" }, { weight: 50 }, { pause: "manual" }, { weight: 100 }]',
    }),
    analysis: analysisThresholds.optional().meta({
      description: "this service's analysis thresholds, over the environment's `rollout.analysis`",
      example: "analysis: { minRequests: 30 }",
    }),
  })
  .superRefine((canary, ctx) => stepOrderIssues(canary.steps, ctx));

/** A service's `rollout` field. */
export const serviceRollout = z
  .strictObject({
    canary: canaryStrategy.meta({
      description:
        'the canary\'s steps and thresholds; a plain rollout where the environment says `canary: "forbid"`',
      example: "canary: { steps: [...] }",
    }),
  })
  .meta({
    description:
      "a canary instead of the Deployment's rolling update: the new version's share of the replicas rises step by step, judged at each",
    example: 'rollout: { canary: { steps: [{ weight: 10 }, { analysis: "5m" }, { weight: 100 }] } }',
  });

/**
 * An environment's `rollout` field. `canary` is one of three policies, not a boolean, because
 * "may" and "must" differ: allow (the default) runs the canary a service declares; require
 * refuses a service with a Deployment that declares none (a definition problem, before anything
 * runs: Slipway does not invent steps, weights or windows for it); forbid deploys every service
 * with a plain rollout, its canary ignored (dev, where nobody waits for an analysis).
 */
export const environmentRollout = z
  .strictObject({
    canary: z.enum(["allow", "require", "forbid"]).optional().meta({
      description:
        "`allow`: a service's declared canary runs; `require`: a service with a Deployment must declare one; `forbid`: every service rolls out plainly",
      default: '"allow"',
      example: 'canary: "forbid"',
    }),
    /** This environment's thresholds, under each service's own. */
    analysis: analysisThresholds.optional().meta({
      description: "analysis thresholds of every canary here; a service's own win, field by field",
      example: "analysis: { minRequests: 500 }",
    }),
  })
  .meta({
    description: "whether canaries run here, and this environment's analysis thresholds",
    example: 'rollout: { canary: "require" }',
  });

export type CanaryPolicy = NonNullable<z.infer<typeof environmentRollout>["canary"]>;

/** A step as the procedure runs it. */
export type CanaryStep =
  | { readonly kind: "weight"; readonly weight: number }
  | { readonly kind: "analysis"; readonly window: string; readonly windowMs: number }
  | { readonly kind: "pause" };

/** What a deploy of the service does in the environment. */
export type RolloutStrategy =
  | {
      readonly kind: "rolling";
      /** Why there is no canary, for the plan. */
      readonly reason: "not declared" | "forbidden here" | "no deployment";
    }
  | {
      readonly kind: "canary";
      readonly steps: readonly CanaryStep[];
      readonly thresholds: AnalysisThresholds;
    };

/** Only the fields a rollout depends on, so a test can pass a literal. */
export interface RolloutSubject {
  readonly rollout?: z.infer<typeof serviceRollout> | undefined;
  readonly deployment?: object | undefined;
}

/**
 * The strategy a deploy runs, from a valid service and environment (rolloutProblems has refused
 * what cannot run: `require` without a canary reaches here only if problems were ignored, and
 * then gets a plain rollout too, never an invented canary).
 */
export function rolloutStrategy(
  service: RolloutSubject,
  environment: { readonly rollout?: z.infer<typeof environmentRollout> | undefined },
): RolloutStrategy {
  if (!service.deployment) return { kind: "rolling", reason: "no deployment" };
  const canary = service.rollout?.canary;
  if (!canary) return { kind: "rolling", reason: "not declared" };
  if (environment.rollout?.canary === "forbid") return { kind: "rolling", reason: "forbidden here" };
  return {
    kind: "canary",
    steps: canary.steps.map(toStep),
    thresholds: mergeThresholds(environment.rollout?.analysis, canary.analysis),
  };
}

function toStep(step: z.infer<typeof stepInput>): CanaryStep {
  if (step.weight !== undefined) return { kind: "weight", weight: step.weight };
  if (step.analysis !== undefined)
    return { kind: "analysis", window: step.analysis, windowMs: analysisDuration(step.analysis) ?? 0 };
  return { kind: "pause" };
}

/** Defaults, then each layer's given fields in turn; latency field by field. */
export function mergeThresholds(
  ...layers: readonly (AnalysisThresholdsInput | undefined)[]
): AnalysisThresholds {
  let merged = defaultThresholds;
  for (const layer of layers) {
    if (!layer) continue;
    const { maxLatencyIncrease, ...rest } = layer;
    const given = Object.fromEntries(Object.entries(rest).filter(([, v]) => v !== undefined));
    const latency = Object.fromEntries(
      Object.entries(maxLatencyIncrease ?? {}).filter(([, v]) => v !== undefined),
    );
    merged = {
      ...merged,
      ...given,
      maxLatencyIncrease: { ...merged.maxLatencyIncrease, ...latency },
    };
  }
  return merged;
}

/**
 * What the environment's policy and the service's Deployment make impossible, located at the
 * service's `rollout` field: a required canary not declared, a canary without a Deployment, or
 * one an autoscaler would fight over the replica counts.
 */
export function rolloutProblems(
  service: {
    readonly file: string;
    readonly spec: RolloutSubject & {
      readonly deployment?:
        { readonly autoscale?: object | undefined; readonly replicas?: number | undefined } | undefined;
    };
  },
  env: { readonly name: string; readonly rollout?: z.infer<typeof environmentRollout> | undefined },
): DefinitionProblem[] {
  const { spec, file } = service;
  const problems: DefinitionProblem[] = [];
  const problem = (path: string, message: string): void => void problems.push({ file, path, message });
  const policy = env.rollout?.canary ?? "allow";
  if (spec.rollout && !spec.deployment)
    problem("rollout", "needs a deployment: a canary shares a Deployment's replicas");
  if (policy === "require" && spec.deployment && !spec.rollout)
    problem(
      "rollout",
      `environment ${env.name} requires a canary (rollout.canary: "require"): declare one, such as rollout: { canary: { steps: [{ weight: 10 }, { analysis: "5m" }, { weight: 100 }] } }`,
    );
  if (spec.rollout && policy !== "forbid" && spec.deployment?.autoscale)
    problem(
      "rollout.canary",
      "cannot be used with deployment.autoscale yet: the autoscaler owns the replica count a canary splits",
    );
  if (spec.rollout && policy !== "forbid" && spec.deployment?.replicas === 0)
    problem(
      "rollout.canary",
      "needs at least one replica: with deployment.replicas 0 nothing serves to judge",
    );
  return problems;
}
