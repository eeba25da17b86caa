import { describe, expect, it } from "vitest";
import { z } from "zod";
import { formatProblem } from "../../src/definitions/errors.ts";
import {
  analysisDuration,
  defaultThresholds,
  environmentRollout,
  mergeThresholds,
  rolloutProblems,
  rolloutStrategy,
  serviceRollout,
} from "../../src/definitions/rollout-strategy.ts";
import { serviceSchema } from "../../src/definitions/schema/service.ts";
import { problemsFromIssues } from "../../src/definitions/zod-problems.ts";

/** The problems of a service's `rollout` field, as a definition file would report them. */
function problems(rollout: unknown): string[] {
  const result = serviceRollout.safeParse(rollout);
  if (result.success) return [];
  return problemsFromIssues("service.ts", rollout, serviceRollout, result.error.issues).map(
    (p) => `${p.path}: ${p.message}`,
  );
}

const steps = (...s: unknown[]) => ({ canary: { steps: s } });

describe("a canary's steps", () => {
  it("takes the issue's example as it is", () => {
    expect(
      problems(
        steps({ weight: 10 }, { analysis: "5m" }, { weight: 50 }, { pause: "manual" }, { weight: 100 }),
      ),
    ).toEqual([]);
  });

  it("refuses weights that do not rise, at the step that falls", () => {
    expect(problems(steps({ weight: 50 }, { weight: 20 }, { weight: 100 }))).toEqual([
      "canary.steps[1].weight: must be above 50, the weight of steps[0] (weights only rise; to go back, abort), found number 20",
    ]);
    expect(problems(steps({ weight: 50 }, { analysis: "1m" }, { weight: 50 }, { weight: 100 }))).toEqual([
      "canary.steps[2].weight: must be above 50, the weight of steps[0] (weights only rise; to go back, abort), found number 50",
    ]);
  });

  it("must end with every replica on the new version", () => {
    expect(problems(steps({ weight: 10 }, { analysis: "5m" }))).toEqual([
      "canary.steps[1]: must be { weight: 100 }, the last step: a canary ends with every replica on the new version, found an object with keys analysis",
    ]);
    expect(problems(steps({ weight: 10 }, { weight: 100 }, { pause: "manual" }))).toEqual([
      "canary.steps[2]: must be { weight: 100 }, the last step: a canary ends with every replica on the new version, found an object with keys pause",
    ]);
  });

  it("needs a share below 100 first, else it is a plain rollout", () => {
    expect(problems(steps({ pause: "manual" }, { weight: 100 }))).toEqual([
      'canary.steps: need a weight below 100 before the last: without one it is a plain rollout, found an array ([{"pause":"manual"},{"weight":100}])',
    ]);
  });

  it("reads analysis windows and refuses what is not one", () => {
    expect(analysisDuration("5m")).toBe(300_000);
    expect(analysisDuration("1h30m")).toBe(5_400_000);
    expect(analysisDuration("45s")).toBe(45_000);
    expect(analysisDuration("5 minutes")).toBeUndefined();
    expect(analysisDuration("0m")).toBeUndefined();
    expect(problems(steps({ weight: 10 }, { analysis: "five minutes" }, { weight: 100 }))).toEqual([
      'canary.steps[1].analysis: expected a duration such as "30s", "5m" or "1h30m", found string "five minutes"',
    ]);
    expect(problems(steps({ weight: 10 }, { analysis: "10s" }, { weight: 100 }))).toEqual([
      'canary.steps[1].analysis: must be between 30s and 24h (a shorter window holds too few calls to judge; a longer one is several steps), found string "10s"',
    ]);
  });

  it("judges nothing before a canary exists", () => {
    expect(problems(steps({ analysis: "5m" }, { weight: 10 }, { weight: 100 }))).toEqual([
      'canary.steps[0].analysis: cannot come before the first weight: there is no canary yet to judge (start with { weight: 10 }), found string "5m"',
    ]);
  });

  it('pauses only for a person ("manual")', () => {
    expect(problems(steps({ weight: 10 }, { pause: "10m" }, { weight: 100 }))).toEqual([
      'canary.steps[1].pause: must be "manual", a person promoting or aborting (to wait a while and judge, use { analysis: "10m" }), found string "10m"',
    ]);
  });

  it("takes exactly one field per step, and weights in percent", () => {
    expect(problems(steps({ weight: 10, analysis: "5m" }, { weight: 100 }))).toEqual([
      'canary.steps[0]: needs exactly one of weight, analysis or pause (found weight and analysis), such as { weight: 10 } or { analysis: "5m" }, found an object with keys weight, analysis',
    ]);
    expect(problems(steps({ weight: 0 }, { weight: 100 }))[0]).toMatch(
      /^canary\.steps\[0\]\.weight: expected a number >= 1/,
    );
    expect(problems(steps({ weight: 10 }, { wieght: 100 }))).toContain(
      'canary.steps[1].wieght: unknown key; did you mean "weight"? (expected one of: weight, analysis, pause)',
    );
  });
});

describe("analysis thresholds", () => {
  it("have safe defaults: too few calls is never enough, p99 reported but not judged", () => {
    expect(defaultThresholds.minRequests).toBeGreaterThanOrEqual(100);
    expect(defaultThresholds.maxLatencyIncrease.p99).toBe(false);
    expect(mergeThresholds()).toEqual(defaultThresholds);
  });

  it("are overridden by the environment, then by the service, field by field", () => {
    const merged = mergeThresholds(
      { minRequests: 500, maxLatencyIncrease: { p99: 1 }, confidence: 0.99 },
      { minRequests: 20, maxLatencyIncrease: { p50: 0.1 } },
    );
    expect(merged).toEqual({
      ...defaultThresholds,
      minRequests: 20,
      confidence: 0.99,
      maxLatencyIncrease: { p50: 0.1, p95: 0.5, p99: 1 },
    });
  });
});

