import { createHash } from "node:crypto";
import type { DefinitionProblem } from "./errors.ts";
import type { UnsetParameter } from "./model.ts";
import type { ParameterDeclaration } from "./schema/parameters.ts";

/**
 * A service's typed parameters: declared on the service (type, default, required-ness), set per
 * environment, overridden at deploy time (--set), checked before anything runs, and handed to the
 * service's functions as their second argument.
 */

export type ParameterType = "string" | "number" | "integer" | "boolean";
export type ParameterValue = string | number | boolean;

/** One `--set service.parameter=value`, before it is read as the parameter's type. */
export interface ParameterOverride {
  readonly service: string;
  readonly parameter: string;
  readonly text: string;
  /** Where it came from, for messages: `--set auth.wayfEnabled` or `--set-from-env auth.apiToken`. */
  readonly origin: string;
  /** Read from an environment variable (--set-from-env), so not on a command line. */
  readonly fromEnv: boolean;
}

/** Whether a value is of a declared type: an integer is a number without a fraction. */
export const isOfType = (value: ParameterValue, type: ParameterType): boolean =>
  type === "integer" ? Number.isSafeInteger(value) : typeof value === type;

/** A value as a message says it: "number 1.5", "string". */
const describeValue = (value: ParameterValue): string =>
  typeof value === "number" ? `number ${value}` : typeof value;

/** A type with its article: "an integer", "a boolean". */
const aType = (type: ParameterType): string => (type === "integer" ? "an integer" : `a ${type}`);

/** A --set value read as the declared type; undefined when it is not one. */
export function parseAs(type: ParameterType, text: string): ParameterValue | undefined {
  if (type === "string") return text;
  if (type === "boolean") return text === "true" ? true : text === "false" ? false : undefined;
  const number = Number(text);
  if (text.trim() === "" || !Number.isFinite(number)) return undefined;
  // "1e3" and "0x10" are numbers to JavaScript, not the whole numbers a person means.
  if (type === "integer")
    return /^[-+]?\d+$/.test(text.trim()) && Number.isSafeInteger(number) ? number : undefined;
  return number;
}

/**
 * The values of one service's parameters in one environment: the declared default, then the
 * environment's value, then a deploy's override. Every problem (unknown name, wrong type, a
 * required one without a value) is reported, naming the service and the parameter.
 */
export function parameterValues(
  service: string,
  declared: Readonly<Record<string, ParameterDeclaration>>,
  fromEnvironment: Readonly<Record<string, ParameterValue>>,
  overrides: readonly ParameterOverride[],
  where: {
    readonly serviceFile: string;
    readonly configFile: string;
    readonly environmentPath: string;
    /** Whether a required parameter without a value is a problem (plan and deploy). */
    readonly required: boolean;
  },
): { values: Record<string, ParameterValue>; problems: DefinitionProblem[] } {
  const problems: DefinitionProblem[] = [];
  const known = Object.keys(declared);
  const unknown = (name: string): string =>
    `service "${service}" has no parameter "${name}" (its parameters: ${known.join(", ") || "none"})`;
  const values: Record<string, ParameterValue> = {};
  for (const [name, declaration] of Object.entries(declared)) {
    if (declaration.secret && declaration.type !== "string")
      problems.push({
        file: where.serviceFile,
        path: `parameters.${name}.secret`,
        message: `a secret parameter must be a string: the hash shown of a ${declaration.type} would give its value away`,
      });
    if (declaration.secret && declaration.default !== undefined)
      problems.push({
        file: where.serviceFile,
        path: `parameters.${name}.default`,
        message: "a secret parameter has no default: a definition never holds a secret value",
      });
    if (declaration.default !== undefined && !isOfType(declaration.default, declaration.type))
      problems.push({
        file: where.serviceFile,
        path: `parameters.${name}.default`,
        message: `expected ${aType(declaration.type)}, found ${describeValue(declaration.default)}`,
      });
    else if (declaration.default !== undefined) values[name] = declaration.default;
  }
  for (const [name, value] of Object.entries(fromEnvironment)) {
    const declaration = declared[name];
    const path = `${where.environmentPath}.${service}.${name}`;
    if (!declaration) problems.push({ file: where.configFile, path, message: unknown(name) });
    else if (!isOfType(value, declaration.type))
      problems.push({
        file: where.configFile,
        path,
        message: `parameter "${name}" of service "${service}" is ${aType(declaration.type)}, found ${describeValue(value)}`,
      });
    else values[name] = value;
  }
  for (const override of overrides) {
    const declaration = declared[override.parameter];
    if (!declaration) {
      problems.push({ file: override.origin, path: "", message: unknown(override.parameter) });
      continue;
    }
    if (declaration.secret && !override.fromEnv) {
      // A value on the command line stays in the shell's history and the process list.
      problems.push({
        file: override.origin,
        path: "",
        message: `parameter "${override.parameter}" of service "${service}" is secret: give it with --set-from-env ${service}.${override.parameter}=ENV_VAR, not on the command line`,
      });
      continue;
    }
    const value = parseAs(declaration.type, override.text);
    if (value === undefined)
      problems.push({
        file: override.origin,
        path: "",
        message: `parameter "${override.parameter}" of service "${service}" is ${aType(declaration.type)}, found ${declaration.secret ? "a value that is not one" : JSON.stringify(override.text)}${declaration.type === "boolean" ? " (expected true or false)" : declaration.type === "integer" ? " (expected a whole number such as 3)" : ""}`,
      });
    else values[override.parameter] = value;
  }
  for (const [name, declaration] of Object.entries(declared))
    if (where.required && declaration.required && !(name in values))
      problems.push({
        file: where.serviceFile,
        path: `parameters.${name}`,
        message: `parameter "${name}" of service "${service}" is required: give it in the environment's parameters.${service}, or deploy with --set ${service}.${name}=...${declaration.secret ? ` (a secret: --set-from-env ${service}.${name}=ENV_VAR)` : ""}`,
      });
  return { values, problems };
}

