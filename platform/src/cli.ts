import { Command, Option } from "commander";
import { writeFileSync } from "node:fs";
import { PlatformError } from "./errors.ts";
import { down, nodes, status, stopPart, up, type NodeStatus, type PartStatus } from "./platform.ts";
import { loadPlatform } from "./connection.ts";
import { mintNamespaceToken } from "./service-account-token.ts";
import { adminContexts, type AdminContext } from "./parts/control-plane.ts";
import { formatTable } from "../../src/cli/output.ts";

function printTable(rows: readonly PartStatus[]): void {
  const header = ["PART", "STATE", "ADDRESS", "VERSION", "PID"];
  const cells = rows.map((r) => [r.name, r.state, r.address, r.version, r.pid ? String(r.pid) : "-"]);
  process.stdout.write(formatTable(header, cells));
}

function printNodes(rows: readonly NodeStatus[]): void {
  const header = ["NODE", "CLUSTER", "KIND", "READY", "RUNTIME", "KUBELET"];
  const cells = rows.map((n) => [
    n.name,
    n.cluster,
    n.kind,
    n.ready ? "Ready" : "NotReady",
    n.runtime,
    n.kubelet,
  ]);
  process.stdout.write("\n" + formatTable(header, cells));
}

async function main(argv: string[]): Promise<number> {
  const program = new Command("platform")
    .description(
      "The local platform Slipway's tests and demo run on: two Kubernetes clusters (with KWOK), registry, PostgreSQL, Elasticsearch.",
    )
    .exitOverride();

  program
    .command("up")
    .description("build (once, cached) and start every part; idempotent")
    .action(async () => {
      const controller = new AbortController();
      const onSignal = (): void => controller.abort(new PlatformError("platform", "interrupted"));
      process.once("SIGINT", onSignal).once("SIGTERM", onSignal);
      printTable(await up({ signal: controller.signal }));
    });

  program
    .command("down")
    .description("stop exactly the processes `up` started")
    .action(async () => {
      await down();
    });

  program
    .command("stop")
    .description("stop one part and leave the others running (fault tests); `up` starts it again")
    .argument("<part>", "a part's name, as `status` lists it")
    .action(async (part: string) => {
      await stopPart(part);
    });

  program
    .command("status")
    .description(
      "each part (state, address, version, PID) and each node (real or simulated, Ready or not); exit 1 unless all are up",
    )
    .addOption(
      new Option("-o, --output <format>", "table or json").choices(["table", "json"]).default("table"),
    )
    .action(async (opts: { output: string }) => {
      const [rows, nodeRows] = await Promise.all([status(), nodes()]);
      if (opts.output === "json")
        process.stdout.write(JSON.stringify({ parts: rows, nodes: nodeRows }, null, 2) + "\n");
      else {
        printTable(rows);
        printNodes(nodeRows);
      }
      if (rows.some((r) => r.state !== "up") || nodeRows.some((n) => !n.ready)) process.exitCode = 1;
    });

  program
    .command("env")
    .description(
      "print shell exports to reach the platform (KUBECONFIG: contexts local, k3s, rancher, edge); no secrets",
    )
    .action(() => {
      const p = loadPlatform();
      process.stdout.write(
        [
          `export KUBECONFIG=${p.kubeconfig}`,
          `export SLIPWAY_REGISTRY=${p.registry}`,
          `export SLIPWAY_ELASTICSEARCH=${p.elasticsearch}`,
          `export PGHOST=${p.postgres.host} PGPORT=${p.postgres.port}`,
          `export DOCKER_CONFIG=${p.dockerConfig}`,
          `export SLIPWAY_JENKINS_CREDENTIALS=${p.jenkins.credentialsFile}`,
        ].join("\n") + "\n",
      );
    });

  program
    .command("token")
    .description("mint a ServiceAccount token that may act in one namespace only")
    .requiredOption("-n, --namespace <name>", "namespace (created if missing)")
    .option("--service-account <name>", "ServiceAccount name", "slipway-deployer")
    .addOption(
      new Option("--role <role>", "built-in ClusterRole granted in the namespace")
        .choices(["view", "edit", "admin"])
        .default("edit"),
    )
    .addOption(
      new Option(
        "--context <context>",
        "the cluster to mint it on: local or k3s (the first), rancher (the second), edge (the third)",
      )
        .choices([...adminContexts])
        .default("local"),
    )
    .option("--kubeconfig-out <path>", "write a kubeconfig for this identity instead of printing the token")
    .action(
      async (opts: {
        namespace: string;
        serviceAccount: string;
        role: "view" | "edit" | "admin";
        context: AdminContext;
        kubeconfigOut?: string;
      }) => {
        const minted = await mintNamespaceToken({
          namespace: opts.namespace,
          serviceAccount: opts.serviceAccount,
          clusterRole: opts.role,
          context: opts.context,
        });
        if (opts.kubeconfigOut) {
          writeFileSync(opts.kubeconfigOut, minted.kubeconfig, { mode: 0o600 });
          process.stderr.write(
            `wrote ${opts.kubeconfigOut} (context ${minted.namespace}-${minted.serviceAccount})\n`,
          );
        } else {
          process.stdout.write(minted.token + "\n");
        }
      },
    );

  try {
    await program.parseAsync(argv);
    return typeof process.exitCode === "number" ? process.exitCode : 0;
  } catch (error) {
    if (error instanceof PlatformError) {
      process.stderr.write(`error: ${error.render()}\n`);
      return 1;
    }
    if (error && typeof error === "object" && "exitCode" in error && "code" in error) {
      // commander already printed usage or help
      return (error as { code: string }).code === "commander.helpDisplayed" ? 0 : 2;
    }
    // Anything else is still one line for whoever ran it; SLIPWAY_DEBUG=1 shows where it came from.
    process.stderr.write(`error: ${error instanceof Error ? error.message : String(error)}\n`);
    if (process.env.SLIPWAY_DEBUG && error instanceof Error && error.stack) {
      process.stderr.write(`${error.stack}\n`);
    }
    return 1;
  }
}

process.exitCode = await main(process.argv);
