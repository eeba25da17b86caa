// The Slipway command lines of the CI examples (examples/ci), in the order the files list them,
// with their variables filled in: so a test can run them and the examples cannot rot.
import { readFileSync } from "node:fs";
import { parse } from "yaml";

/** One Slipway command: where it stands in its file, and its arguments after `slipway`. */
export interface CiCommand {
  /** "Jenkinsfile:43" or "github-actions.yml check/Migrations". */
  readonly where: string;
  readonly args: readonly string[];
}

/**
 * A Jenkinsfile's commands: every `sh '...'` or `sh(script: '...')` whose single-quoted command
 * starts with `npx slipway`, one per line (a deliberately simple reading, which the file's header
 * asks its editors to keep to). Shell variables come from the `environment { NAME = '...' }`
 * block's plain values, then from `values` (parameters, input answers).
 */
export function jenkinsCommands(path: string, values: Readonly<Record<string, string>>): CiCommand[] {
  const text = readFileSync(path, "utf8");
  const env: Record<string, string> = {};
  for (const [, name, value] of text.matchAll(/^\s*([A-Z][A-Z0-9_]*)\s*=\s*'([^']*)'\s*$/gm))
    env[name as string] = value as string;
  const vars = { ...env, ...values };
  const commands: CiCommand[] = [];
  for (const [i, line] of text.split("\n").entries()) {
    const found = /\bsh\s*(?:\(\s*script:\s*)?'npx slipway ([^']*)'/.exec(line);
    if (found) commands.push({ where: `Jenkinsfile:${i + 1}`, args: shellWords(found[1] as string, vars) });
  }
  return commands;
}

interface Step {
  readonly name?: string;
  readonly run?: string;
  readonly env?: Record<string, string>;
}
interface Workflow {
  readonly env?: Record<string, string>;
  readonly jobs: Record<string, { readonly env?: Record<string, string>; readonly steps: Step[] }>;
}

/**
 * A GitHub Actions workflow's commands: jobs in file order, steps in order, each `npx slipway`
 * in a step's `run` up to the end of its line, a pipe, a redirect (`> file`: the test reads
 * stdout itself) or a closing parenthesis. Shell variables
 * come from the workflow's, job's and step's `env`, whose `${{ inputs.NAME }}` take `inputs`;
 * a variable whose value is any other expression (secrets, step outputs) cannot be filled in.
 */
export function actionsCommands(path: string, inputs: Readonly<Record<string, string>>): CiCommand[] {
  const workflow = parse(readFileSync(path, "utf8")) as Workflow;
  const commands: CiCommand[] = [];
  for (const [jobName, job] of Object.entries(workflow.jobs)) {
    for (const [i, step] of job.steps.entries()) {
      if (!step.run) continue;
      const vars: Record<string, string> = {};
      for (const [name, value] of Object.entries({ ...workflow.env, ...job.env, ...step.env }))
        vars[name] = String(value).replace(/\$\{\{\s*inputs\.(\w+)\s*\}\}/g, (_, input: string) => {
          const given = inputs[input];
          if (given === undefined) throw new Error(`${path}: no value for inputs.${input}`);
          return given;
        });
      for (const [, rest] of step.run.matchAll(/npx slipway ([^|)>\n]*)/g))
        commands.push({
          where: `github-actions.yml ${jobName}/${step.name ?? `step ${i + 1}`}`,
          args: shellWords((rest as string).trim(), vars),
        });
    }
  }
  return commands;
}

/**
 * Splits a command line into words as a POSIX shell would for the quoting these files use
 * (words, "double" and 'single' quotes), filling in $NAME and ${NAME} outside single quotes.
 */
export function shellWords(line: string, vars: Readonly<Record<string, string>>): string[] {
  const fill = (text: string): string =>
    text.replace(/\$\{(\w+)\}|\$(\w+)/g, (_, braced: string | undefined, bare: string | undefined) => {
      const name = (braced ?? bare) as string;
      const value = vars[name];
      if (value === undefined || value.includes("${{")) throw new Error(`no value for $${name} in: ${line}`);
      return value;
    });
  const words: string[] = [];
  for (const [, double, single, bare] of line.matchAll(/"([^"]*)"|'([^']*)'|(\S+)/g)) {
    if (double !== undefined) words.push(fill(double));
    else if (single !== undefined) words.push(single);
    else words.push(fill(bare as string));
  }
  return words;
}
