// A deploy prints no Node warning. `npm run demo` printed "MaxListenersExceededWarning: Possible
// EventTarget memory leak detected. 11 abort listeners added to [AbortSignal]" on its deploys:
// every Kubernetes request in flight added a listener to the command's signal (a plan has a dozen
// at once), and a Job's wait never removed its own from the deploy's signal. The binary hid it by
// raising the limit on its signal; the demo, which runs commands in-process, did not.
import { afterAll, beforeAll, expect, it } from "vitest";
import { run } from "../../src/cli/run.ts";
import {
  isolatedExample,
  provisionExampleDatabases,
  publishDefinedVersions,
  removeExample,
} from "../support/deploy-project.ts";
import { captureOutput } from "../support/output.ts";
import { platform } from "../support/platform.ts";
import { runSlipway } from "../support/slipway-bin.ts";

const project = isolatedExample("warnings", { node: "simulated" });
const deploy = (...more: string[]): string[] => [
  "deploy",
  ...more,
  "--env",
  "dev",
  "--yes",
  "--timeout",
  "120s",
  "-c",
  project.config,
  "--kubeconfig",
  platform.kubeconfig,
];

beforeAll(async () => {
  await provisionExampleDatabases(project.config, "dev");
  await publishDefinedVersions(project.config);
});
afterAll(() => removeExample(project.namespace));

/** Node's own warnings as it prints them: `(node:1234) MaxListenersExceededWarning: ...`. */
const nodeWarnings = (stderr: string): string[] => stderr.match(/^\(node:\d+\) .*Warning.*$/gm) ?? [];

it("deploys the whole example through the binary, then again unchanged, without a Node warning", async () => {
  // Cleared: a --no-warnings given to the test runner would hide them.
  const env = { NODE_OPTIONS: "" };
  const first = await runSlipway(deploy(), { env });
  expect(first.code, first.stdout + first.stderr).toBe(0);
  expect(nodeWarnings(first.stderr)).toEqual([]);
  const again = await runSlipway(deploy(), { env });
  expect(again.code, again.stdout + again.stderr).toBe(0);
  expect(nodeWarnings(again.stderr)).toEqual([]);
});

it("deploys in-process, as the demo does, on a signal of its own, without a Node warning", async () => {
  const warnings: string[] = [];
  const record = (warning: Error): void => void warnings.push(`${warning.name}: ${warning.message}`);
  process.on("warning", record);
  try {
    project.edit("services/mail/service.ts", /version: "[^"]+"/, 'version: "0.9.3"');
    await publishDefinedVersions(project.config);
    const interrupt = new AbortController();
    const out = Object.assign(captureOutput(), { signal: interrupt.signal });
    const code = await run(deploy("mail", "files", "auth"), out);
    expect(code, out.stdout + out.stderr).toBe(0);
    // Warnings are emitted on the next tick.
    await new Promise((resolve) => setImmediate(resolve));
  } finally {
    process.off("warning", record);
  }
  expect(warnings).toEqual([]);
});
