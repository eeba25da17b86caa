// The demo's eight steps: each says what Slipway is about to check and why, runs it, and checks
// that it behaved as described (exit codes and a few key lines of the output).
import { expect, heading, say } from "./narrate.ts";
import { releaseManager, releaseManagerKubeconfig, type DemoProject } from "./project.ts";
import { playCi, slipway, slipwayAs, type Result } from "./slipway.ts";
import { ExitCode } from "../../src/cli/exit-codes.ts";
import { auditEntries, call, callUntil, describeEntries, tablesOf } from "./workload.ts";
import { pushWithCopiedSignature } from "./tamper.ts";

const deployArgs = ["deploy", "--env", "dev", "--yes", "--timeout", "2m"];

/** CI first (build, push, report the tested build), then `slipway deploy`. */
async function deploy(project: DemoProject, ...services: string[]): Promise<Result> {
  await playCi(project.config);
  return slipway(project.config, ...deployArgs, ...services);
}

const status = (project: DemoProject): Promise<Result> => slipway(project.config, "status", "--env", "dev");

export async function deployVersionOne(project: DemoProject): Promise<void> {
  heading("1. Deploy version 1 of every service");
  say(
    "Before anything changes, Slipway checks that each image is pinned by digest and was built and tested\n" +
      "by CI; then it runs the migrations, creates the audit indices, and rolls out in dependency order.\n" +
      "accounting's migrations ship in its image: Slipway reads them out of its layers, by digest, to check them.",
  );
  const r = await deploy(project);
  expect(r.code === 0, "the deploy exits 0");
  expect(
    r.has(/✓ image: /) && r.has(/✓ ci: /),
    "the plan shows the image (by digest) and CI build checks passed",
  );
  const migrated = r.text.indexOf("files: migrations (direct): applied V1__files.sql");
  expect(
    migrated >= 0 && migrated < r.text.indexOf("files: applied "),
    "files' migrations ran before its rollout",
  );
  expect(
    r.has(/✓ migration-files: 2 file\(s\) from image \S+\/accounting@sha256:[0-9a-f]{64}:\/migrations/) &&
      r.has(/accounting: migrations checked: 2 pending/),
    "accounting's migrations were read from its image (by digest) and checked before its Job ran them",
  );
  expect(r.has("files: audit index files.browse: created"), "the audit index of files.browse was created");
  expect(
    r.text.indexOf("mail: verified: smoke passed") > r.text.indexOf("mail: rolled out: "),
    "mail's smoke test ran after its rollout, and passed",
  );
  expect(
    ["auth", "accounting", "files", "mail", "app-orchestrator", "maintenance"].every((s) =>
      r.has(new RegExp(`^${s}\\s+deployed\\s+1\\b`, "m")),
    ),
    "all 6 services deployed as revision 1 (maintenance, only a CronJob and a Job, has no rollout)",
  );
  expect(
    r.has(/accounting: logs of accounting-migrate-r1:/) && r.has(/migrate-db: applied V2__transactions\.sql/),
    "accounting's migration Job ran in a container on the real node, and its log reached the deploy",
  );
  const tables = await tablesOf("accounting");
  say(`accounting's database now has the tables its Job created: ${tables.join(", ")}.`);
  expect(
    tables.includes("wallets") && tables.includes("transactions") && tables.includes("flyway_schema_history"),
    "accounting's tables exist, created by its migration Job",
  );
  const s = await status(project);
  expect(
    s.code === 0 &&
      s.text.match(/ yes +1\/1 /g)?.length === 5 &&
      s.has(/^maintenance\s+1\.0\.0\s+1\.0\.0\s+yes\s+-/m),
    "status: all 6 up to date; the 5 with a Deployment 1/1 ready",
  );
}

export async function compatibleChange(project: DemoProject): Promise<void> {
  heading("2. files 1.5.0: an expand-only migration and a compatible call change");
  say(
    "The migration only adds a nullable column, so the running 1.4.0 keeps working on the migrated schema;\n" +
      "files.browse gains an optional field, so its audit index is updated in place, not rolled over.",
  );
  project.edit("services/files/service.ts", 'version: "1.4.0"', 'version: "1.5.0"');
  project.write(
    "services/files/migrations/V3__add_checksum.sql",
    "set lock_timeout = '5s';\nalter table files add column checksum text;\n",
  );
  project.edit(
    "services/files/calls/browse.request.json",
    '"itemsPerPage": { "type": "integer" }',
    '"itemsPerPage": { "type": "integer" },\n    "showHidden": { "type": "boolean" }',
  );
  const r = await deploy(project, "files");
  expect(r.code === 0, "the deploy exits 0");
  expect(r.has("call files.browse: compatible: showHidden"), "the plan calls the call change compatible");
  expect(
    r.has(/files\.browse: add request\.showHidden to \S+ in place/),
    "the audit index is updated in place",
  );
  expect(r.has("applied V3__add_checksum.sql"), "the expand migration ran");
  expect(r.has(/^files\s+deployed\s+2\b/m), "files 1.5.0 rolled out as revision 2");
}

