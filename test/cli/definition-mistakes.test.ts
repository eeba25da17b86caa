import { spawnSync } from "node:child_process";
import { readFileSync, writeFileSync } from "node:fs";
import { join } from "node:path";
import { afterAll, describe, expect, it } from "vitest";
import {
  copyOfExample,
  minimalConfig,
  removeScratchMadeHere,
  scratchProject,
  service,
} from "../support/project.ts";
import { slipwayBin } from "../support/slipway-bin.ts";

// Mistakes in definitions that an outside review found passing or said badly, through the real
// binary: `validate` and `render` name the file, the field, what was found and what is expected,
// once per mistake, and exit 2 without a stack trace. Nothing here contacts a cluster.
afterAll(removeScratchMadeHere);

const slipway = (config: string, ...args: string[]) => {
  const r = spawnSync(process.execPath, [slipwayBin, ...args, "-c", config], {
    encoding: "utf8",
    env: { ...process.env, NO_COLOR: "1" },
  });
  expect(r.stderr).not.toMatch(/\n\s+at /);
  // Paths are relative to the working folder: keep from the project's own folder on.
  const lines = r.stderr
    .split("\n")
    .filter(Boolean)
    .map((l) => l.replace(/^(warning: )?\S*?(services\/|slipway\.config\.ts)/, "$1$2"));
  return { code: r.status, stdout: r.stdout, lines };
};

describe("cron schedules", () => {
  const project = scratchProject({
    "slipway.config.ts": minimalConfig,
    "services/reports/service.ts": service(`{
      name: "reports", version: "1", image: "reports",
      cronJobs: {
        seconds: { schedule: "0 0 1 * * *" },
        minute: { schedule: "99 1 * * *" },
        words: { schedule: "at 3 every day please" },
        sunday: { schedule: "0 3 * * 7" },
        zoned: { schedule: "CRON_TZ=Europe/Oslo 0 3 * * *" },
        nowhere: { schedule: "0 3 * * *", timeZone: "Nowhere/Land" },
        weekdays: { schedule: "30 2 * * MON-FRI", timeZone: "Europe/Oslo" },
        january: { schedule: "0 0 1 JAN *" },
        daily: { schedule: "@daily" },
        hourly: { schedule: "@every 1h" },
      },
    }`),
  });

  it("refuses what Kubernetes refuses, each at its field, and takes what it takes", () => {
    const r = slipway(project.config, "validate");
    expect(r.code).toBe(2);
    const five =
      'expected five fields (minute hour day-of-month month day-of-week) such as "0 3 * * *", or a macro such as "@daily"';
    expect(r.lines).toEqual([
      `services/reports/service.ts: cronJobs.seconds.schedule: is not a schedule Kubernetes takes (6 fields: it has no seconds field): ${five}, found string "0 0 1 * * *"`,
      `services/reports/service.ts: cronJobs.minute.schedule: is not a schedule Kubernetes takes (invalid value for minute: 99): ${five}, found string "99 1 * * *"`,
      `services/reports/service.ts: cronJobs.words.schedule: is not a schedule Kubernetes takes (the minute field "at" is not a number, name, list, range or step): ${five}, found string "at 3 every day please"`,
      `services/reports/service.ts: cronJobs.sunday.schedule: is not a schedule Kubernetes takes (a day of week is 0 (Sunday) to 6 (Saturday), or SUN to SAT; Kubernetes takes no 7): ${five}, found string "0 3 * * 7"`,
      'services/reports/service.ts: cronJobs.zoned.schedule: has a time zone, which the API server refuses in the schedule of a new CronJob: give it in timeZone instead (timeZone: "Europe/Oslo"), found string "CRON_TZ=Europe/Oslo 0 3 * * *"',
      'services/reports/service.ts: cronJobs.nowhere.timeZone: expected an IANA time zone such as "Europe/Oslo" or "UTC", found string "Nowhere/Land"',
      "6 problems in the definitions; nothing was rendered or changed",
    ]);
  });
});

