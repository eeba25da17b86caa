import type { Command } from "commander";
import { contextNames, contextTarget } from "../../checks/access/kubeconfig.ts";
import { Cluster } from "../../clients/kubernetes/cluster.ts";
import { importProject } from "../../import/project.ts";
import { readNamespace } from "../../import/read.ts";
import { formatImportReport } from "../../import/report.ts";
import { writeProject } from "../../import/write.ts";
import { document } from "../../output/document.ts";
import { kubeconfigPath, readKubeConfig } from "../kube.ts";
import type { Output } from "../output.ts";
import { outputFormat, printDocument } from "../output-format.ts";
import type { GlobalOptions } from "../session.ts";
import { UsageError } from "../usage-error.ts";

interface ImportFlags {
  readonly context: string;
  readonly namespace: string;
  readonly out: string;
  readonly name?: string;
  readonly env: string;
  readonly force?: boolean;
  readonly output: string;
}

const labelName = /^[a-z0-9]([-a-z0-9]*[a-z0-9])?$/;

export function registerImport(program: Command, out: Output): void {
  program
    .command("import")
    .description(
      "write Slipway service definitions from what runs in a namespace (secrets by name only), and report what went where",
    )
    .requiredOption("--context <name>", "the kubeconfig context of the cluster")
    .requiredOption("--namespace <name>", "the namespace to read")
    .requiredOption("--out <folder>", "where to write slipway.config.ts and services/<name>/service.ts")
    .option(
      "--name <project>",
      "the project's name (default: the objects' app.kubernetes.io/part-of, else the namespace)",
    )
    .option("--env <name>", "the environment's name in the written config", "dev")
    .option("--force", "overwrite files that are already there")
    .option("-o, --output <format>", "text or json", "text")
    .action(async (opts: ImportFlags, cmd: Command) => {
      const format = outputFormat(opts.output, ["text", "json"]);
      for (const [flag, value, max] of [
        ["--env", opts.env, 30],
        ["--name", opts.name, 40],
      ] as const)
        if (value !== undefined && (!labelName.test(value) || value.length > max))
          throw new UsageError(
            `${flag} must be a DNS label of at most ${max} characters (lower-case letters, digits and '-'), found "${value}"`,
          );
      const globals = cmd.optsWithGlobals<GlobalOptions>();
      const kc = readKubeConfig(globals.kubeconfig);
      if (!contextTarget(kc, opts.context).exists)
        throw new UsageError(
          `kubeconfig has no context "${opts.context}" (contexts: ${contextNames(kc)})`,
          `read ${kubeconfigPath(globals.kubeconfig)}; pass --kubeconfig <path> or set KUBECONFIG`,
        );
      kc.setCurrentContext(opts.context);
      const cluster = new Cluster(kc, opts.context);
      const live = await readNamespace(cluster, opts.namespace);
      const { files, report } = importProject(live, {
        context: opts.context,
        namespace: opts.namespace,
        environment: opts.env,
        out: opts.out,
        ...(opts.name ? { project: opts.name } : {}),
      });
      writeProject(opts.out, files, opts.force === true);
      if (format === "json") printDocument(out, document("ImportReport", report));
      else out.write(formatImportReport(report));
    });
}
