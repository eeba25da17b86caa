import type { Command } from "commander";
import type { Output } from "./output.ts";

/** Adds one top-level command (its flags, help and action) to the program. */
export type Register = (program: Command, out: Output) => void;

/**
 * One top-level command: what `slipway --help` shows of it, and how to load it. Loading is a
 * dynamic import, so a run pays only for the command it runs (deploy's Kubernetes client and
 * Postgres parser stay unloaded for `--help`). test/cli/command-table.test.ts keeps the term
 * and description equal to what the command itself registers.
 */
export interface CommandEntry {
  readonly name: string;
  /** The name with its options and arguments, as commander's help prints it. */
  readonly term: string;
  readonly description: string;
  readonly load: () => Promise<Register>;
}

export const commands: readonly CommandEntry[] = [
  {
    name: "validate",
    term: "validate",
    description:
      "load and check every definition for every environment; exit 2 on any problem (warnings: exit 0)",
    load: async () => (await import("./commands/validate.ts")).registerValidate,
  },
  {
    name: "list",
    term: "list [options]",
    description: "list the services with their version, image and dependencies",
    load: async () => (await import("./commands/list.ts")).registerList,
  },
  {
    name: "render",
    term: "render [options] [service...]",
    description: "print the Kubernetes objects of the services (all when none are named) for one environment",
    load: async () => (await import("./commands/render.ts")).registerRender,
  },
  {
    name: "plan",
    term: "plan [options] [service...]",
    description:
      "show what a deploy would change: per service the versions, per object the field-level diff, then the steps",
    load: async () => (await import("./commands/plan.ts")).registerPlan,
  },
  {
    name: "deploy",
    term: "deploy [options] [service...]",
    description:
      "deploy the services (all when none are named): plan, confirm, apply, wait, prune, record; roll back by itself on failure",
    load: async () => (await import("./commands/deploy.ts")).registerDeploy,
  },
  {
    name: "promote",
    term: "promote [options] [service...]",
    description:
      "request a promotion: what an earlier environment runs (the same image digests), with the target's parameters, shown as the target's plan and kept there until another person approves it (slipway approve); with one service and -e ENV: promote that service's paused canary",
    load: async () => (await import("./commands/promote.ts")).registerPromote,
  },
  {
    name: "abort",
    term: "abort [options] <service>",
    description:
      "abort a service's canary (needs --reason): the canary's pods go, the stable version is whole again, the release is recorded as aborted",
    load: async () => (await import("./commands/canary.ts")).registerAbort,
  },
  {
    name: "canary",
    term: "canary",
    description: "a person's decisions on a service's canary: promote past a pause, or abort",
    load: async () => (await import("./commands/canary.ts")).registerCanary,
  },
  {
    name: "approve",
    term: "approve [options] <id>",
    description:
      "approve a pending promotion (never your own): checked to be current, then deployed through the whole procedure with your credentials, recording who requested and who approved it",
    load: async () => (await import("./commands/approve.ts")).registerApprove,
  },
  {
    name: "promotions",
    term: "promotions [options]",
    description:
      "the promotions requested to an environment, newest first: pending, deployed or failed, who asked and who approved",
    load: async () => (await import("./commands/promotions.ts")).registerPromotions,
  },
  {
    name: "windows",
    term: "windows [options]",
    description:
      "an environment's deploy windows: which are in force, whether it is frozen, and the next changes",
    load: async () => (await import("./commands/windows.ts")).registerWindows,
  },
  {
    name: "status",
    term: "status [options]",
    description:
      "each service: live and defined version, up to date or not, ready pods, last deploy (a fleet: by cluster)",
    load: async () => (await import("./commands/status.ts")).registerStatus,
  },
  {
    name: "drift",
    term: "drift [options] [service...]",
    description:
      "objects changed by hand since Slipway applied them: per object the fields whose live value differs from the deployed release, missing objects, and labelled objects nothing renders (exit 3 when drifted; a fleet: each cluster)",
    load: async () => (await import("./commands/drift.ts")).registerDrift,
  },
  {
    name: "env",
    term: "env",
    description: "the project's environments and whether a deploy can reach them",
    load: async () => (await import("./commands/env.ts")).registerEnv,
  },
  {
    name: "history",
    term: "history [options] <service>",
    description: "the release records of one service, newest first",
    load: async () => (await import("./commands/history.ts")).registerHistory,
  },
  {
    name: "rollback",
    term: "rollback [options] <service>",
    description: "re-deploy an earlier release of one service (default: the one before the deployed one)",
    load: async () => (await import("./commands/rollback.ts")).registerRollback,
  },
  {
    name: "job",
    term: "job [options] <service> <name>",
    description:
      "run a named ad-hoc job of a service (its image and settings, other arguments) and wait for it",
    load: async () => (await import("./commands/job.ts")).registerJob,
  },
  {
    name: "migrate",
    term: "migrate [options] [service...]",
    description:
      "run the services' pending migrations on their own (a deploy runs them before its rollout); --dry-run lists them",
    load: async () => (await import("./commands/migrate.ts")).registerMigrate,
  },
  {
    name: "migrations",
    term: "migrations",
    description: "work with migration files",
    load: async () => (await import("./commands/migrations-check.ts")).registerMigrationsCheck,
  },
  {
    name: "unlock",
    term: "unlock [options]",
    description: "remove the environment's deploy lock whoever holds it (recorded as an Event)",
    load: async () => (await import("./commands/unlock.ts")).registerUnlock,
  },
  {
    name: "rbac",
    term: "rbac [options]",
    description: "print the Role a deploy identity needs in the environment's namespace, and nothing more",
    load: async () => (await import("./commands/rbac.ts")).registerRbac,
  },
  {
    name: "audit",
    term: "audit",
    description: "the audit indices of audited calls",
    load: async () => (await import("./commands/audit.ts")).registerAudit,
  },
  {
    name: "calls",
    term: "calls",
    description: "the calls services serve, and their request schemas",
    load: async () => (await import("./commands/calls.ts")).registerCalls,
  },
  {
    name: "signoff",
    term: "signoff [options] <service> <version>",
    description:
      "record that a deployed version was tested by hand in an environment (who, when, which image); a later environment's promotion check requires it",
    load: async () => (await import("./commands/signoff.ts")).registerSignoff,
  },
  {
    name: "verify-image",
    term: "verify-image [options] <image>",
    description:
      "verify an image's signature and its provenance and test-result attestations against an environment's keys, as the gate does before a deploy (exit 4 when refused)",
    load: async () => (await import("./commands/verify-image.ts")).registerVerifyImage,
  },
  {
    name: "import",
    term: "import [options]",
    description:
      "write Slipway service definitions from what runs in a namespace (secrets by name only), and report what went where",
    load: async () => (await import("./commands/import.ts")).registerImport,
  },
  {
    name: "ui",
    term: "ui [options]",
    description:
      "a web dashboard of the environments: versions, release status, drift, promotion, timelines, live deploys, and (unless --read-only) signoff, rollback and unlock",
    load: async () => (await import("./commands/ui.ts")).registerUi,
  },
  {
    name: "cluster",
    term: "cluster",
    description: "move a platform between clusters",
    load: async () => (await import("./commands/cluster.ts")).registerCluster,
  },
];

export function commandNamed(name: string | undefined): CommandEntry | undefined {
  return commands.find((c) => c.name === name);
}

/** Global options that take a value: the word after them is that value, not the command. */
const valued = new Set(["-c", "--config", "--kubeconfig", "--cluster"]);

/**
 * The top-level command a command line runs, found as commander will find it: the first word
 * that is neither an option nor an option's value. `help <command>` stands for that command.
 */
export function commandNameIn(argv: readonly string[]): string | undefined {
  for (let i = 0; i < argv.length; i++) {
    const word = argv[i] ?? "";
    if (word === "--") return argv[i + 1];
    if (valued.has(word)) i++;
    else if (!word.startsWith("-")) return word === "help" ? argv[i + 1] : word;
  }
  return undefined;
}
