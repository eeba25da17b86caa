import type { Command } from "commander";
import { Deploy } from "../../procedure/deploy.ts";
import { restoreRelease } from "../../procedure/rollback.ts";
import { currentCommit, deployer } from "../../procedure/identity.ts";
import { DeployLock } from "../../procedure/lock.ts";
import { ensureNamespace } from "../../procedure/namespace.ts";
import { compareSides, type ComparisonRow } from "../../move/compare.ts";
import { cutOver, cutOverWorkloads } from "../../move/cutover.ts";
import { MoveJournal, type MoveRecord, type MoveStep } from "../../move/journal.ts";
import { copyReferences, referencedObjects, type Reference } from "../../move/references.ts";
import { projectAtSourceVersions, readMoveSource, sourceDigests } from "../../move/source.ts";
import { colour, formatPlan, plain } from "../../output/plan.ts";
import { readLiveState } from "../../plan/live-state.ts";
import { gateBlocks } from "../../plan/plan.ts";
import type { ListedPlan } from "../../procedure/plan-steps.ts";
import { renderServiceObjects } from "../../render/render.ts";
import { confirm } from "../confirm.ts";
import { deployEvents, printDeployReport } from "../deploy-report.ts";
import { parseDuration } from "../duration.ts";
import type { Output } from "../output.ts";
import { openSession } from "../session.ts";
import { listedPlanFor } from "../../deploy/listed-plan.ts";
import { UsageError } from "../usage-error.ts";
import { document } from "../../output/document.ts";
import type { MoveReport, MovedService } from "../../output/documents.ts";
import { ExitCode } from "../exit-codes.ts";
import { humanOnStderr, outputFormat, printDocument } from "../output-format.ts";

interface MoveFlags {
  from: string;
  to: string;
  cutover?: boolean;
  revertCutover?: boolean;
  dryRun?: boolean;
  yes?: boolean;
  timeout: string;
  parallel: string;
  output: string;
}

export function registerCluster(program: Command, out: Output): void {
  const cluster = program.command("cluster").description("move a platform between clusters");
  cluster
    .command("move")
    .description(
      "deploy what runs in one environment (versions and image digests) onto another's cluster through the full procedure, copy the Secrets and ConfigMaps it references, compare both sides; --cutover then scales the source to zero. Never deletes anything in the source; resumable",
    )
    .argument("[service...]", "services to move (default: every service deployed in the source)")
    .requiredOption("--from <env>", "the environment the platform runs in now")
    .requiredOption("--to <env>", "the environment (cluster) it moves to")
    .option("--cutover", "once the target is healthy, scale the source's workloads to zero and record it")
    .option(
      "--revert-cutover",
      "undo a cutover: run the source's workloads again as they were deployed, and wait until they are available; the target keeps running",
    )
    .option("--dry-run", "show what would be copied, the target's plan and the cutover; change nothing")
    .option("-y, --yes", "do not ask for confirmation (required without a terminal)")
    .option("--timeout <duration>", "how long each rollout may take", "5m")
    .option("--parallel <n>", "services deployed at once", "4")
    .option("-o, --output <format>", "text, or json: the MoveReport document on stdout", "text")
    .action(async (services: string[], opts: MoveFlags, cmd: Command) => {
      const format = outputFormat(opts.output, ["text", "json"]);
      if (opts.from === opts.to) throw new UsageError("--from and --to name the same environment");
      if (opts.cutover && opts.revertCutover)
        throw new UsageError("--cutover and --revert-cutover contradict each other: give one");
      const a = await openSession(cmd, opts.from, services);
      const b = await openSession(cmd, opts.to, services);
      const nsA = a.env.cluster.namespace;
      const nsB = b.env.cluster.namespace;
      if (a.env.cluster.context === b.env.cluster.context && nsA === nsB)
        throw new UsageError(
          `${opts.from} and ${opts.to} are the same cluster and namespace: nothing to move`,
        );

      // Nobody deploys to the source while it moves: what is read now is what lands in the target.
      const lockA = new DeployLock(a.cluster, nsA);
      if (!opts.dryRun) await lockA.acquire();
      try {
        // With -o json, stdout holds only the report; the account of the move goes to stderr.
        const shown = format === "json" ? humanOnStderr(out) : out;
        const report = await (opts.revertCutover ? revert : move)(a, b, services, opts, shown);
        if (format === "json") printDocument(out, document("MoveReport", report));
      } finally {
        if (!opts.dryRun) await lockA.release().catch(() => undefined);
      }
    });
}

type Session = Awaited<ReturnType<typeof openSession>>;