describe("a required parameter left out", () => {
  const project = scratchProject({
    "slipway.config.ts": minimalConfig.replace(
      "defaults: { replicas: 2 },",
      "defaults: { replicas: 2 }, parameters: { auth: { tosVersion: 3 } },",
    ),
    "services/auth/service.ts": service(`{
      name: "auth", version: "1", image: "auth",
      parameters: {
        tosVersion: { type: "integer", required: true, description: "the terms users accept" },
        apiToken: { type: "string", secret: true, required: true },
      },
      deployment: { port: 8080, env: { API_TOKEN: (env, params) => params.apiToken } },
      configMaps: { "auth-terms": { data: { "terms.yaml": (env, params) => \`version: \${params.tosVersion}\\n\` } } },
    }`),
    "services/mail/service.ts": service(
      `{ name: "mail", version: "1", image: "mail", deployment: { port: 8080 } }`,
    ),
  });
  const terms = (stdout: string): unknown =>
    (JSON.parse(stdout) as { items: { kind: string; data?: Record<string, string> }[] }).items.find(
      (o) => o.kind === "ConfigMap",
    )?.data?.["terms.yaml"];

  it("validate says so, with the service, the environments and how to set it (a warning: --set may give it)", () => {
    const r = slipway(project.config, "validate");
    expect(r.code).toBe(0);
    expect(r.lines).toEqual([
      'warning: services/auth/service.ts: parameters.tosVersion: parameter "tosVersion" of service "auth" is required and has no value: give it in the environment\'s parameters.auth (auth: { tosVersion: ... }), or with --set auth.tosVersion=... when deploying (render shows a placeholder for it only with --placeholders) (environment dev)',
    ]);
    expect(r.stdout).toContain("2 services, 2 environments");
  });

  it("render refuses without it, shows a placeholder only when asked, and renders the value given", () => {
    const refused = slipway(project.config, "render", "--env", "dev", "-o", "json");
    expect(refused.code).toBe(2);
    expect(refused.stdout).toBe("");
    expect(refused.lines).toEqual([
      'services/auth/service.ts: parameters.tosVersion: parameter "tosVersion" of service "auth" is required and has no value: give it in the environment\'s parameters.auth (auth: { tosVersion: ... }), or with --set auth.tosVersion=...; or render --placeholders to show a placeholder in its place (environment dev)',
      "1 problem in the definitions; nothing was rendered or changed",
    ]);

    const placeholder = slipway(project.config, "render", "--env", "dev", "-o", "json", "--placeholders");
    expect(placeholder.code).toBe(0);
    expect(terms(placeholder.stdout)).toBe("version: <auth.tosVersion: required, not set>\n");
    expect(placeholder.lines).toEqual([
      "placeholder for auth.tosVersion (required, not set): <auth.tosVersion: required, not set>",
    ]);

    const given = slipway(
      project.config,
      "render",
      "--env",
      "dev",
      "-o",
      "json",
      "--set",
      "auth.tosVersion=4",
    );
    expect(given.code).toBe(0);
    expect(terms(given.stdout)).toBe("version: 4\n");
    expect(given.lines).toEqual([]);
    // Another service renders without it; prod has its value.
    expect(slipway(project.config, "render", "mail", "--env", "dev").code).toBe(0);
    const prod = slipway(project.config, "render", "--env", "prod", "-o", "json");
    expect(prod.code).toBe(0);
    expect(terms(prod.stdout)).toBe("version: 3\n");
  });
});

