import type { EnvironmentModel } from "../model.ts";
import type { DefinitionProblem } from "../errors.ts";
import {
  parametersSecretName,
  parameterValues,
  placeholderFor,
  type ParameterOverride,
  type ParameterValue,
} from "../parameters.ts";
import type { ParameterDeclaration } from "../schema/parameters.ts";
import { serviceSchema } from "../schema/service.ts";
import { serviceName, type ServiceSource } from "./service-files.ts";

/**
 * A service's parameters in an environment, found before its definition is resolved (its
 * functions read them): the values, the ones left unset, and what the functions see.
 */

/** The parameters as the service declares them; none when the declarations are wrong (the schema says so). */
const declaredParameters = (source: ServiceSource): Readonly<Record<string, ParameterDeclaration>> =>
  serviceSchema.shape.parameters.safeParse((source.definition as { parameters?: unknown } | null)?.parameters)
    .data ?? {};

/**
 * Required parameters without a value, other than secret ones: a secret one is a reference to a
 * key of a Secret wherever it is read, given at deploy time with --set-from-env.
 */
export const unsetOpenParameters = (
  source: ServiceSource,
  values: Readonly<Record<string, ParameterValue>>,
): string[] =>
  Object.entries(declaredParameters(source))
    .filter(([name, d]) => d.required === true && d.secret !== true && !(name in values))
    .map(([name]) => name);

/**
 * A service's parameter values in an environment, found before the rest of its definition is
 * resolved, since its functions read them. Declarations the schema refuses give no values here:
 * the schema says what is wrong with them once the definition is parsed.
 */
export function parametersOf(
  source: ServiceSource,
  env: EnvironmentModel,
  overrides: readonly ParameterOverride[],
  where: { readonly configFile: string; readonly environmentPath: string; readonly required: boolean },
  problems: DefinitionProblem[],
): Readonly<Record<string, ParameterValue>> {
  const service = serviceName(source.definition) ?? "";
  const declared = serviceSchema.shape.parameters.safeParse(
    (source.definition as { parameters?: unknown } | null)?.parameters,
  );
  if (!declared.success) return {};
  const { values, problems: found } = parameterValues(
    service,
    declared.data ?? {},
    env.parameters?.[service] ?? {},
    overrides.filter((o) => o.service === service),
    { serviceFile: source.file, ...where },
  );
  problems.push(...found);
  return values;
}

/**
 * The parameters a service's functions see. A secret one is a reference to the key of the Secret
 * the deploy writes it into, never its value: whatever a function returns is rendered into objects
 * that plans show and release records keep.
 */
export function openParameters(
  source: ServiceSource,
  values: Readonly<Record<string, ParameterValue>>,
  placeholders: readonly string[],
): Record<string, ParameterValue | { secret: string; key: string }> {
  const declared = declaredParameters(source);
  const secret = (name: string): boolean => declared[name]?.secret === true;
  const service = serviceName(source.definition) ?? "";
  const reference = (name: string) => ({ secret: parametersSecretName(service), key: name });
  // A required one is a reference even without its value: that is reported once, as missing
  // where a deploy needs it, not again by each field that reads it.
  const required = Object.entries(declared)
    .filter(([name, d]) => d.secret && d.required && !(name in values))
    .map(([name]) => [name, reference(name)] as const);
  return Object.fromEntries([
    ...Object.entries(values).map(([name, value]) => [name, secret(name) ? reference(name) : value] as const),
    ...required,
    ...placeholders.map((name) => [name, placeholderFor(service, name)] as const),
  ]);
}

/** Parameters given for services that do not exist: in the environment, or with --set. */
export function unknownServices(
  env: EnvironmentModel,
  sources: readonly ServiceSource[],
  overrides: readonly ParameterOverride[],
  configFile: string,
  environmentPath: string,
): DefinitionProblem[] {
  const names = sources.map((s) => serviceName(s.definition));
  const known = `(services: ${names.join(", ")})`;
  return [
    ...Object.keys(env.parameters ?? {})
      .filter((service) => !names.includes(service))
      .map((service) => ({
        file: configFile,
        path: `${environmentPath}.${service}`,
        message: `no service "${service}" ${known}`,
      })),
    ...overrides
      .filter((o) => !names.includes(o.service))
      .map((o) => ({ file: o.origin, path: "", message: `no service "${o.service}" ${known}` })),
  ];
}
