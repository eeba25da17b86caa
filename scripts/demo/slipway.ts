// Runs Slipway in-process against the local platform, its output streamed to the terminal and
// kept for the demo's checks; and plays CI before a deploy, as the example's Jenkins would:
// the services' tests, the image, the build report.
import { stripVTControlCharacters } from "node:util";
import { loadPlatform } from "../../platform/src/connection.ts";
import { formatTable, streamOutput, type Output } from "../../src/cli/output.ts";
import { run } from "../../src/cli/run.ts";
import { buildExampleImages } from "../build-images.ts";
import { bold, dim } from "./narrate.ts";

export interface Result {
  readonly code: number;
  /** stdout and stderr as written, without colours. */
  readonly text: string;
  has(expected: string | RegExp): boolean;
}

const platform = loadPlatform();
// What `npm run platform -- env` exports for a shell: the registry's and Jenkins' credentials.
process.env.DOCKER_CONFIG = platform.dockerConfig;
process.env.SLIPWAY_JENKINS_CREDENTIALS = platform.jenkins.credentialsFile;

// Ctrl-C stops the running command where it is (a deploy stays resumable) and the demo fails;
// between commands it ends the demo at once.
let running: AbortController | undefined;
process.on("SIGINT", () => {
  if (running) running.abort(new Error("interrupted (SIGINT)"));
  else process.exit(130);
});

/** `slipway <args> -c <config>`, as a user would type it; prints the command line first. */
export const slipway = (config: string, ...args: string[]): Promise<Result> =>
  slipwayAs({ kubeconfig: platform.kubeconfig }, config, ...args);

/** The same, run by another person: with their kubeconfig (`who` names them on the command line). */
export async function slipwayAs(
  person: { readonly kubeconfig: string; readonly who?: string },
  config: string,
  ...args: string[]
): Promise<Result> {
  console.log(bold(`${person.who ? `(${person.who}) ` : ""}$ slipway ${args.join(" ")}`));
  const interrupt = new AbortController();
  const terminal = streamOutput(process.stdout, process.stderr, process.stdin, interrupt.signal);
  let text = "";
  const tee = (t: string): void => void (text += t);
  const out: Output = {
    write: (t) => (tee(t), terminal.write(t)),
    line: (t) => (tee(`${t}\n`), terminal.line(t)),
    note: (t) => (tee(`${t}\n`), terminal.note(t)),
    error: (t) => (tee(`${t}\n`), terminal.error(t)),
    table: (header, rows) => (tee(formatTable(header, rows)), terminal.table(header, rows)),
    progress: (t) => terminal.progress(t),
    ask: (question) => terminal.ask(question),
    exitCode: (code) => terminal.exitCode(code),
    get requestedExitCode() {
      return terminal.requestedExitCode;
    },
    colour: terminal.colour,
    interactive: false,
    signal: interrupt.signal,
  };
  running = interrupt;
  const code = await run([...args, "-c", config, "--kubeconfig", person.kubeconfig], out).finally(
    () => (running = undefined),
  );
  console.log(dim(`(exit ${code})`));
  const plain = stripVTControlCharacters(text);
  return {
    code,
    text: plain,
    has: (expected) => (typeof expected === "string" ? plain.includes(expected) : expected.test(plain)),
  };
}

const published = new Set<string>();

/**
 * CI: for each service version not published yet in this run, runs the program's own tests
 * (services/<name>/app), builds and pushes the image, and reports the build with the real test
 * counts to the Jenkins stand-in; a failing test makes a FAILURE build. The images' bytes depend
 * only on service, version and program, so publishing again on a later run changes nothing.
 */
export async function playCi(config: string, envName = "dev"): Promise<void> {
  const built = await buildExampleImages(config, envName, (service, version) =>
    published.has(`${service}@${version}`),
  );
  for (const image of built) {
    published.add(`${image.service}@${image.version}`);
    const t = image.tests;
    const tests = t === "none" ? "no tests" : `${t.passed} passed, ${t.failed} failed`;
    console.log(
      dim(
        `CI: ${image.service} ${image.version}: tests ${tests}; pushed ${image.reference} ` +
          `(${image.digest.slice(0, 19)}…), reported build ${image.result}`,
      ),
    );
    for (const line of image.log?.split("\n") ?? [])
      if (/^\s*not ok \d+ - /.test(line)) console.log(dim(`CI:   ${line.trim()}`));
  }
}
