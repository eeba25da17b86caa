import { spawn } from "node:child_process";
import type { Command } from "commander";
import type { Cluster } from "../../clients/kubernetes/cluster.ts";
import { SearchClient } from "../../clients/search/client.ts";
import type { EnvironmentModel } from "../../definitions/model.ts";
import { PlatformCache } from "../../status/platform-cache.ts";
import { newCsrfToken } from "../../ui/security.ts";
import { startDashboard } from "../../ui/server.ts";
import { openCluster } from "../kube.ts";
import type { Output } from "../output.ts";
import { environmentNamed, openProject } from "../project.ts";
import type { GlobalOptions } from "../session.ts";
import { UsageError } from "../usage-error.ts";

interface UiOptions {
  env: string[];
  port: string;
  address: string;
  readOnly?: boolean;
  open?: boolean;
}

export function registerUi(program: Command, out: Output): void {
  program
    .command("ui")
    .description(
      "a web dashboard of the environments: versions, release status, drift, promotion, timelines, live deploys, and (unless --read-only) signoff, rollback and unlock",
    )
    .option("-e, --env <name>", "an environment to show (repeatable; default: all)", collect, [])
    .option("--port <number>", "the port to listen on (0: any free one)", "4180")
    .option("--address <ip>", "the address to listen on", "127.0.0.1")
    .option("--read-only", "offer no actions, and refuse every POST")
    .option("--open", "open the dashboard in the browser")
    .action(async (opts: UiOptions, cmd: Command) => {
      const port = Number(opts.port);
      if (!Number.isInteger(port) || port < 0 || port > 65535)
        throw new UsageError(`--port must be a number from 0 to 65535, found "${opts.port}"`);
      const globals = cmd.optsWithGlobals<GlobalOptions>();
      const project = await openProject(globals.config);
      const environments = opts.env.length
        ? opts.env.map((name) => environmentNamed(project, name))
        : project.environments;
      // One client per kube context, opened before anything listens: a missing context is exit 2.
      const clusters = new Map<string, Cluster>();
      const clusterFor = (env: EnvironmentModel): Cluster => {
        let cluster = clusters.get(env.cluster.context);
        if (!cluster) {
          cluster = openCluster(env, globals.kubeconfig);
          clusters.set(env.cluster.context, cluster);
        }
        return cluster;
      };
      for (const env of environments) clusterFor(env);
      const cache = new PlatformCache(project, environments, clusterFor);
      const dashboard = await startDashboard({
        project,
        environments,
        cache,
        clusterFor,
        searchFor: (env) => (env.search ? SearchClient.fromEnvironment(env.search.url) : undefined),
        readOnly: opts.readOnly === true,
        csrf: newCsrfToken(),
        address: opts.address,
        port,
      }).catch((error: NodeJS.ErrnoException) => {
        if (error.code === "EADDRINUSE")
          throw new UsageError(
            `port ${port} on ${opts.address} is in use`,
            "pass --port <another>, or --port 0",
          );
        if (error.code === "EADDRNOTAVAIL")
          throw new UsageError(`cannot listen on ${opts.address}: no such address here`);
        throw error;
      });
      out.note(
        `slipway ui: ${dashboard.url} (${environments.map((e) => e.name).join(", ")}${opts.readOnly ? "; read-only" : ""}); Ctrl-C stops it`,
      );
      if (opts.open)
        spawn(process.platform === "darwin" ? "open" : "xdg-open", [dashboard.url], {
          stdio: "ignore",
          detached: true,
        })
          .on("error", () => out.note(`could not open a browser: open ${dashboard.url}`))
          .unref();
      await new Promise<void>((resolve) => {
        if (!out.signal) return;
        if (out.signal.aborted) resolve();
        out.signal.addEventListener("abort", () => resolve(), { once: true });
      });
      await dashboard.close();
    });
}

const collect = (value: string, previous: string[]): string[] => [...previous, value];
