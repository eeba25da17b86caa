import type { Command } from "commander";
import type { ParameterOverride } from "../definitions/parameters.ts";
import { UsageError } from "./usage-error.ts";

/** The flags that override a service's parameters for one deploy or plan. */
export interface ParameterFlags {
  readonly set: string[];
  readonly setFromEnv: string[];
}

const collect = (value: string, previous: string[]): string[] => [...previous, value];

export function addParameterFlags(command: Command): Command {
  return command
    .option(
      "--set <service.parameter=value>",
      "override a parameter of a service (repeatable); not for secret parameters, whose value would stay in the shell's history",
      collect,
      [],
    )
    .option(
      "--set-from-env <service.parameter=VARIABLE>",
      "override a parameter with the value of an environment variable (repeatable): the way to give a secret one",
      collect,
      [],
    );
}

/** Reads --set and --set-from-env; a malformed one is a usage error naming it. */
export function parameterOverrides(flags: ParameterFlags): ParameterOverride[] {
  const split = (flag: string, text: string, right: string): [string, string, string] => {
    const match = /^([a-z0-9]([-a-z0-9]*[a-z0-9])?)\.([a-zA-Z][a-zA-Z0-9]*)=(.*)$/s.exec(text);
    if (!match)
      throw new UsageError(
        `${flag} ${JSON.stringify(text)}: expected <service>.<parameter>=<${right}>`,
        `for example ${flag} auth.wayfEnabled=${flag === "--set" ? "true" : "WAYF_ENABLED"}`,
      );
    return [match[1] ?? "", match[3] ?? "", match[4] ?? ""];
  };
  return [
    ...flags.set.map((text): ParameterOverride => {
      const [service, parameter, value] = split("--set", text, "value");
      return { service, parameter, text: value, origin: `--set ${service}.${parameter}`, fromEnv: false };
    }),
    ...flags.setFromEnv.map((text): ParameterOverride => {
      const [service, parameter, variable] = split("--set-from-env", text, "VARIABLE");
      const value = process.env[variable];
      if (value === undefined)
        throw new UsageError(
          `--set-from-env ${service}.${parameter}=${variable}: the environment variable ${variable} is not set`,
          `export ${variable} before running slipway`,
        );
      return {
        service,
        parameter,
        text: value,
        origin: `--set-from-env ${service}.${parameter}`,
        fromEnv: true,
      };
    }),
  ];
}
