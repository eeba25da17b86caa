import type { EnvironmentModel, ServiceModel } from "../../definitions/model.ts";
import {
  readShippedMigrations,
  shippedFrom,
  ShippedMigrationsProblem,
  type ShippedMigrations,
} from "../../migrations/image-files.ts";
import { imageRepository } from "./image.ts";
import { failed, passed, type GateCheck } from "./types.ts";

const imageRepositoryName = (env: EnvironmentModel, service: ServiceModel): string => {
  const { host, path } = imageRepository(env, service);
  return `${host}/${path}`;
};

export interface MigrationFilesVerdict {
  readonly check: GateCheck;
  /** What the deploy's check-migrations step checks and its release records. */
  readonly shipped?: ShippedMigrations;
}

/**
 * Migrations that ship in the image are read from the digest the plan pins, so the files the
 * deploy checks are the ones the Job will run. Not readable (the registry down, no such folder,
 * a file not named as Flyway names them): the deploy is refused like any failed check.
 */
export async function checkMigrationFiles(
  env: EnvironmentModel,
  service: ServiceModel,
  digest: string,
): Promise<MigrationFilesVerdict> {
  try {
    const shipped = await readShippedMigrations(env, service, digest);
    const names = shipped.files.map((f) => f.name);
    const list = names.length > 2 ? `${names[0]} … ${names.at(-1)}` : names.join(", ");
    return {
      check: passed(
        "migration-files",
        `${names.length} file(s) from image ${shippedFrom(shipped)} (${list})`,
      ),
      shipped,
    };
  } catch (error) {
    if (!(error instanceof ShippedMigrationsProblem)) throw error;
    return {
      check: failed(
        "migration-files",
        `cannot check the migrations in image ${imageRepositoryName(env, service)}@${digest}:${service.spec.migrations?.image ?? ""}`,
        [...error.problems],
      ),
    };
  }
}