async function move(
  a: Session,
  b: Session,
  only: readonly string[],
  opts: MoveFlags,
  out: Output,
): Promise<MoveReport> {
  const nsA = a.env.cluster.namespace;
  const nsB = b.env.cluster.namespace;
  const source = await readMoveSource(a.project, a.env, a.cluster, only);
  const carried: MovedService[] = source.services.map(({ service, release }) => ({
    service: service.spec.name,
    version: release.version,
    revision: release.revision,
    ...(release.digests[service.spec.name] ? { digest: release.digests[service.spec.name] } : {}),
  }));
  // What every outcome reports; each return adds what it got to.
  let report: MoveReport = {
    from: a.env.name,
    to: b.env.name,
    outcome: "failed",
    message: "",
    services: carried,
    references: [],
    cutover: opts.cutover === true,
  };
  const ended = (outcome: MoveReport["outcome"], message: string, code?: number): MoveReport => {
    if (code !== undefined) out.exitCode(code);
    return { ...report, outcome, message };
  };
  for (const name of source.notDeployed) out.note(`${name}: not deployed in ${a.env.name}; not moved`);
  if (source.services.length === 0) {
    const said = `nothing is deployed in ${a.env.name} (${a.env.cluster.context}/${nsA}) to move`;
    out.error(`error: ${said}`);
    return ended("failed", said, ExitCode.failure);
  }
  const names = source.services.map((s) => s.service.spec.name);
  const journal = new MoveJournal(a.cluster, nsA, b.env.name);
  const earlier = await journal.read();
  if (earlier?.status === "in-progress")
    out.note(
      `resuming the move to ${b.env.name} started ${earlier.startedAt} by ${earlier.startedBy}; done: ${earlier.steps.map((s) => s.step).join(", ") || "nothing"}`,
    );

  out.line(
    `Moving from ${a.env.name} (${a.env.cluster.context}/${nsA}) to ${b.env.name} (${b.env.cluster.context}/${nsB})`,
  );
  out.table(
    ["SERVICE", "VERSION", "REVISION", "IMAGE DIGEST"],
    source.services.map(({ service, release }) => [
      service.spec.name,
      release.version,
      String(release.revision),
      release.digests[service.spec.name] ?? "(by tag)",
    ]),
  );
  const project = projectAtSourceVersions(a.project, b.env, source);
  const target = { ...b, project };
  const digests = sourceDigests(source);
  const moved = project.services.get(b.env.name) ?? [];
  const refs = referencedObjects(
    b.env,
    moved,
    moved.flatMap((s) => renderServiceObjects(project.name, b.env, s, { digests })),
  );
  const planned = await listedPlanFor(target, names, {
    pinnedDigests: digests,
    movingIn: true,
    ...(out.signal ? { signal: out.signal } : {}),
  });
  const plan = await countCopiedPullSecret(planned, a, refs);
  report = { ...report, references: refs, checks: plan.checks ?? [] };
  out.note(formatPlan(plan, out.colour ? colour : plain).trimEnd());
  out.line(
    `References to copy from ${a.env.name} when missing in ${b.env.name} (values are never shown): ${refs.map((r) => `${r.kind}/${r.name}`).join(", ") || "none"}`,
  );
  if (opts.cutover)
    out.line(
      `Cutover: once ${b.env.name} is healthy, ${a.env.name}'s Deployments scale to 0 and its CronJobs are suspended.`,
    );
  if (opts.dryRun) {
    out.line("Dry run: nothing copied, deployed or scaled.");
    return plan.blocked
      ? ended("refused", "dry run: a check of the procedure failed for the target", ExitCode.refused)
      : ended("dry-run", "dry run: nothing copied, deployed or scaled");
  }
  if (plan.blocked) {
    out.error(
      "error: refused: a check of the procedure failed for the target (see above); nothing was moved",
    );
    return ended(
      "refused",
      "a check of the procedure failed for the target; nothing was moved",
      ExitCode.refused,
    );
  }
  const ok = await confirm(out, {
    yes: opts.yes === true,
    verb: "move",
    question: `Move ${names.length} service(s) to ${b.env.name}, copying the references it lacks${opts.cutover ? ", then cut over" : ""}?`,
    declined: "Not moved.",
  });
  if (!ok) return ended("declined", "not moved");

  const by = await deployer(b.cluster);
  const record: MoveRecord =
    earlier?.status === "in-progress"
      ? { ...earlier, cutover: earlier.cutover || opts.cutover === true }
      : {
          from: a.env.name,
          to: b.env.name,
          target: `${b.env.cluster.context}/${nsB}`,
          services: names,
          startedAt: new Date().toISOString(),
          startedBy: by,
          status: "in-progress",
          cutover: opts.cutover === true,
          steps: [],
        };
  const step = async (name: MoveStep, message: string): Promise<void> => {
    record.steps.push({ step: name, at: new Date().toISOString(), message });
    await journal.write(record);
  };
  await journal.write(record);

  await ensureNamespace(b.cluster, nsB);
  const copies = await copyReferences(
    refs,
    { cluster: a.cluster, namespace: nsA },
    { cluster: b.cluster, namespace: nsB },
  );
  for (const c of copies)
    out.note(
      `${c.kind}/${c.name}: ${
        {
          copied: `copied from ${a.env.name}`,
          present: `already in ${b.env.name}, same content`,
          differs: `already in ${b.env.name} with other content; kept (${b.env.name}'s own)`,
          "missing-in-source": `missing in ${a.env.name} too: create it in ${b.env.name} by hand`,
        }[c.outcome]
      }`,
    );
  await step("copy", copies.map((c) => `${c.kind}/${c.name} ${c.outcome}`).join(", ") || "nothing to copy");
  report = { ...report, copies };

  const started = Date.now();
  const deployed = await new Deploy(b.cluster, deployEvents(out)).run(project, b.env, plan, {
    only: names,
    dryRun: false,
    forceConflicts: false,
    rollback: true,
    timeoutMs: parseDuration(opts.timeout, "--timeout"),
    parallel: Number(opts.parallel) || 4,
    waitForLock: false,
    deployedBy: by,
    commit: currentCommit(project.root),
    digests,
    ...(b.search ? { search: b.search } : {}),
    ...(b.env.search?.indexPrefix ? { auditIndexPrefix: b.env.search.indexPrefix } : {}),
    ...(out.signal ? { signal: out.signal } : {}),
  });
  printDeployReport(out, deployed, started);
  report = { ...report, deploy: deployed };
  if (!deployed.ok) {
    const said = `the move stopped: not every service deployed to ${b.env.name}; ${a.env.name} is untouched. Run the move again to resume.`;
    out.error(`error: ${said}`);
    return ended("failed", said);
  }
  await step("deploy", deployed.services.map((s) => `${s.service} ${s.outcome}`).join(", "));

  const rows = await compareSides(
    project.name,
    names,
    { cluster: a.cluster, namespace: nsA, env: a.env.name },
    { cluster: b.cluster, namespace: nsB, env: b.env.name },
  );
  printComparison(out, a.env.name, b.env.name, rows);
  report = { ...report, comparison: rows };
  const unhealthy = rows.filter((r) => r.to.version !== r.from.version || !r.to.healthy);
  if (unhealthy.length) {
    const said = `${b.env.name} is not healthy for ${unhealthy.map((r) => r.service).join(", ")}; no cutover`;
    out.error(`error: ${said}`);
    return ended("failed", said, ExitCode.failure);
  }
  await step("compare", `${rows.length} service(s) healthy in ${b.env.name} at the source's versions`);

  if (record.cutover) {
    const note = `moved to ${b.env.name} (${record.target}) at ${new Date().toISOString()} by ${by}`;
    const stopped = await cutOver(
      a.cluster,
      source.services.map((s) => s.release),
      { to: b.env.name, note },
    );
    for (const s of stopped) out.note(`${a.env.name}: ${s}`);
    record.cutoverAt = new Date().toISOString();
    await step("cutover", stopped.join(", "));
  }
  record.status = "done";
  await journal.write(record);
  const said = `Moved ${names.length} service(s) to ${b.env.name}${record.cutover ? `; ${a.env.name} is scaled to zero (nothing deleted)` : `; ${a.env.name} still runs (add --cutover to stop it)`}.`;
  out.line(said);
  return { ...ended("moved", said), cutover: record.cutover };
}

