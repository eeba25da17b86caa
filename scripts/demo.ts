// The demo: deploys a copy of the example platform to the local platform and walks through the
// procedure step by step, checking that each step behaves as described. Exit 0 only if all do:
// `npx tsx scripts/demo.ts` (`npm run demo` first installs what is needed and brings the platform up).
import { loadProject } from "../src/definitions/load.ts";
import { bold, formatSeconds, heading, say, Unmet } from "./demo/narrate.ts";
import {
  copyExample,
  indexPrefix,
  namespace,
  prodIndexPrefix,
  prodNamespace,
  provisionDatabases,
  resetEnvironment,
} from "./demo/project.ts";
import {
  breakingCallChange,
  breakingMigration,
  compatibleChange,
  deployVersionOne,
  failingRollout,
  failingTests,
  finalState,
  promotionToProd,
} from "./demo/steps.ts";

const steps = [
  deployVersionOne,
  compatibleChange,
  breakingMigration,
  breakingCallChange,
  failingRollout,
  failingTests,
  promotionToProd,
  finalState,
];

const started = Date.now();
let step = 0;
try {
  heading("0. A fresh start");
  const project = copyExample();
  const { environments } = await loadProject(project.config);
  const dev = environments.find((e) => e.name === "dev");
  const prod = environments.find((e) => e.name === "prod");
  if (!dev || !prod) throw new Error("the example has no dev or prod environment");
  say(
    `A copy of examples/platform in ${project.root}, deploying to namespace ${namespace} (dev) and ${prodNamespace} (prod).`,
  );
  await resetEnvironment(dev.cluster.context, namespace, indexPrefix);
  await resetEnvironment(prod.cluster.context, prodNamespace, prodIndexPrefix);
  const databases = [
    ...(await provisionDatabases(project, "dev")),
    ...(await provisionDatabases(project, "prod")),
  ];
  say(`Removed what an earlier run left; databases ready: ${databases.join(", ")}.`);
  say(`(setup: ${formatSeconds(Date.now() - started)})`);
  for (const run of steps) {
    step++;
    const at = Date.now();
    await run(project);
    say(`(step ${step}: ${formatSeconds(Date.now() - at)})`);
  }
  console.log(
    bold(`\ndemo: all ${steps.length} steps behaved as described (${formatSeconds(Date.now() - started)})`),
  );
} catch (error) {
  const where = step ? `step ${step}` : "setup";
  const what =
    error instanceof Unmet
      ? `expected: ${error.message}`
      : String(error instanceof Error ? (error.stack ?? error.message) : error);
  console.log(bold(`\ndemo: FAILED at ${where}: ${what}`));
  process.exitCode = 1;
}
