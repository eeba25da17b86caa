import { afterAll, describe, expect, it } from "vitest";
import { loadProject } from "../../src/definitions/load.ts";
import { rolloutStrategy } from "../../src/definitions/rollout-strategy.ts";
import {
  minimalConfig,
  definitionProblems,
  removeScratchMadeHere,
  scratchProject,
  service,
} from "../support/project.ts";

afterAll(removeScratchMadeHere);

const withRollout = (policy: string): string =>
  minimalConfig.replace(
    "      defaults: { replicas: 2 },\n",
    `      defaults: { replicas: 2 },\n      rollout: { canary: ${JSON.stringify(policy)} },\n`,
  );

describe("a canary in a project", () => {
  it("locates a bad step in the service's file", async () => {
    const p = scratchProject({
      "slipway.config.ts": minimalConfig,
      "services/api/service.ts": service(
        `{ name: "api", version: "1.0.0", image: "api", deployment: { port: 8080 }, rollout: { canary: { steps: [{ weight: 10 }, { pause: "5m" }, { weight: 100 }] } } }`,
      ),
    });
    expect(await definitionProblems(p.config)).toEqual([
      expect.stringMatching(
        /services\/api\/service\.ts: rollout\.canary\.steps\[1\]\.pause: must be "manual", .*found string "5m"$/,
      ),
    ]);
  });

  it("refuses a service without a canary where the environment requires one, naming it", async () => {
    const p = scratchProject({
      "slipway.config.ts": withRollout("require"),
      "services/api/service.ts": service(
        `{ name: "api", version: "1.0.0", image: "api", deployment: { port: 8080 } }`,
      ),
    });
    expect(await definitionProblems(p.config)).toEqual([
      expect.stringMatching(
        /services\/api\/service\.ts: rollout: environment prod requires a canary \(rollout\.canary: "require"\): declare one, .*\(environment prod\)$/,
      ),
    ]);
  });

  it("loads a canary where prod forbids it: prod gets a plain rollout, dev the canary", async () => {
    const p = scratchProject({
      "slipway.config.ts": withRollout("forbid"),
      "services/api/service.ts": service(
        `{ name: "api", version: "1.0.0", image: "api", deployment: { port: 8080 }, rollout: { canary: { steps: [{ weight: 10 }, { analysis: "5m" }, { weight: 100 }] } } }`,
      ),
    });
    const project = await loadProject(p.config);
    const strategyIn = (env: string) => {
      const api = project.services.get(env)?.[0];
      const environment = project.environments.find((e) => e.name === env);
      if (!api || !environment) throw new Error(`no api in ${env}`);
      return rolloutStrategy(api.spec, environment).kind;
    };
    expect(strategyIn("dev")).toBe("canary");
    expect(strategyIn("prod")).toBe("rolling");
  });

  it("refuses a canary without a Deployment, or beside an autoscaler", async () => {
    const canary = `rollout: { canary: { steps: [{ weight: 10 }, { weight: 100 }] } }`;
    const p = scratchProject({
      "slipway.config.ts": minimalConfig,
      "services/cleaner/service.ts": service(
        `{ name: "cleaner", version: "1.0.0", image: "cleaner", cronJobs: { nightly: { schedule: "0 3 * * *" } }, ${canary} }`,
      ),
      "services/api/service.ts": service(
        `{ name: "api", version: "1.0.0", image: "api", deployment: { port: 8080, resources: { requests: { cpu: "100m" } }, autoscale: { minReplicas: 2, maxReplicas: 5, cpu: 80 } }, ${canary} }`,
      ),
    });
    expect(await definitionProblems(p.config)).toEqual(
      expect.arrayContaining([
        expect.stringMatching(
          /services\/cleaner\/service\.ts: rollout: needs a deployment: a canary shares a Deployment's replicas$/,
        ),
        expect.stringMatching(
          /services\/api\/service\.ts: rollout\.canary: cannot be used with deployment\.autoscale yet: the autoscaler owns the replica count a canary splits$/,
        ),
      ]),
    );
  });

  it("refuses an environment policy that is not one of the three", async () => {
    const p = scratchProject({
      "slipway.config.ts": withRollout("always"),
      "services/api/service.ts": service(
        `{ name: "api", version: "1.0.0", image: "api", deployment: { port: 8080 } }`,
      ),
    });
    expect(await definitionProblems(p.config)).toEqual([
      expect.stringMatching(
        /environments\[1\]\.rollout\.canary: expected one of "allow", "require", "forbid", found string "always"$/,
      ),
    ]);
  });
});