export async function breakingMigration(project: DemoProject): Promise<void> {
  heading("3. mail 0.9.3: a migration that drops a column the running version reads");
  say(
    "During a rollout old and new pods share the database. mail 0.9.2 still selects outbox.subject\n" +
      "(its queries.sql), so dropping it now would break it: Slipway must refuse and change nothing.",
  );
  const migration = "services/mail/migrations/V2__drop_subject.sql";
  project.edit("services/mail/service.ts", 'version: "0.9.2"', 'version: "0.9.3"');
  project.write(migration, "set lock_timeout = '5s';\nalter table outbox drop column subject;\n");
  const r = await deploy(project, "mail");
  expect(r.code === ExitCode.refused, "the deploy is refused with exit 4 (refused by a check)");
  expect(r.has("error ban-drop-column: dropping outbox.subject"), "it names the finding");
  expect(
    r.has(/dynamic-proof: .*select id, recipient, subject, body from outbox/),
    "and the query that would break",
  );
  expect(r.has("fix: contract in a later release"), "and the safe way to do it");
  expect(r.has(/^mail\s+failed\b.*nothing rolled out/m), "the deploy report says nothing rolled out");
  const s = await status(project);
  expect(s.has(/^mail\s+0\.9\.2\s+0\.9\.3\s+no\b/m), "nothing rolled out: mail still runs 0.9.2");
  say("Taking the change back: the copy's mail is 0.9.2 again, without the migration.");
  project.remove(migration);
  project.edit("services/mail/service.ts", 'version: "0.9.3"', 'version: "0.9.2"');
}

export async function breakingCallChange(project: DemoProject): Promise<void> {
  heading("4. files 1.6.0: an audited call changes a field's type");
  say(
    "files.browse's itemsPerPage becomes a string: the audit index maps it as a number, so documents of the\n" +
      "new version would be rejected. Slipway rolls the index over to a new write index before the rollout.",
  );
  const before = await call("files", "/files/browse", { path: "/home/ada", itemsPerPage: 20 }, 3);
  expect(
    before.every((status) => status === 200),
    "files 1.5.0 answers 3 real calls of files.browse (200)",
  );
  const entriesBefore = await auditEntries("files.browse", 3);
  say(
    `Audit entries of files.browse by index, written by the running pods: ${describeEntries(entriesBefore)}.`,
  );
  project.edit("services/files/service.ts", 'version: "1.5.0"', 'version: "1.6.0"');
  project.edit(
    "services/files/calls/browse.request.json",
    '"itemsPerPage": { "type": "integer" }',
    '"itemsPerPage": { "type": "string" }',
  );
  // The program changes with its call: it takes the page size as a string now, and its test says so.
  project.edit(
    "services/files/app/handler.js",
    "const itemsPerPage = body.itemsPerPage ?? 25;",
    "const itemsPerPage = Number(body.itemsPerPage ?? 25);",
  );
  project.edit(
    "services/files/app/handler.test.js",
    'assert.equal(browse({ path: "/home/ada", itemsPerPage: "10" }).status, 400);',
    'assert.equal(browse({ path: "/home/ada", itemsPerPage: "10" }).body.items.length, 10);',
  );
  const r = await deploy(project, "files");
  expect(r.code === 0, "the deploy exits 0");
  expect(
    r.has("call files.browse: BREAKING: itemsPerPage: type changed from integer to string"),
    "the plan shows the BREAKING call change",
  );
  expect(r.has(/update the audit index of files\.browse \(roll-over\)/), "and the audit index roll-over");
  expect(r.has(/rolled \S*http_logs_files\.browse over/), "the index was rolled over");
  const a = await slipway(project.config, "audit", "status", "--env", "dev");
  expect(a.code === 0, "audit status exits 0");
  expect(
    a.has(/files\.browse .*-000002\b.*matches/),
    "files.browse matches, writing to its new index (-000002)",
  );
  const { statuses: after, waitedMs } = await callUntil(
    "files",
    "/files/browse",
    { path: "/home/ada", itemsPerPage: "20" },
    2,
  );
  if (waitedMs > 1000)
    say(
      `(the old pod drained for ${Math.round(waitedMs / 1000)}s after the rollout before 1.6.0 answered alone)`,
    );
  expect(
    after.every((status) => status === 200),
    "files 1.6.0 answers calls with itemsPerPage as a string",
  );
  const entriesAfter = await auditEntries("files.browse", 5);
  say(
    `Audit entries of files.browse by index, after the new version's calls: ${describeEntries(entriesAfter)}.`,
  );
  const newIndex = [...entriesAfter].find(([index]) => index.endsWith("-000002"));
  expect(
    (newIndex?.[1] ?? 0) >= 2,
    "the new version's entries were accepted by the new index (-000002) and can be searched",
  );
}

