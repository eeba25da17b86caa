import { readFileSync } from "node:fs";
import { dirname, join, relative, resolve } from "node:path";
import type { Command } from "commander";
import {
  diffCalls,
  diffRequestSchemas,
  hasBreaking,
  type CallsDiff,
} from "../../checks/calls/request-diff.ts";
import { requestSchemaProblems } from "../../checks/calls/schema-problems.ts";
import type { CallContract, JsonSchema } from "../../definitions/model.ts";
import { ReleaseStore } from "../../release/store.ts";
import { callRules, callsAnnotations, type CallSource } from "../../output/calls-annotations.ts";
import { callsDiffDocument } from "../../output/findings-documents.ts";
import { annotationsMarkdown, appendStepSummary, workflowCommand } from "../../output/github.ts";
import { sarifLog } from "../../output/sarif.ts";
import { ExitCode } from "../exit-codes.ts";
import type { Output } from "../output.ts";
import { formatOption, outputOption, reportFormat } from "../report-format.ts";
import { openSession } from "../session.ts";
import { UsageError } from "../usage-error.ts";
import { slipwayVersion } from "../version.ts";

interface DiffFlags {
  env?: string;
  old?: string;
  new?: string;
  format?: string;
  output?: string;
}

export function registerCalls(program: Command, out: Output): void {
  const calls = program.command("calls").description("the calls services serve, and their request schemas");
  calls
    .command("diff")
    .description(
      "request-schema changes, each breaking or compatible: a service's deployed calls against its definition, or two schema files (exit 1 when something is breaking)",
    )
    .argument("[service]", "service whose deployed calls to compare (with --env)")
    .option("-e, --env <name>", "environment whose deployed release to compare against")
    .option("--old <file>", "the old request schema (JSON), with --new")
    .option("--new <file>", "the new request schema (JSON), with --old")
    .addOption(formatOption())
    .addOption(outputOption())
    .action(async (service: string | undefined, opts: DiffFlags, cmd: Command) => {
      const format = reportFormat(opts);
      let diff: CallsDiff;
      // Where each call's schema is written, for annotations on its lines.
      let sourceOf: (call: string) => CallSource;
      if (opts.old !== undefined || opts.new !== undefined) {
        if (opts.old === undefined || opts.new === undefined || service !== undefined || opts.env)
          throw new UsageError(
            "--old and --new go together, without a service or --env",
            "slipway calls diff --old old.json --new new.json",
          );
        const changes = diffRequestSchemas(readSchema(opts.old, "--old"), readSchema(opts.new, "--new"));
        diff = { added: [], removed: [], changed: changes.length ? [{ call: opts.new, changes }] : [] };
        const file = opts.new;
        sourceOf = () => ({ file, json: readFileSync(file, "utf8") });
      } else {
        if (service === undefined || !opts.env)
          throw new UsageError(
            "name a service and --env, or two schema files with --old and --new",
            "slipway calls diff files --env dev",
          );
        const session = await openSession(cmd, opts.env, [service]);
        const model = session.project.services.get(session.env.name)?.find((s) => s.spec.name === service);
        const defined = model as { calls: readonly CallContract[] };
        const root = session.project.root;
        sourceOf = (call) => {
          const definition = model ? join(root, model.file) : root;
          const request = model?.spec.calls?.[call]?.request;
          if (typeof request !== "string") return { file: relativeToCwd(definition) };
          const file = resolve(dirname(definition), request);
          return { file: relativeToCwd(file), json: readFileSync(file, "utf8") };
        };
        const store = new ReleaseStore(session.cluster, session.env.cluster.namespace);
        const deployed = (await store.summaries(service)).find((s) => s.status === "deployed");
        if (!deployed) out.note(`${service} has no deployed release in ${opts.env}: every call is new`);
        const before = deployed ? (await store.get(service, deployed.revision)).calls : [];
        diff = diffCalls(before, defined.calls);
      }
      const breaking = hasBreaking(diff);
      if (format === "json") out.line(JSON.stringify(callsDiffDocument(diff, breaking), null, 2));
      else if (format === "text") printDiff(diff, out);
      else {
        const annotations = callsAnnotations(diff, sourceOf);
        if (format === "sarif")
          out.line(
            JSON.stringify(
              sarifLog(annotations, callRules(annotations), { version: slipwayVersion() }),
              null,
              2,
            ),
          );
        else {
          for (const a of annotations) out.line(workflowCommand(a));
          appendStepSummary(annotationsMarkdown("slipway calls diff", annotations));
        }
      }
      if (breaking) out.exitCode(ExitCode.failure);
    });
}

const relativeToCwd = (file: string): string => relative(process.cwd(), file) || file;

function readSchema(path: string, flag: string): JsonSchema {
  let text: string;
  try {
    text = readFileSync(path, "utf8");
  } catch (error) {
    const code = (error as NodeJS.ErrnoException).code;
    throw new UsageError(
      `${flag} ${path}: ${code === "ENOENT" ? "no such file" : (code ?? (error as Error).message)}`,
    );
  }
  try {
    const parsed: unknown = JSON.parse(text);
    if (!parsed || typeof parsed !== "object" || Array.isArray(parsed))
      throw new Error("a schema must be a JSON object");
    const problem = requestSchemaProblems(parsed as JsonSchema)[0];
    if (problem) throw new Error(`at ${problem.pointer}: ${problem.message}`);
    return parsed as JsonSchema;
  } catch (error) {
    // JSON.parse quotes the text around the mistake, newlines and all: keep it on one line.
    const why = (error as Error).message.replace(/\s+/g, " ").trim();
    throw new UsageError(`${flag} ${path} is not a JSON Schema: ${why}`);
  }
}

function printDiff(diff: CallsDiff, out: Output): void {
  if (!diff.added.length && !diff.removed.length && !diff.changed.length) {
    out.line("No changes to the calls' request schemas.");
    return;
  }
  for (const call of diff.added) out.line(`+ ${call}: new call (compatible)`);
  for (const call of diff.removed) out.line(`- ${call}: removed (BREAKING: clients still call it)`);
  for (const { call, changes } of diff.changed) {
    out.line(`~ ${call}`);
    for (const c of changes)
      out.line(
        `    ${c.severity === "breaking" ? "BREAKING  " : "compatible"}  ${c.message}  [${c.kind} at ${c.pointer}]`,
      );
  }
  const breaking =
    diff.removed.length +
    diff.changed.flatMap((c) => c.changes).filter((c) => c.severity === "breaking").length;
  out.line(breaking ? `\n${breaking} breaking change(s).` : "\nEvery change is compatible.");
}
