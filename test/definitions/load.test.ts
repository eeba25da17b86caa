import { afterAll, describe, expect, it } from "vitest";
import { readFileSync, rmSync, writeFileSync } from "node:fs";
import { join } from "node:path";
import { DefinitionError } from "../../src/definitions/errors.ts";
import { loadProject } from "../../src/definitions/load.ts";
import {
  copyOfExample,
  exampleConfig,
  minimalConfig,
  removeScratchMadeHere,
  scratchProject,
  service,
} from "../support/project.ts";

afterAll(removeScratchMadeHere);

/** The rendered problems of a project that must not load. */
async function problemsOf(config: string): Promise<string[]> {
  const error = await loadProject(config).then(
    () => undefined,
    (e: unknown) => e,
  );
  expect(error).toBeInstanceOf(DefinitionError);
  const rendered = (error as DefinitionError).render();
  expect(rendered).not.toMatch(/\n\s+at /); // no stack traces for user mistakes
  return rendered.split("\n");
}

describe("loading the example platform", () => {
  it("loads the example's prod, which requires the image, CI, promotion, signature and provenance checks and an approval", async () => {
    const project = await loadProject(exampleConfig);
    const prod = project.environments.find((e) => e.name === "prod");
    expect(prod?.requires).toEqual(["image", "ci", "promotion", "signature", "provenance"]);
    expect(prod?.signatures).toEqual({ keys: [{ name: "research-ci", file: "keys/ci.pub" }] });
    expect(prod?.promotion).toEqual({ from: "dev" });
    expect(prod?.approval?.approvers).toContain("system:serviceaccount:research:release-manager");
  });

  it("refuses an approval without an environment to promote from, at its path", async () => {
    const copy = copyOfExample();
    writeFileSync(
      copy.config,
      readFileSync(copy.config, "utf8").replace('  promotion: { from: "dev" },\n', ""),
    );
    expect(await problemsOf(copy.config)).toEqual(
      expect.arrayContaining([
        expect.stringMatching(
          /environments\[1\]\.approval: approval is of a promotion, but environment "prod" names no earlier environment to promote from/,
        ),
      ]),
    );
  });

  it("loads six services in dependency order for both environments", async () => {
    const project = await loadProject(exampleConfig);
    expect(project.name).toBe("research-cloud");
    expect(project.environments.map((e) => e.name)).toEqual(["dev", "prod"]);
    const order = project.services.get("dev")?.map((s) => s.spec.name) ?? [];
    expect(order).toHaveLength(6);
    for (const s of project.services.get("dev") ?? []) {
      for (const dep of s.spec.dependsOn ?? [])
        expect(order.indexOf(dep)).toBeLessThan(order.indexOf(s.spec.name));
    }
  });

  it("resolves per-environment values with the environment's flavour defaults", async () => {
    const project = await loadProject(exampleConfig);
    const files = (env: string) => project.services.get(env)?.find((s) => s.spec.name === "files");
    expect(files("dev")?.spec.deployment?.replicas).toBe(1);
    expect(files("prod")?.spec.deployment?.replicas).toBe(3);
    expect(files("prod")?.spec.ingress?.host).toBe("cloud.example.org");
    expect(files("dev")?.spec.ingress?.host).toBe("dev.cloud.example.org");
    const [dev, prod] = project.environments;
    expect([dev?.ingressClass, dev?.storageClass]).toEqual(["traefik", "local-path"]);
    expect([prod?.ingressClass, prod?.storageClass]).toEqual(["nginx", "longhorn"]);
  });

  it("reads migrations in Flyway order, call schemas and config files", async () => {
    const project = await loadProject(exampleConfig);
    const files = project.services.get("dev")?.find((s) => s.spec.name === "files");
    expect(files?.migrations.map((m) => m.name)).toEqual([
      "V1__files.sql",
      "V2__shares.sql",
      "R__file_stats.sql",
    ]);
    expect(files?.calls.find((c) => c.name === "files.browse")?.request).toMatchObject({
      required: ["path"],
    });
    expect(files?.configMaps.get("files-config")?.["files.yaml"]).toContain("maxUploadSize");
  });
});

