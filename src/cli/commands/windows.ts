import type { Command } from "commander";
import { document } from "../../output/document.ts";
import type { WindowChange, WindowsDocument } from "../../output/documents.ts";
import { freezeText, identitiesText, localTime } from "../../windows/format.ts";
import { Windows, type WindowState } from "../../windows/state.ts";
import type { Output } from "../output.ts";
import { outputFormat, printDocument } from "../output-format.ts";
import { environmentNamed, openProject } from "../project.ts";
import { UsageError } from "../usage-error.ts";

export function registerWindows(program: Command, out: Output): void {
  program
    .command("windows")
    .description(
      "an environment's deploy windows: which are in force, whether it is frozen, and the next changes",
    )
    .requiredOption("-e, --env <name>", "environment")
    .option(
      "--at <time>",
      "the state at another instant (ISO 8601 with an offset, such as 2026-12-04T16:30:00+01:00)",
    )
    .option("--changes <n>", "how many of the next changes of state to list", "6")
    .option("-o, --output <format>", "table or json", "table")
    .action(async (opts: { env: string; at?: string; changes: string; output: string }, cmd: Command) => {
      const format = outputFormat(opts.output, ["table", "json"]);
      const limit = Number(opts.changes);
      if (!Number.isInteger(limit) || limit < 0)
        throw new UsageError(`--changes must be a whole number, found "${opts.changes}"`);
      const at = opts.at === undefined ? Date.now() : Date.parse(opts.at);
      if (opts.at !== undefined && (!/(Z|[+-]\d{2}:\d{2})$/.test(opts.at) || Number.isNaN(at)))
        throw new UsageError(
          `--at must be an ISO 8601 time with an offset, found "${opts.at}"`,
          "such as --at 2026-12-04T16:30:00+01:00 or --at 2026-12-04T15:30:00Z",
        );
      const project = await openProject(cmd.optsWithGlobals<{ config?: string }>().config);
      const env = environmentNamed(project, opts.env);
      const windows = new Windows(env.windows);
      const now = windows.stateAt(at);
      const change = (s: WindowState): WindowChange => ({
        at: new Date(s.at).toISOString(),
        frozen: s.frozen,
        because: s.frozen ? freezeText(s) : "",
      });
      const doc: WindowsDocument = document("Windows", {
        environment: env.name,
        at: new Date(at).toISOString(),
        frozen: now.frozen,
        because: now.frozen ? freezeText(now) : "",
        windows: windows.refs.map((w) => {
          const o = [...now.deny, ...now.allow].find((x) => x.window.index === w.index);
          return {
            ...w,
            inForce: o
              ? { from: new Date(o.start).toISOString(), until: new Date(o.end).toISOString() }
              : null,
          };
        }),
        changes: windows.changes(at, limit).map(change),
        breakGlass: { users: env.breakGlass?.users ?? [], groups: env.breakGlass?.groups ?? [] },
        rollbackDuringFreeze: env.rollbackDuringFreeze !== false,
      });
      if (format === "json") return printDocument(out, doc);
      if (!windows.any) return out.line(`${env.name} has no deploy windows: deploys may run at any time.`);
      // Times in the zone of the environment's first window, which is how its people read them.
      const zone = windows.refs[0]?.timeZone ?? "UTC";
      out.line(
        `${env.name} is ${doc.frozen ? `FROZEN at ${localTime(at, zone)}: ${doc.because}` : `open at ${localTime(at, zone)}`}`,
      );
      out.line("");
      out.table(
        ["#", "KIND", "REASON", "TIMES", "TIME ZONE", "IN FORCE"],
        doc.windows.map((w) => [
          String(w.index),
          w.kind,
          w.reason,
          w.times,
          w.timeZone,
          w.inForce
            ? `yes, ${localTime(Date.parse(w.inForce.from), w.timeZone)} to ${localTime(Date.parse(w.inForce.until), w.timeZone)}`
            : "no",
        ]),
      );
      out.line("");
      if (doc.changes.length)
        out.table(
          ["NEXT CHANGE", "UTC", "BECOMES"],
          doc.changes.map((c) => [
            localTime(Date.parse(c.at), zone),
            c.at,
            c.frozen ? `frozen: ${c.because}` : "open",
          ]),
        );
      else out.line("No change of state within the next 400 days.");
      out.line("");
      out.line(
        `break-glass: ${identitiesText(env.breakGlass) || "no one (the environment names no breakGlass)"}; rollbacks while frozen: ${doc.rollbackDuringFreeze ? "allowed" : "refused (rollbackDuringFreeze: false)"}`,
      );
    });
}