export async function failingRollout(project: DemoProject): Promise<void> {
  heading("5. mail 1.0.0: a version that crashes at start; mail 1.0.1: a version whose smoke test fails");
  say(
    "Every check passes, but the new program exits at start: the kubelet restarts it and backs off\n" +
      "(CrashLoopBackOff). Slipway watches the rollout, says why with the container's own last lines, and\n" +
      "rolls back to the last good release by itself.",
  );
  const fault = (name: string): string => `SLIPWAY_EXAMPLE_FAULT: "${name}",`;
  project.edit("services/mail/service.ts", 'version: "0.9.2"', 'version: "1.0.0"');
  project.edit("services/mail/service.ts", "    env: {\n", `    env: {\n      ${fault("exit-at-start")}\n`);
  const r = await deploy(project, "mail");
  expect(r.code === ExitCode.rolledBack, "the deploy fails with exit 6 (rolled back)");
  expect(
    r.has(/mail: rollout failed: .*CrashLoopBackOff/),
    "it says the rollout failed, and the kubelet's reason",
  );
  expect(r.has("fatal: cannot parse"), "it shows the crashed container's last log line");
  expect(r.has(/mail: rolled back to revision \d+/), "it says it rolled back");
  const s = await status(project);
  expect(s.has(/^mail\s+0\.9\.2\s+1\.0\.0\s+no\s+1\/1\b/m), "mail runs 0.9.2 again, 1/1 ready");

  say(
    "\nThis time the pods are healthy, but the new version's own smoke test (a verification Job run after\n" +
      "the rollout, before the release counts) really fails: Slipway shows its log and rolls back just the same.",
  );
  project.edit("services/mail/service.ts", 'version: "1.0.0"', 'version: "1.0.1"');
  project.edit("services/mail/service.ts", fault("exit-at-start"), fault("smoke-fails"));
  const v = await deploy(project, "mail");
  expect(v.code === ExitCode.rolledBack, "the deploy fails with exit 6 (rolled back)");
  expect(v.has("mail: rolled out: "), "the rollout itself succeeded");
  expect(v.has(/mail: verification smoke failed: /), "it says the verification failed");
  expect(v.has(/smoke-test: FAILED/), "and shows the smoke test's own log");
  expect(v.has(/mail: rolled back to revision \d+/), "it says it rolled back");
  const after = await status(project);
  expect(after.has(/^mail\s+0\.9\.2\s+1\.0\.1\s+no\s+1\/1\b/m), "mail runs 0.9.2 again, 1/1 ready");
  expect(
    !v.has("serves no logs") && !r.has("serves no logs"),
    "every log Slipway showed came from a container",
  );
}