describe("definition files are TypeScript modules like any other", () => {
  it("may import a helper of the project and read files next to themselves", async () => {
    const p = scratchProject({
      "slipway.config.ts": minimalConfig,
      "lib/versions.ts": `export const apiVersion: string = "2.4.1";\n`,
      "services/api/image.txt": "api-image\n",
      "services/api/service.ts": [
        `import { readFileSync } from "node:fs";`,
        `import { join } from "node:path";`,
        `import { defineService } from "slipway";`,
        `import { apiVersion } from "../../lib/versions.ts";`,
        `const image = readFileSync(new URL("./image.txt", import.meta.url), "utf8").trim();`,
        `export default defineService({ name: "api", version: apiVersion, image, deployment: { port: 8080 }, configMaps: { where: { data: { dir: import.meta.dirname, file: join(import.meta.dirname, "x") } } } });`,
      ].join("\n"),
    });
    const project = await loadProject(p.config);
    const api = project.services.get("dev")?.find((s) => s.spec.name === "api");
    expect(api?.spec.version).toBe("2.4.1");
    expect(api?.spec.image).toBe("api-image");
    expect(api?.configMaps.get("where")?.dir).toBe(join(p.root, "services", "api"));
  });

  it("is read again when it changed between two loads in the same process", async () => {
    const p = scratchProject({
      "slipway.config.ts": minimalConfig,
      "services/api/service.ts": service(
        `{ name: "api", version: "1.0.0", image: "api", deployment: { port: 8080 } }`,
      ),
    });
    const first = await loadProject(p.config);
    writeFileSync(
      join(p.root, "services", "api", "service.ts"),
      service(`{ name: "api", version: "1.0.1", image: "api", deployment: { port: 8080 } }`),
    );
    const second = await loadProject(p.config);
    expect(first.services.get("dev")?.[0]?.spec.version).toBe("1.0.0");
    expect(second.services.get("dev")?.[0]?.spec.version).toBe("1.0.1");
  });
});