/**
 * Undoes a cutover: the releases of the source's services whose workloads a cutover to `b`
 * stopped are restored as deployed, then watched until available. The target is not touched.
 */
async function revert(
  a: Session,
  b: Session,
  only: readonly string[],
  opts: MoveFlags,
  out: Output,
): Promise<MoveReport> {
  const nsA = a.env.cluster.namespace;
  const where = `${a.env.name} (${a.env.cluster.context}/${nsA})`;
  const journal = new MoveJournal(a.cluster, nsA, b.env.name);
  const [record, live, source] = await Promise.all([
    journal.read(),
    readLiveState(a.cluster, nsA, a.project.name, a.env.name, out.signal),
    readMoveSource(a.project, a.env, a.cluster, only),
  ]);
  const stopped = cutOverWorkloads(
    live,
    source.services.map((s) => s.service.spec.name),
  ).filter((w) => w.to === b.env.name);
  const reverted = source.services.filter((s) => stopped.some((w) => w.service === s.service.spec.name));
  const ended = (outcome: MoveReport["outcome"], message: string, code?: number): MoveReport => {
    if (code !== undefined) out.exitCode(code);
    return {
      from: a.env.name,
      to: b.env.name,
      outcome,
      message,
      services: reverted.map(({ service, release }) => ({
        service: service.spec.name,
        version: release.version,
        revision: release.revision,
        ...(release.digests[service.spec.name] ? { digest: release.digests[service.spec.name] } : {}),
      })),
      references: [],
      // The source stays cut over unless the revert ran.
      cutover: outcome === "dry-run" || outcome === "declined",
    };
  };
  if (reverted.length === 0) {
    const said = `nothing in ${where} was cut over to ${b.env.name}: no workload carries the cutover mark`;
    out.error(`error: ${said}`);
    return ended("failed", said, ExitCode.failure);
  }
  out.line(`Reverting the cutover of ${where} to ${b.env.name}: ${stopped[0]?.note ?? ""}`);
  out.table(
    ["SERVICE", "VERSION", "REVISION", "STOPPED"],
    reverted.map(({ service, release }) => [
      service.spec.name,
      release.version,
      String(release.revision),
      stopped
        .filter((w) => w.service === service.spec.name)
        .map((w) => w.object)
        .join(", "),
    ]),
  );
  out.line(`${b.env.name} keeps running; nothing is deleted or changed there.`);
  if (opts.dryRun) {
    out.line("Dry run: nothing changed.");
    return ended("dry-run", "dry run: nothing changed");
  }
  const ok = await confirm(out, {
    yes: opts.yes === true,
    verb: "revert the cutover",
    question: `Run ${reverted.length} service(s) in ${a.env.name} again, as deployed, beside ${b.env.name}?`,
    declined: "Not reverted.",
  });
  if (!ok) return ended("declined", "not reverted");

  // What a rollback does: the release applied as deployed (which drops the cutover marks), then
  // watched until available. Without the search server: the audit indices are the target's now.
  const releases = reverted.map((s) => s.release);
  const timeoutMs = parseDuration(opts.timeout, "--timeout");
  const failures: string[] = [];
  await Promise.all(
    releases.map(async (release) => {
      const outcome = await restoreRelease(
        a.cluster,
        release,
        { timeoutMs, ...(out.signal ? { signal: out.signal } : {}) },
        deployEvents(out),
      );
      if (outcome.successful) out.note(`${release.service}: available again: ${outcome.message}`);
      else failures.push(`${release.service}: ${outcome.message}`);
    }),
  );
  if (record) {
    record.cutover = false;
    delete record.cutoverAt;
    record.steps.push({
      step: "revert-cutover",
      at: new Date().toISOString(),
      message: `${releases.map((r) => r.service).join(", ")} run again${failures.length ? `; not available: ${failures.join("; ")}` : ""}`,
    });
    await journal.write(record);
  }
  if (failures.length) {
    const said = `applied, but not every service became available in ${a.env.name}: ${failures.join("; ")}. Run it again to wait once more.`;
    out.error(`error: ${said}`);
    return ended("failed", said, ExitCode.failure);
  }
  const said = `${a.env.name} runs again (${releases.length} service(s)); ${b.env.name} still runs too: cut over again with --cutover, or stop it.`;
  out.line(said);
  return ended("reverted", said);
}