describe("the strategy a deploy runs", () => {
  const canary = {
    canary: { steps: [{ weight: 25 }, { analysis: "2m" }, { weight: 100 }], analysis: { minRequests: 30 } },
  };

  it("runs the declared canary where canaries are allowed, with the merged thresholds", () => {
    const strategy = rolloutStrategy(
      { rollout: canary, deployment: {} },
      { rollout: { analysis: { minRequests: 1000, maxRestarts: 2 } } },
    );
    expect(strategy).toEqual({
      kind: "canary",
      steps: [
        { kind: "weight", weight: 25 },
        { kind: "analysis", window: "2m", windowMs: 120_000 },
        { kind: "weight", weight: 100 },
      ],
      thresholds: { ...defaultThresholds, minRequests: 30, maxRestarts: 2 },
    });
  });

  it("is a plain rollout where canaries are forbidden, or none is declared", () => {
    expect(rolloutStrategy({ rollout: canary, deployment: {} }, { rollout: { canary: "forbid" } })).toEqual({
      kind: "rolling",
      reason: "forbidden here",
    });
    expect(rolloutStrategy({ deployment: {} }, {})).toEqual({ kind: "rolling", reason: "not declared" });
  });
});

describe("with a service and an environment", () => {
  // The definitions' schema takes the field as its `rollout` (the wiring a later change adds).
  const withRollout = serviceSchema.extend({ rollout: serviceRollout.optional() });
  const file = "services/api/service.ts";
  const api = {
    name: "api",
    version: "1.0.0",
    image: "api",
    deployment: { port: 8080 },
  };
  const canary = { canary: { steps: [{ weight: 10 }, { analysis: "5m" }, { weight: 100 }] } };

  it("locates a bad step at its path in the service", () => {
    const input = {
      ...api,
      rollout: { canary: { steps: [{ weight: 10 }, { pause: "5m" }, { weight: 100 }] } },
    };
    const result = withRollout.safeParse(input);
    expect(result.success).toBe(false);
    expect(
      problemsFromIssues(file, input, withRollout, result.error?.issues ?? []).map(formatProblem),
    ).toEqual([
      'services/api/service.ts: rollout.canary.steps[1].pause: must be "manual", a person promoting or aborting (to wait a while and judge, use { analysis: "10m" }), found string "5m"',
    ]);
  });

  it("refuses a service without a canary where the environment requires one, naming it", () => {
    expect(rolloutProblems({ file, spec: api }, { name: "prod", rollout: { canary: "require" } })).toEqual([
      {
        file,
        path: "rollout",
        message:
          'environment prod requires a canary (rollout.canary: "require"): declare one, such as rollout: { canary: { steps: [{ weight: 10 }, { analysis: "5m" }, { weight: 100 }] } }',
      },
    ]);
    expect(
      rolloutProblems(
        { file, spec: { ...api, rollout: canary } },
        { name: "prod", rollout: { canary: "require" } },
      ),
    ).toEqual([]);
    // A service that serves nothing has nothing to canary.
    expect(rolloutProblems({ file, spec: {} }, { name: "prod", rollout: { canary: "require" } })).toEqual([]);
  });

  it("refuses a canary without a Deployment, or beside an autoscaler, or with no replica", () => {
    const env = { name: "prod" };
    expect(
      rolloutProblems({ file, spec: { rollout: canary } }, env).map((p) => `${p.path}: ${p.message}`),
    ).toEqual(["rollout: needs a deployment: a canary shares a Deployment's replicas"]);
    const scaled = {
      rollout: canary,
      deployment: { autoscale: { minReplicas: 2, maxReplicas: 5, cpu: 80 } },
    };
    expect(rolloutProblems({ file, spec: scaled }, env).map((p) => `${p.path}: ${p.message}`)).toEqual([
      "rollout.canary: cannot be used with deployment.autoscale yet: the autoscaler owns the replica count a canary splits",
    ]);
    expect(
      rolloutProblems({ file, spec: { rollout: canary, deployment: { replicas: 0 } } }, env),
    ).toHaveLength(1);
    // Where canaries are forbidden the service gets a plain rollout: nothing to refuse.
    expect(rolloutProblems({ file, spec: scaled }, { name: "dev", rollout: { canary: "forbid" } })).toEqual(
      [],
    );
  });

  it("gives one definition a canary in prod and a plain rollout in dev", () => {
    const spec = { ...api, rollout: canary };
    expect(rolloutStrategy(spec, { rollout: { canary: "require" } }).kind).toBe("canary");
    expect(rolloutStrategy(spec, { rollout: { canary: "forbid" } }).kind).toBe("rolling");
  });

  it("refuses an environment policy that is not one of the three", () => {
    const input = { rollout: { canary: "always" } };
    const schema = z.strictObject({ rollout: environmentRollout });
    const result = schema.safeParse(input);
    expect(
      problemsFromIssues("slipway.config.ts", input, schema, result.error?.issues ?? []).map(formatProblem),
    ).toEqual([
      'slipway.config.ts: rollout.canary: expected one of "allow", "require", "forbid", found string "always"',
    ]);
  });
});