/** How a secret parameter's value is shown and recorded: a prefix of its SHA-256, never the value. */
export const secretHash = (value: ParameterValue): string =>
  `sha256:${createHash("sha256").update(String(value)).digest("hex").slice(0, 16)}`;

/** A service's parameter values as plan, history and release records show them: secret ones hashed. */
export function shownParameters(
  declared: Readonly<Record<string, ParameterDeclaration>> | undefined,
  values: Readonly<Record<string, ParameterValue>>,
): Record<string, ParameterValue> {
  return Object.fromEntries(
    Object.entries(values)
      .sort(([a], [b]) => a.localeCompare(b))
      .map(([name, value]) => [name, declared?.[name]?.secret ? secretHash(value) : value]),
  );
}

/** `name=value` pairs for a line of text. */
export const parameterText = (shown: Readonly<Record<string, ParameterValue>>): string =>
  Object.entries(shown)
    .map(([name, value]) => `${name}=${typeof value === "string" ? JSON.stringify(value) : String(value)}`)
    .join(", ");

/** The Secret Slipway writes a service's secret parameters into, one key each; pods reference it. */
export const parametersSecretName = (service: string): string => `${service}-parameters`;

/** The names of a service's secret parameters that have a value. */
export const secretParameterNames = (
  declared: Readonly<Record<string, ParameterDeclaration>> | undefined,
  values: Readonly<Record<string, ParameterValue>>,
): string[] =>
  Object.keys(values)
    .filter((name) => declared?.[name]?.secret)
    .sort();

/**
 * One hash over a service's secret values: on the pod template, so that a new secret value rolls
 * the pods (they read it at start) and the plan sees a change, though no object holds the value.
 */
export function secretParametersHash(
  declared: Readonly<Record<string, ParameterDeclaration>> | undefined,
  values: Readonly<Record<string, ParameterValue>>,
): string | undefined {
  const names = secretParameterNames(declared, values);
  return names.length ? secretHash(JSON.stringify(names.map((n) => [n, values[n]]))) : undefined;
}

/** How a required parameter without a value shows where `render --placeholders` asks for it. */
export const placeholderFor = (service: string, parameter: string): string =>
  `<${service}.${parameter}: required, not set>`;

/**
 * Required parameters without a value, as problems: one per parameter, with the environments it
 * lacks a value in and how to give it one. `render` names its --placeholders flag.
 */
export function unsetParameterProblems(
  unset: readonly UnsetParameter[],
  command: "validate" | "render",
): DefinitionProblem[] {
  const byParameter = new Map<string, { first: UnsetParameter; environments: string[] }>();
  for (const u of unset) {
    const key = `${u.file}\0${u.service}\0${u.parameter}`;
    const entry = byParameter.get(key);
    if (entry) entry.environments.push(u.environment);
    else byParameter.set(key, { first: u, environments: [u.environment] });
  }
  return [...byParameter.values()].map(({ first: { file, service, parameter }, environments }) => ({
    file,
    path: `parameters.${parameter}`,
    message: `parameter "${parameter}" of service "${service}" is required and has no value: give it in the environment's parameters.${service} (${service}: { ${parameter}: ... }), or with --set ${service}.${parameter}=...${command === "render" ? "; or render --placeholders to show a placeholder in its place" : " when deploying (render shows a placeholder for it only with --placeholders)"}`,
    environments,
  }));
}