/**
 * The target's missing pull secret is not a refusal when the move copies it from the source
 * before anything is deployed.
 */
async function countCopiedPullSecret(
  plan: ListedPlan,
  a: Session,
  refs: readonly Reference[],
): Promise<ListedPlan> {
  const name = a.env.registry.pullSecret;
  const check = plan.checks?.find((c) => c.check === "pull-secret");
  if (!name || check?.outcome !== "failed" || !refs.some((r) => r.kind === "Secret" && r.name === name))
    return plan;
  if (!(await a.cluster.get("Secret", name, a.env.cluster.namespace))) return plan;
  const checks = (plan.checks ?? []).map((c) =>
    c === check
      ? {
          ...c,
          outcome: "passed" as const,
          summary: `Secret ${name}: copied from ${a.env.name} before the deploy`,
          problems: [],
        }
      : c,
  );
  return { ...plan, checks, blocked: gateBlocks(plan.services, checks) };
}

function printComparison(out: Output, from: string, to: string, rows: readonly ComparisonRow[]): void {
  out.table(
    [
      "SERVICE",
      `${from.toUpperCase()} VERSION`,
      `${from.toUpperCase()} READY`,
      `${to.toUpperCase()} VERSION`,
      `${to.toUpperCase()} READY`,
      "SAME IMAGE",
    ],
    rows.map((r) => [
      r.service,
      r.from.version ?? "-",
      r.from.ready,
      r.to.version ?? "-",
      r.to.ready,
      r.sameImage ? "yes" : "no",
    ]),
  );
}