describe("bad definitions get one clear error each: file, field path, found, expected", () => {
  it("rejects unknown keys and suggests the key that was meant", async () => {
    const p = scratchProject({
      "slipway.config.ts": minimalConfig,
      "services/api/service.ts": service(
        `{ name: "api", version: "1.0.0", image: "api", deployment: { replica: 2, port: 8080 } }`,
      ),
    });
    expect(await problemsOf(p.config)).toEqual([
      expect.stringMatching(
        /^test\/\.scratch\/project-\w+\/services\/api\/service\.ts: deployment\.replica: unknown key; did you mean "replicas"\? \(expected one of: replicas, minReadySeconds, podLabels, port, command, /,
      ),
    ]);
  });

  it("says what was found and what was expected, per environment when it differs", async () => {
    const p = scratchProject({
      "slipway.config.ts": minimalConfig,
      "services/api/service.ts": service(
        `{ name: "api", version: "1.0.0", image: "api", deployment: { replicas: (env) => (env.name === "prod" ? "three" : 1) as number } }`,
      ),
    });
    expect(await problemsOf(p.config)).toEqual([
      expect.stringMatching(
        /services\/api\/service\.ts: deployment\.replicas: expected number, found string "three" \(environment prod\)$/,
      ),
    ]);
  });

  it("checks names against Kubernetes' DNS rules", async () => {
    const p = scratchProject({
      "slipway.config.ts": minimalConfig,
      "services/api/service.ts": service(
        `{ name: "Files_API", version: "1.0.0", image: "api", deployment: {} }`,
      ),
    });
    const [line] = await problemsOf(p.config);
    expect(line).toMatch(
      /services\/api\/service\.ts: name: must be a DNS-1123 label: lower-case letters, digits and '-', .*found string "Files_API"$/,
    );
  });

  it("catches duplicate names, dangling dependsOn and dependency cycles", async () => {
    const p = scratchProject({
      "slipway.config.ts": minimalConfig,
      "services/a/service.ts": service(
        `{ name: "a", version: "1", image: "a", dependsOn: ["b"], deployment: {} }`,
      ),
      "services/b/service.ts": service(
        `{ name: "b", version: "1", image: "b", dependsOn: ["a", "nope"], deployment: {} }`,
      ),
      "services/b2/service.ts": service(`{ name: "b", version: "1", image: "b", deployment: {} }`),
    });
    const problems = await problemsOf(p.config);
    expect(problems).toEqual(
      expect.arrayContaining([
        expect.stringMatching(
          /services\/b2\/service\.ts: name: service "b" is also defined in .*services\/b\/service\.ts$/,
        ),
        expect.stringMatching(
          /services\/b\/service\.ts: dependsOn\[1\]: no service named "nope" \(services: a, b\)$/,
        ),
        expect.stringMatching(/services\/a\/service\.ts: dependsOn: dependency cycle: a => b => a$/),
      ]),
    );
  });

  it("refuses an environment that requires a check it cannot run, at the field that says so", async () => {
    const config = minimalConfig
      .replace(
        'databases: { main: { secret: "main-db" } },\n    }),\n    defineEnvironment({',
        'databases: { main: { secret: "main-db" } },\n      requires: ["image", "ci", "promotion"],\n    }),\n    defineEnvironment({',
      )
      .replace(
        "defaults: { replicas: 2 },",
        'defaults: { replicas: 2 },\n      ci: { url: "http://127.0.0.1:28080" },\n      promotion: { from: "dev" },\n      requires: ["image", "ci", "promotion"],',
      );
    expect(config).toContain('requires: ["image", "ci", "promotion"],\n    }),\n    defineEnvironment({');
    const p = scratchProject({
      "slipway.config.ts": config,
      "services/api/service.ts": service(`{ name: "api", version: "1", image: "api", deployment: {} }`),
    });
    // dev names neither a CI server nor an environment to promote from; prod names both.
    expect(await problemsOf(p.config)).toEqual([
      expect.stringMatching(
        /slipway\.config\.ts: environments\[0\]\.requires\[1\]: requires the ci check, but environment "dev" names no CI server, so there is no build to check \(add ci: \{ url: .* \}\)$/,
      ),
      expect.stringMatching(
        /slipway\.config\.ts: environments\[0\]\.requires\[2\]: requires the promotion check, but environment "dev" names no earlier environment to promote from \(add promotion: \{ from: "dev" \}\)$/,
      ),
    ]);
    const unknown = scratchProject({
      "slipway.config.ts": minimalConfig.replace(
        "defaults: { replicas: 2 },",
        'defaults: { replicas: 2 },\n      requires: ["image", "tests"],',
      ),
      "services/api/service.ts": service(`{ name: "api", version: "1", image: "api", deployment: {} }`),
    });
    expect(await problemsOf(unknown.config)).toEqual([
      expect.stringMatching(/environments\[1\]\.requires\[1\]: .*"image".*"ci".*"promotion"/),
    ]);
  });

  it("requires secret references to be declared, and databases to exist in the environment", async () => {
    const p = scratchProject({
      "slipway.config.ts": minimalConfig,
      "services/api/service.ts": service(
        `{ name: "api", version: "1", image: "api", deployment: { database: "other", env: { TOKEN: { secret: "api-token", key: "t" } } } }`,
      ),
    });
    expect(await problemsOf(p.config)).toEqual([
      expect.stringMatching(/deployment\.env\.TOKEN\.secret: Secret "api-token" is not listed in secrets/),
      // The same mistake in both environments: said once.
      expect.stringMatching(
        /deployment\.database: the environment has no database "other" \(its databases: main\)$/,
      ),
    ]);
  });

  it("names the environments a mistake is found in when it is not all of them", async () => {
    const p = scratchProject({
      "slipway.config.ts": minimalConfig.replace(
        "  ],\n});",
        `    defineEnvironment({
      name: "staging",
      cluster: { context: "local", namespace: "demo-staging", flavour: "k3s" },
      registry: { host: "127.0.0.1:25000", repositoryPrefix: "demo" },
      databases: { main: { secret: "main-db" }, other: { secret: "other-db" } },
    }),
  ],
});`,
      ),
      "services/api/service.ts": service(
        `{ name: "api", version: "1", image: "api", deployment: { database: "other" } }`,
      ),
    });
    expect(await problemsOf(p.config)).toEqual([
      expect.stringMatching(
        /deployment\.database: the environment has no database "other" \(its databases: main\) \(environments dev, prod\)$/,
      ),
    ]);
  });

  it("takes a service without a Deployment only when it runs CronJobs or Jobs, and nothing that serves", async () => {
    const p = scratchProject({
      "slipway.config.ts": minimalConfig,
      "services/idle/service.ts": service(`{ name: "idle", version: "1", image: "idle" }`),
      "services/web/service.ts": service(
        `{ name: "web", version: "1", image: "web", container: { env: { A: "1" } }, cronJobs: { x: { schedule: "@daily" } }, service: { port: 80 } }`,
      ),
      "services/both/service.ts": service(
        `{ name: "both", version: "1", image: "both", deployment: { port: 8080 }, container: { env: { A: "1" } } }`,
      ),
    });
    expect(await problemsOf(p.config)).toEqual([
      expect.stringMatching(
        /services\/both\/service\.ts: container: is for a service without a Deployment; with one, give these settings in deployment$/,
      ),
      expect.stringMatching(
        /services\/idle\/service\.ts: deployment: is required unless the service runs cronJobs or jobs \(it would run nothing\)$/,
      ),
      expect.stringMatching(
        /services\/web\/service\.ts: service: needs a deployment: without one the service runs only CronJobs and Jobs, nothing serves$/,
      ),
    ]);
  });

  it("mounts another service's ConfigMap only when that service shares it", async () => {
    const p = scratchProject({
      "slipway.config.ts": minimalConfig,
      "services/auth/service.ts": service(
        `{ name: "auth", version: "1", image: "auth", deployment: { port: 8080 }, configMaps: { keys: { data: { a: "1" }, shared: true }, private: { data: { b: "2" } } } }`,
      ),
      "services/web/service.ts": service(
        `{ name: "web", version: "1", image: "web", deployment: { port: 8080, configFiles: [{ configMap: "keys", mountPath: "/k" }, { configMap: "private", mountPath: "/p" }] }, pod: { volumes: { ca: { projected: { configMaps: ["kube-root-ca.crt", "private"] }, mountPath: "/ca" } } } }`,
      ),
    });
    // A projected volume may name a ConfigMap made outside Slipway (the plan checks it is there).
    expect(await problemsOf(p.config)).toEqual([
      expect.stringMatching(
        /services\/web\/service\.ts: pod\.volumes\.ca\.projected\.configMaps\[1\]: ConfigMap "private" belongs to auth, which does not share it/,
      ),
      expect.stringMatching(
        /services\/web\/service\.ts: deployment\.configFiles\[1\]\.configMap: ConfigMap "private" belongs to auth, which does not share it \(add shared: true there\)$/,
      ),
    ]);
  });

  it("deploys a service after the one whose shared ConfigMap it mounts", async () => {
    const p = scratchProject({
      "slipway.config.ts": minimalConfig,
      "services/a-web/service.ts": service(
        `{ name: "a-web", version: "1", image: "web", deployment: { port: 8080, configFiles: [{ configMap: "keys", mountPath: "/k" }] } }`,
      ),
      "services/z-auth/service.ts": service(
        `{ name: "z-auth", version: "1", image: "auth", deployment: { port: 8080 }, configMaps: { keys: { data: { a: "1" }, shared: true } } }`,
      ),
    });
    const project = await loadProject(p.config);
    expect(project.services.get("dev")?.map((s) => s.spec.name)).toEqual(["z-auth", "a-web"]);
  });

  it("names a record key that breaks its naming rule, and the rule", async () => {
    const p = scratchProject({
      "slipway.config.ts": minimalConfig,
      "services/api/service.ts": service(
        `{ name: "api", version: "1", image: "api", deployment: { port: 8080 }, cronJobs: { Cleanup: { schedule: "0 3 * * *" } } }`,
      ),
    });
    expect(await problemsOf(p.config)).toEqual([
      expect.stringMatching(
        /services\/api\/service\.ts: cronJobs: the name "Cleanup" must be a DNS-1123 label: lower-case letters, digits and '-', starting and ending with a letter or digit$/,
      ),
    ]);
  });

  it("reports an invalid environment once, with no follow-on errors about the others", async () => {
    const p = scratchProject({
      "slipway.config.ts": minimalConfig
        .replace('namespace: "demo-dev", flavour: "k3s"', 'namespace: "demo-dev", flavour: "openshift"')
        .replace(
          "defaults: { replicas: 2 },",
          'defaults: { replicas: 2 },\n      promotion: { from: "dev" },',
        ),
      "services/api/service.ts": service(
        `{ name: "api", version: "1", image: "api", deployment: { port: 8080 } }`,
      ),
    });
    expect(await problemsOf(p.config)).toEqual([
      expect.stringMatching(
        /slipway\.config\.ts: environments\[0\]\.cluster\.flavour: expected one of "k3s", "rancher"/,
      ),
    ]);
  });

  it("reports a file that does not compile, with its location", async () => {
    const p = scratchProject({
      "slipway.config.ts": minimalConfig,
      "services/api/service.ts": `import { defineService } from "slipway";\nexport default defineService({ name: "api", version: "1" image: "api" });\n`,
    });
    const [line] = await problemsOf(p.config);
    expect(line).toMatch(
      /services\/api\/service\.ts: cannot be loaded: .*service\.ts:2:\d+: ERROR: Expected "}" but found "image"/,
    );
  });

  it("reports missing files, bad Flyway names and a missing default export", async () => {
    const p = copyOfExample();
    writeFileSync(join(p.root, "services", "files", "migrations", "V3_add_quota.sql"), "select 1;");
    writeFileSync(join(p.root, "services", "files", "migrations", "V2__again.sql"), "select 1;");
    rmSync(join(p.root, "services", "files", "calls", "upload.request.json"));
    writeFileSync(join(p.root, "services", "mail", "service.ts"), "export const nothing = 1;\n");
    const problems = await problemsOf(p.config);
    expect(problems).toEqual(
      expect.arrayContaining([
        expect.stringMatching(
          /services\/files\/service\.ts: migrations\.path: V3_add_quota\.sql is not a Flyway name \(expected V<version>__<description>\.sql or R__<description>\.sql\)$/,
        ),
        expect.stringMatching(
          /services\/files\/service\.ts: migrations\.path: V2__shares\.sql and V2__again\.sql have the same version 2$/,
        ),
        expect.stringMatching(
          /services\/files\/service\.ts: calls\.files\.upload\.request: file \.\/calls\/upload\.request\.json not found/,
        ),
        expect.stringMatching(
          /services\/mail\/service\.ts: has no default export \(expected `export default defineService\(\{\.\.\.\}\)`\)$/,
        ),
      ]),
    );
  });
});

describe("environment values: the environment's own data, read by every service's functions", () => {
  const withValues = (dev: string, prod: string): string =>
    minimalConfig
      .replace('databases: { main: { secret: "main-db" } },', `values: ${dev},`)
      .replace('databases: { main: { secret: "main-db" } },', `values: ${prod},`);

  it("hands each function env.values and env.defaults of the environment it resolves for", async () => {
    const p = scratchProject({
      "slipway.config.ts": withValues(
        '{ domain: "dev.example.org", features: { wayf: false }, zones: ["a"] }',
        '{ domain: "example.org", features: { wayf: true }, zones: ["a", "b"] }',
      ),
      "services/api/service.ts": service(`{
        name: "api", version: "1", image: "api",
        deployment: {
          port: 8080,
          replicas: (env) => (env.defaults.replicas ?? 1) * 2,
          env: {
            WAYF: (env) => String((env.values.features as { wayf: boolean }).wayf),
            ZONES: (env) => (env.values.zones as string[]).join(","),
          },
        },
        service: { port: 80 },
        ingress: { host: (env) => String(env.values.domain), path: "/api" },
      }`),
    });
    const project = await loadProject(p.config);
    const api = (env: string) => project.services.get(env)?.[0]?.spec;
    expect(api("dev")?.ingress?.host).toBe("dev.example.org");
    expect(api("prod")?.ingress?.host).toBe("example.org");
    expect(api("dev")?.deployment?.env).toEqual({ WAYF: "false", ZONES: "a" });
    expect(api("prod")?.deployment?.env).toEqual({ WAYF: "true", ZONES: "a,b" });
    expect([api("dev")?.deployment?.replicas, api("prod")?.deployment?.replicas]).toEqual([2, 4]);
    expect(project.environments[1]?.values).toEqual({
      domain: "example.org",
      features: { wayf: true },
      zones: ["a", "b"],
    });
  });

  it("refuses values that are not JSON, naming the path of each", async () => {
    const p = scratchProject({
      "slipway.config.ts": withValues(
        "{ domain: () => 'x', limits: { max: Number.POSITIVE_INFINITY }, since: new Date(0), ok: [1, null, { a: 'b' }] }",
        '{ domain: "example.org" }',
      ),
      "services/api/service.ts": service(
        `{ name: "api", version: "1", image: "api", deployment: { port: 8080 } }`,
      ),
    });
    const problems = (await problemsOf(p.config)).map((line) =>
      line.slice(line.indexOf("slipway.config.ts")),
    );
    expect(problems).toEqual([
      "slipway.config.ts: environments[0].values.domain: expected a JSON value (a string, number, boolean, null, array or plain object), found a function",
      "slipway.config.ts: environments[0].values.limits.max: expected a finite number, found number Infinity",
      "slipway.config.ts: environments[0].values.since: expected a JSON value (a string, number, boolean, null, array or plain object), found a Date",
    ]);
  });

  it("gives functions read-only values: one service cannot change them for the next", async () => {
    const p = scratchProject({
      "slipway.config.ts": withValues("{ features: { wayf: false } }", "{ features: { wayf: false } }"),
      "services/api/service.ts": service(`{
        name: "api", version: "1", image: "api",
        deployment: { port: 8080, env: { X: (env) => { (env.values.features as { wayf: boolean }).wayf = true; return "x"; } } },
      }`),
    });
    const [first] = await problemsOf(p.config);
    expect(first).toMatch(
      /services\/api\/service\.ts: deployment\.env\.X: threw while computing its value: Cannot assign to read only property 'wayf'/,
    );
  });
});