export async function failingTests(project: DemoProject): Promise<void> {
  heading("6. auth 1.3.0: a change that breaks login, caught by auth's own tests");
  say(
    "auth 1.3.0 drops the orcid login provider by mistake. CI runs auth's tests (services/auth/app), two fail,\n" +
      "and it reports a FAILURE build with the real counts: the CI check refuses the version, nothing changes.",
  );
  const handler = "services/auth/app/handler.js";
  const providers = 'const providers = ["password", "wayf", "orcid"];';
  project.edit("services/auth/service.ts", 'version: "1.0.0"', 'version: "1.3.0"');
  project.edit(handler, providers, 'const providers = ["password", "wayf"];');
  const r = await deploy(project, "auth");
  expect(r.code === ExitCode.refused, "the deploy is refused with exit 4 (refused by a check)");
  expect(
    r.has(/✗ ci: Jenkins build #\d+ FAILURE, \d+ tests, 2 failed/),
    "the CI check says the build failed",
  );
  expect(r.has(/build #\d+ of auth 1\.3\.0 has 2 failing of \d+ tests/), "and how many of its tests failed");
  const s = await status(project);
  expect(s.has(/^auth\s+1\.0\.0\s+1\.3\.0\s+no\b/m), "nothing rolled out: auth still runs 1.0.0");
  say("Taking the change back: the copy's auth is 1.0.0 again, with its orcid provider.");
  project.edit(handler, 'const providers = ["password", "wayf"];', providers);
  project.edit("services/auth/service.ts", 'version: "1.3.0"', 'version: "1.0.0"');
}

export async function finalState(project: DemoProject): Promise<void> {
  heading("8. Where the environment stands");
  say("The status of every service, and the history of files: each release, its outcome and when.");
  const s = await status(project);
  expect(s.code === 0, "status exits 0");
  expect(s.has(/^files\s+1\.6\.0\s+1\.6\.0\s+yes/m), "files runs 1.6.0");
  const h = await slipway(project.config, "history", "files", "--env", "dev");
  expect(h.code === 0, "history exits 0");
  expect(
    ["1.4.0", "1.5.0", "1.6.0"].every((v) => h.has(v)),
    "the history lists files 1.4.0, 1.5.0 and 1.6.0",
  );
}

export async function promotionToProd(project: DemoProject): Promise<void> {
  heading("7. auth to prod: built, tested by machine and by hand, signed, requested and approved");
  say(
    "prod takes no plain deploys. A change reaches it as a promotion of exactly what dev runs (the same\n" +
      "image digest), after someone tested it there by hand and signed it off, requested by one person and\n" +
      "approved by another: the release manager, a ServiceAccount with its own token and RBAC.",
  );
  const direct = await slipway(project.config, "deploy", "auth", "--env", "prod", "--yes");
  expect(
    direct.code === ExitCode.refused && direct.has("✗ approval: prod deploys only approved promotions"),
    "a plain deploy to prod is refused (exit 4): prod deploys only approved promotions",
  );
  const promote = ["promote", "--from", "dev", "--to", "prod", "auth"];
  const early = await slipway(project.config, ...promote);
  expect(
    early.code === ExitCode.refused && early.has("nobody signed off the manual test of auth 1.0.0 in dev"),
    "requesting it before dev's manual sign-off is refused (exit 4), saying the sign-off is missing",
  );
  const signed = await slipway(
    project.config,
    ..."signoff auth 1.0.0 --env dev --note".split(" "),
    "logged in with password, wayf and orcid",
  );
  expect(signed.code === 0, "auth 1.0.0 is signed off in dev");
  const requested = await slipway(project.config, ...promote);
  const id = /requested promotion (p-\S+)/.exec(requested.text)?.[1] ?? "";
  expect(
    requested.code === 0 && id !== "" && requested.has("Plan for research-cloud in prod"),
    "the promotion is requested, showing prod's plan, and kept in prod's namespace",
  );
  const self = await slipway(project.config, "approve", id, "--env", "prod", "--yes");
  expect(
    self.code === ExitCode.refused && self.has("another person must approve it"),
    "whoever requested it cannot approve it (exit 4)",
  );
  const manager = { kubeconfig: await releaseManagerKubeconfig(project), who: "release-manager" };
  const approved = await slipwayAs(
    manager,
    project.config,
    "approve",
    id,
    "--env",
    "prod",
    "--yes",
    "--timeout",
    "2m",
  );
  expect(
    approved.code === 0 && approved.has(`promotion ${id} deployed to prod: auth: deployed (revision 1)`),
    "the release manager approves it, and auth is deployed to prod with their credentials",
  );
  const history = await slipway(project.config, "history", "auth", "--env", "prod");
  expect(
    history.has(`${releaseManager} (`) && history.has(`approving ${id} requested by`),
    "prod's history says who approved it and who requested it",
  );
  say(
    "prod also requires that each image's digest is signed by the CI's key, with signed attestations of\n" +
      "the commit it was built from and of its tests. Someone who can push to the registry but has no key\n" +
      "pushes other bytes and copies auth's genuine signature beside them: Slipway refuses them.",
  );
  const verified = await slipway(project.config, "verify-image", "auth", "-e", "prod");
  expect(
    verified.code === 0 &&
      verified.has(/✓ signature: \S+\/research\/auth@sha256:[0-9a-f]{64} signed by key research-ci/) &&
      verified.has(/✓ provenance: .*built from commit [0-9a-f]{12} .*tests \d+ passed, 0 failed/),
    "auth as deployed verifies: signed by the CI's key, built from the tested commit, its tests passed",
  );
  const digest = /auth@(sha256:[0-9a-f]{64}) signed by/.exec(verified.text)?.[1] ?? "";
  const tampered = await pushWithCopiedSignature(
    { service: "auth", version: "1.0.0", prefix: "research" },
    digest,
    "1.0.0-tampered",
  );
  const refused = await slipway(project.config, "verify-image", tampered, "-e", "prod");
  expect(
    refused.code === ExitCode.refused && refused.has(`signs another image (${digest}), not this digest`),
    "the tampered image is refused (exit 4): its copied signature names another digest",
  );
}