describe("integer parameters", () => {
  const project = (prodValue: string, declaration = '{ type: "integer", default: 1 }') =>
    scratchProject({
      "slipway.config.ts": minimalConfig.replace(
        "defaults: { replicas: 2 },",
        `defaults: { replicas: 2 }, parameters: { auth: { tosVersion: ${prodValue} } },`,
      ),
      "services/auth/service.ts": service(`{
        name: "auth", version: "1", image: "auth",
        parameters: { tosVersion: ${declaration} },
        deployment: { port: 8080, env: { TOS_VERSION: (env, params) => String(params.tosVersion) } },
      }`),
    });

  it("refuses a fraction from --set, from the environment and as a default; takes a whole number", () => {
    const good = project("2");
    const set = slipway(good.config, "render", "--env", "dev", "--set", "auth.tosVersion=1.5");
    expect(set.code).toBe(2);
    expect(set.lines[0]).toBe(
      '--set auth.tosVersion: parameter "tosVersion" of service "auth" is an integer, found "1.5" (expected a whole number such as 3) (environment dev)',
    );
    const whole = slipway(good.config, "render", "--env", "dev", "-o", "json", "--set", "auth.tosVersion=7");
    expect(whole.code).toBe(0);
    expect(whole.stdout).toContain('"value": "7"');

    const environment = slipway(project("1.5").config, "validate");
    expect(environment.code).toBe(2);
    expect(environment.lines[0]).toBe(
      'slipway.config.ts: environments[1].parameters.auth.tosVersion: parameter "tosVersion" of service "auth" is an integer, found number 1.5 (environment prod)',
    );

    const fraction = slipway(project("2", '{ type: "integer", default: 2.5 }').config, "validate");
    expect(fraction.code).toBe(2);
    expect(fraction.lines[0]).toBe(
      "services/auth/service.ts: parameters.tosVersion.default: expected an integer, found number 2.5",
    );
  });
});

describe("one mistake, one error", () => {
  it("a service that fails to load gives no follow-on errors in the services that use what it shares", () => {
    const example = copyOfExample();
    const auth = join(example.root, "services", "auth", "service.ts");
    writeFileSync(
      auth,
      readFileSync(auth, "utf8").replace(
        'configFiles: [{ configMap: "token-validation", mountPath: "/etc/token-validation" }]',
        'configFiles: [{ configMap: "token-validation", mountPath: "etc/token-validation" }]',
      ),
    );
    const r = slipway(example.config, "validate");
    expect(r.code).toBe(2);
    expect(r.lines).toEqual([
      'services/auth/service.ts: deployment.configFiles[0].mountPath: must be an absolute path, found string "etc/token-validation"',
      "1 problem in the definitions; nothing was rendered or changed",
    ]);
  });

  it("a function that throws is one error, not also a missing field", () => {
    const project = scratchProject({
      "slipway.config.ts": minimalConfig,
      "services/web/service.ts": service(`{
        name: "web", version: "1", image: "web",
        deployment: { port: 8080 }, service: { port: 80 },
        ingress: { host: (env) => { throw new Error("no domain for " + env.name); }, path: "/" },
      }`),
    });
    const r = slipway(project.config, "validate");
    expect(r.code).toBe(2);
    expect(r.lines).toEqual([
      "services/web/service.ts: ingress.host: threw while computing its value: no domain for dev (environment dev)",
      "services/web/service.ts: ingress.host: threw while computing its value: no domain for prod (environment prod)",
      "2 problems in the definitions; nothing was rendered or changed",
    ]);
  });
});

describe("the validator's own wording", () => {
  it("says the field, what was found and what is expected", () => {
    const project = scratchProject({
      "slipway.config.ts": minimalConfig,
      "services/web/service.ts": service(`{
        name: "web", version: "1", image: "web",
        deployment: { port: 8080, liveness: { http: { path: "healthz" } } },
        service: { port: 70000 },
        volumes: { data: { size: "1Gi", mountPath: "data" } },
      }`),
    });
    const r = slipway(project.config, "validate");
    expect(r.code).toBe(2);
    expect(r.lines).toEqual([
      'services/web/service.ts: deployment.liveness.http.path: expected a string starting with "/", found string "healthz"',
      "services/web/service.ts: service.port: expected a number <= 65535, found number 70000",
      'services/web/service.ts: volumes.data.mountPath: expected a string starting with "/", found string "data"',
      "3 problems in the definitions; nothing was rendered or changed",
    ]);
  });
});
