import type { Command } from "commander";
import { ImageReferenceError, verifyOneImage } from "../../checks/gate/verify-one.ts";
import { document } from "../../output/document.ts";
import type { ImageVerificationDocument } from "../../output/verification-document.ts";
import { ExitCode } from "../exit-codes.ts";
import type { Output } from "../output.ts";
import { outputFormat, printDocument } from "../output-format.ts";
import { environmentNamed, openProject } from "../project.ts";
import { UsageError } from "../usage-error.ts";

const mark = { passed: "✓", failed: "✗", skipped: "-" } as const;

export function registerVerifyImage(program: Command, out: Output): void {
  program
    .command("verify-image")
    .description(
      "verify an image's signature and its provenance and test-result attestations against an environment's keys, as the gate does before a deploy (exit 4 when refused)",
    )
    .argument(
      "<image>",
      "a service of the environment (its defined version), or registry/path:tag or registry/path@sha256:…",
    )
    .requiredOption("-e, --env <name>", "the environment whose keys and CI are checked against")
    .option("-o, --output <format>", "text or json", "text")
    .action(async (image: string, opts: { env: string; output: string }, cmd: Command) => {
      const format = outputFormat(opts.output, ["text", "json"]);
      const project = await openProject(cmd.optsWithGlobals<{ config?: string }>().config);
      const env = environmentNamed(project, opts.env);
      if (!env.signatures)
        throw new UsageError(
          `environment ${env.name} names no signature keys: there is nothing to verify against`,
          'add signatures: { keys: [{ name: "ci", file: "keys/ci.pub" }] } to the environment',
        );
      let verdict;
      try {
        verdict = await verifyOneImage(project, env, image);
      } catch (error) {
        if (error instanceof ImageReferenceError) throw new UsageError(error.message);
        throw error;
      }
      const verified = verdict.checks.every((c) => c.outcome === "passed");
      const doc: ImageVerificationDocument = document("ImageVerification", {
        environment: env.name,
        image,
        resolved: verdict.resolved ?? null,
        verified,
        checks: verdict.checks,
      });
      if (format === "json") printDocument(out, doc);
      else {
        for (const c of doc.checks) {
          out.line(`${mark[c.outcome]} ${c.check}: ${c.summary}`);
          for (const p of c.problems) out.line(`    ${p}`);
          for (const w of c.warnings ?? []) out.line(`    ! warning: ${w}`);
        }
        out.line(
          verified
            ? `VERIFIED: ${doc.resolved} may be deployed to ${env.name} as far as its signature and provenance go`
            : `REFUSED: a deploy of ${doc.resolved ?? image} to ${env.name} would be refused (✗ above)`,
        );
      }
      if (!verified) out.exitCode(ExitCode.refused);
    });
}
