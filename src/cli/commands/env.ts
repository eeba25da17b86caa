import type { Command } from "commander";
import { checkEnvironment } from "../../checks/access/check.ts";
import { ClusterUnreachable } from "../../checks/access/cluster-facts.ts";
import { formatEnvCheck } from "../../checks/access/format.ts";
import { contextNames, contextTarget } from "../../checks/access/kubeconfig.ts";
import { Cluster } from "../../clients/kubernetes/cluster.ts";
import { ExitCode } from "../exit-codes.ts";
import { noContext, readKubeConfig } from "../kube.ts";
import type { Output } from "../output.ts";
import { document } from "../../output/document.ts";
import { outputFormat, printDocument } from "../output-format.ts";
import type { EnvironmentEntry } from "../../output/documents.ts";
import { environmentNamed, openProject } from "../project.ts";
import type { GlobalOptions } from "../session.ts";

export function registerEnv(program: Command, out: Output): void {
  const env = program
    .command("env")
    .description("the project's environments and whether a deploy can reach them");

  env
    .command("list")
    .description("every environment: context, namespace, flavour, classes, and where its kube context points")
    .option("-o, --output <format>", "table or json", "table")
    .action(async (opts: { output: string }, cmd: Command) => {
      const format = outputFormat(opts.output, ["table", "json"]);
      const globals = cmd.optsWithGlobals<GlobalOptions>();
      const project = await openProject(globals.config);
      const kc = readKubeConfig(globals.kubeconfig);
      const rows = project.environments.map((e): EnvironmentEntry => {
        const target = contextTarget(kc, e.cluster.context);
        return {
          environment: e.name,
          context: e.cluster.context,
          contextExists: target.exists,
          server: target.server ?? null,
          namespace: e.cluster.namespace,
          flavour: e.cluster.flavour,
          ingressClass: e.ingressClass,
          storageClass: e.storageClass,
        };
      });
      if (format === "json") return printDocument(out, document("EnvironmentList", { environments: rows }));
      out.table(
        ["ENVIRONMENT", "CONTEXT", "NAMESPACE", "FLAVOUR", "INGRESS", "STORAGE", "SERVER"],
        rows.map((r) => [
          r.environment,
          r.contextExists ? r.context : `${r.context} (missing)`,
          r.namespace,
          r.flavour,
          r.ingressClass,
          r.storageClass,
          r.server ?? "-",
        ]),
      );
      const missing = rows.filter((r) => !r.contextExists);
      if (missing.length)
        out.note(
          `kubeconfig has no context ${missing.map((r) => `"${r.context}" (${r.environment})`).join(", ")}; it has: ${contextNames(kc)}`,
        );
    });

  env
    .command("check")
    .description(
      "can a deploy to this environment work: reach the cluster, who we are, the namespace, and each permission a deploy needs (exit 1 when one is missing)",
    )
    .requiredOption("-e, --env <name>", "environment")
    .option("-o, --output <format>", "text or json", "text")
    .action(async (opts: { env: string; output: string }, cmd: Command) => {
      const format = outputFormat(opts.output, ["text", "json"]);
      const globals = cmd.optsWithGlobals<GlobalOptions>();
      const project = await openProject(globals.config);
      const environment = environmentNamed(project, opts.env);
      const kc = readKubeConfig(globals.kubeconfig);
      const context = environment.cluster.context;
      if (!contextTarget(kc, context).exists) throw noContext(environment, kc, globals.kubeconfig);
      kc.setCurrentContext(context);
      try {
        const check = await checkEnvironment(new Cluster(kc, context), environment);
        if (format === "json") printDocument(out, document("EnvironmentCheck", check));
        else out.write(formatEnvCheck(check));
        if (!check.ok) out.exitCode(ExitCode.failure);
      } catch (error) {
        if (!(error instanceof ClusterUnreachable)) throw error;
        out.error(`error: environment ${environment.name}: ${error.message}`);
        out.exitCode(ExitCode.failure);
      }
    });
}
