import { spawn } from "node:child_process";
import { readFileSync } from "node:fs";
import type { Command } from "commander";
import type { Cluster } from "../../clients/kubernetes/cluster.ts";
import { SearchClient } from "../../clients/search/client.ts";
import type { EnvironmentModel } from "../../definitions/model.ts";
import { readPlaces } from "../../status/fleet-columns.ts";
import { PlatformCache } from "../../status/platform-cache.ts";
import { newCsrfToken } from "../../ui/security.ts";
import { loopback, startDashboard } from "../../ui/server.ts";
import { SessionStore } from "../../ui/sessions.ts";
import { parseDuration } from "../duration.ts";
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
  signIn: string;
  sessionTtl: string;
  tlsCert?: string;
  tlsKey?: string;
}

const signInMethods = ["none", "token"] as const;

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
    .option(
      "--sign-in <method>",
      "token: each person signs in with their own Kubernetes bearer token (a ServiceAccount's, or an OIDC ID token the cluster trusts) and acts with it; none: act as the kubeconfig's identity (loopback only, unless --read-only)",
      "none",
    )
    .option("--session-ttl <duration>", "how long a sign-in lasts", "8h")
    .option("--tls-cert <file>", "serve HTTPS with this PEM certificate (with --tls-key)")
    .option("--tls-key <file>", "the certificate's PEM key")
    .option("--open", "open the dashboard in the browser")
    .action(async (opts: UiOptions, cmd: Command) => {
      const port = Number(opts.port);
      if (!Number.isInteger(port) || port < 0 || port > 65535)
        throw new UsageError(`--port must be a number from 0 to 65535, found "${opts.port}"`);
      if (!(signInMethods as readonly string[]).includes(opts.signIn))
        throw new UsageError(`--sign-in must be one of ${signInMethods.join(", ")}, found "${opts.signIn}"`);
      const signIn = opts.signIn === "token";
      // Anyone who reaches a non-loopback port would act as whoever started the server.
      if (!loopback(opts.address) && !signIn && !opts.readOnly)
        throw new UsageError(
          `refusing to serve actions on ${opts.address} without sign-in: anyone who reaches it would roll back, unlock and sign off as this kubeconfig's identity`,
          "pass --sign-in token (each person acts with their own Kubernetes credentials), or --read-only",
        );
      const ttl = parseDuration(opts.sessionTtl, "--session-ttl");
      if (Boolean(opts.tlsCert) !== Boolean(opts.tlsKey))
        throw new UsageError("--tls-cert and --tls-key go together", "pass both, or neither");
      const tls =
        opts.tlsCert && opts.tlsKey
          ? { cert: readPem(opts.tlsCert, "--tls-cert"), key: readPem(opts.tlsKey, "--tls-key") }
          : undefined;
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
      // A fleet is read on each of its clusters, each with its own client (context).
      const places = readPlaces(environments);
      for (const env of places) clusterFor(env);
      const cache = new PlatformCache(project, places, clusterFor);
      const sessions = signIn ? new SessionStore(() => [...clusters.values()], ttl) : undefined;
      const dashboard = await startDashboard({
        project,
        environments,
        cache,
        clusterFor,
        searchFor: (env) => (env.search ? SearchClient.fromEnvironment(env.search.url) : undefined),
        readOnly: opts.readOnly === true,
        csrf: newCsrfToken(),
        ...(sessions ? { sessions } : {}),
        ...(tls ? { tls } : {}),
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
        `slipway ui: ${dashboard.url} (${environments.map((e) => e.name).join(", ")}${opts.readOnly ? "; read-only" : ""}${signIn ? "; sign-in with a Kubernetes token" : ""}); Ctrl-C stops it`,
      );
      if (signIn && !tls && !loopback(opts.address))
        out.note(
          `warning: tokens reach ${opts.address} unencrypted: serve it with --tls-cert and --tls-key, or behind a TLS proxy`,
        );
      if (!signIn && !loopback(opts.address))
        out.note(
          `warning: read-only, without sign-in: anyone who reaches ${opts.address} reads what this kubeconfig's identity can`,
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

function readPem(file: string, flag: string): string {
  try {
    return readFileSync(file, "utf8");
  } catch (error) {
    throw new UsageError(
      `${flag}: cannot read ${file} (${(error as NodeJS.ErrnoException).code ?? "unreadable"})`,
    );
  }
}
