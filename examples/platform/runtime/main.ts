// The example services' runtime: /srv/<service>/main.js is this, bundled with the service's
// handler.js and store.js (scripts/images/bundle.ts). With no arguments it serves HTTP; with
// `--run-script NAME` (or a bare NAME) it runs a script: migrate-db, smoke-test, or one of the
// service's own (store.js). Exit codes: 0 done, 1 failed, 2 no such script.
import type { AddressInfo } from "node:net";
import { openDatabase, type Database } from "./database.ts";
import { injected } from "./faults.ts";
import { migrate } from "./migrate.ts";
import type { ServiceProgram } from "./program.ts";
import { serve, type Output } from "./server.ts";
import { readSettings, type Settings } from "./settings.ts";
import { smokeTest } from "./smoke.ts";

const builtIn = ["migrate-db", "smoke-test"];

/** The script the arguments name, or undefined to serve. */
export function scriptOf(args: readonly string[]): string | undefined {
  const at = args.indexOf("--run-script");
  if (at >= 0) {
    const name = args[at + 1];
    if (!name) throw new Error("--run-script needs a script name");
    return name;
  }
  return args.find((a) => !a.startsWith("-"));
}

/** Runs the program with the process' arguments and environment; sets the exit code. */
export async function main(program: ServiceProgram, mainFile = process.argv[1] ?? "main.js"): Promise<void> {
  const out: Output = {
    log: (line) => process.stdout.write(`${line}\n`),
    warn: (line) => process.stderr.write(`${line}\n`),
  };
  let settings: Settings;
  let script: string | undefined;
  try {
    settings = readSettings(process.env, mainFile);
    script = scriptOf(process.argv.slice(2));
  } catch (error) {
    out.warn(`fatal: ${(error as Error).message}`);
    process.exit(1);
  }
  if (script === undefined) return serveUntilTerminated(program, settings, out);
  process.exitCode = await runScript(program, settings, script, out);
}

/** A script by name; returns its exit code. */
export async function runScript(
  program: ServiceProgram,
  settings: Settings,
  script: string,
  out: Output,
): Promise<number> {
  if (script === "migrate-db")
    return migrate(settings.root, program.migrationFolders, settings.databaseUrl, out);
  if (script === "smoke-test") return smokeTest(program, settings, out);
  const run = program.store.scripts?.[script];
  if (!run) {
    const known = [...builtIn, ...Object.keys(program.store.scripts ?? {})].sort();
    out.warn(`${program.name}: no script "${script}" (the scripts are ${known.join(", ")})`);
    return 2;
  }
  const db = settings.databaseUrl ? openDatabase(settings.databaseUrl, out.warn) : undefined;
  try {
    return (await run({ db, env: process.env, log: out.log })) ?? 0;
  } catch (error) {
    out.warn(`${script}: ${(error as Error).message}`);
    return 1;
  } finally {
    await db?.end();
  }
}

async function serveUntilTerminated(program: ServiceProgram, settings: Settings, out: Output): Promise<void> {
  if (!program.handler.handle) {
    const scripts = [...builtIn, ...Object.keys(program.store.scripts ?? {})].sort();
    out.warn(`${program.name} serves no HTTP: name a script (${scripts.join(", ")})`);
    process.exit(2);
  }
  if (settings.faults.has("exit-at-start")) {
    out.warn(`fatal: cannot parse /etc/${program.name}/${program.name}.yaml: ${injected("exit-at-start")}`);
    process.exit(1);
  }
  let db: Database | undefined;
  if (settings.databaseUrl) db = openDatabase(settings.databaseUrl, out.warn);
  const running = await serve(program, settings, db, out).catch((error: Error) => {
    out.warn(`fatal: cannot listen on port ${settings.port}: ${error.message}`);
    process.exit(1);
  });
  out.log(
    `${program.name} ${settings.version} listening on :${(running.server.address() as AddressInfo).port}` +
      ` (database: ${db ? "yes" : "none"}, audit: ${settings.auditUrl ?? "off"})`,
  );
  let stopping = false;
  const stop = (signal: string) => {
    if (stopping) return;
    stopping = true;
    // A request that never finishes must not hold the pod past its grace period.
    const deadline = setTimeout(() => {
      out.warn(`${signal}: requests still in flight after 20 s; exiting anyway`);
      process.exit(1);
    }, 20_000 + settings.shutdownLingerMs);
    deadline.unref();
    if (settings.shutdownLingerMs > 0)
      out.log(`${signal}: answering with "Connection: close" for ${settings.shutdownLingerMs} ms`);
    running
      .close(settings.shutdownLingerMs, () =>
        out.log(`${signal}: no new connections; finishing the requests in flight`),
      )
      .then(() => db?.end())
      .then(() => {
        out.log(`${signal}: stopped`);
        process.exit(0);
      })
      .catch((error: Error) => {
        out.warn(`${signal}: ${error.message}`);
        process.exit(1);
      });
  };
  process.on("SIGTERM", () => stop("SIGTERM"));
  process.on("SIGINT", () => stop("SIGINT"));
}
