import { existsSync, readdirSync, readFileSync, statSync } from "node:fs";
import { dirname, join, relative, resolve } from "node:path";
import { requestSchemaProblems } from "../../checks/calls/schema-problems.ts";
import type { DefinitionProblem } from "../errors.ts";
import { migrationSet } from "../flyway.ts";
import type { CallContract, JsonSchema, MigrationFile, ServiceModel } from "../model.ts";
import type { ResolvedService } from "../schema/service.ts";
import type { ServiceSource } from "./service-files.ts";

/**
 * The files a valid service definition refers to, read beside it: its ConfigMaps' files, its
 * calls' request schemas, its migrations and its query file.
 */
export function readAssets(
  source: ServiceSource,
  spec: ResolvedService,
  problems: DefinitionProblem[],
): Omit<ServiceModel, "parameters"> {
  const dir = dirname(source.absolute);
  const readText = (path: string, field: string): string | undefined => {
    const absolute = resolve(dir, path);
    if (!existsSync(absolute)) {
      problems.push({
        file: source.file,
        path: field,
        message: `file ${path} not found (looked in ${relative(process.cwd(), absolute)})`,
      });
      return undefined;
    }
    try {
      return readFileSync(absolute, "utf8");
    } catch (error) {
      // A folder, or a file this process may not read.
      problems.push({
        file: source.file,
        path: field,
        message: `${path} cannot be read (${relative(process.cwd(), absolute)}): ${(error as NodeJS.ErrnoException).code ?? (error as Error).message}`,
      });
      return undefined;
    }
  };

  const configMaps = new Map<string, Record<string, string>>();
  for (const [name, cm] of Object.entries(spec.configMaps ?? {})) {
    const entries: Record<string, string> = {};
    for (const [key, path] of Object.entries(cm.files ?? {})) {
      const text = readText(path, `configMaps.${name}.files.${key}`);
      if (text !== undefined) entries[key] = text;
    }
    for (const [key, value] of Object.entries(cm.data ?? {})) {
      if (key in entries)
        problems.push({
          file: source.file,
          path: `configMaps.${name}.data.${key}`,
          message: "is also given in files",
        });
      entries[key] = value;
    }
    configMaps.set(name, entries);
  }

  const calls: CallContract[] = [];
  for (const [name, call] of Object.entries(spec.calls ?? {})) {
    let request: JsonSchema | undefined;
    if (typeof call.request === "string") {
      const text = readText(call.request, `calls.${name}.request`);
      if (text !== undefined) {
        try {
          request = JSON.parse(text) as JsonSchema;
        } catch (error) {
          problems.push({
            file: source.file,
            path: `calls.${name}.request`,
            message: `${call.request} is not valid JSON: ${(error as Error).message}`,
          });
        }
      }
    } else {
      request = call.request;
    }
    if (
      request &&
      (typeof request !== "object" ||
        Array.isArray(request) ||
        (request.type !== undefined && request.type !== "object"))
    ) {
      problems.push({
        file: source.file,
        path: `calls.${name}.request`,
        message: `a request schema must describe an object (found type ${typeof request.type === "bigint" ? `${request.type}n` : JSON.stringify(request.type)})`,
      });
    }
    for (const p of request && typeof request === "object" ? requestSchemaProblems(request) : [])
      problems.push({
        file: source.file,
        path: `calls.${name}.request`,
        message: `at ${p.pointer}: ${p.message}`,
      });
    if (request) calls.push({ name, audited: call.audited ?? true, request });
  }

  // Files that ship in the image are read only once a plan has its digest (src/migrations/image-files.ts).
  const migrations: MigrationFile[] = [];
  const migrationPath = spec.migrations?.path;
  if (migrationPath !== undefined) {
    const folder = resolve(dir, migrationPath);
    if (!existsSync(folder) || !statSync(folder).isDirectory()) {
      problems.push({
        file: source.file,
        path: "migrations.path",
        message: `folder ${migrationPath} not found (looked in ${relative(process.cwd(), folder)})`,
      });
    } else {
      const read = migrationSet(
        readdirSync(folder)
          .filter((f) => f.endsWith(".sql") && statSync(join(folder, f)).isFile())
          .map((name) => ({ name, sql: readFileSync(join(folder, name), "utf8") })),
      );
      for (const message of read.problems)
        problems.push({ file: source.file, path: "migrations.path", message });
      migrations.push(...read.files);
    }
  }
  const queryFile = spec.migrations?.queries
    ? readText(spec.migrations.queries, "migrations.queries")
    : undefined;
  return {
    file: source.file,
    spec,
    configMaps,
    calls,
    migrations,
    ...(queryFile !== undefined ? { queryFile } : {}),
  };
}
