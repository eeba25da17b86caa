// Migrations that ship in the service's image (`migrations.image`): the Job runs them from the
// image, and Slipway reads the same files out of the image's layers to check them as it checks
// local ones. Read only once a plan has resolved the image's digest, never when a project is
// opened: validate, render and list work without the registry.
import { RegistryClient } from "../clients/registry/client.ts";
import { readImageFolder, type LayerSource } from "../clients/registry/layers.ts";
import { imageRepository } from "../checks/gate/image.ts";
import { migrationSet } from "../definitions/flyway.ts";
import type { EnvironmentModel, MigrationFile, ServiceModel } from "../definitions/model.ts";

/** A service's migration files as read from one image, and where from. */
export interface ShippedMigrations {
  /** The image's repository, host/path. */
  readonly image: string;
  /** The digest they were read from: what the deploy pins and the Job runs. */
  readonly digest: string;
  /** The folder inside the image (`migrations.image`). */
  readonly folder: string;
  readonly files: readonly MigrationFile[];
}

/** The files could not be read, or are no Flyway migrations: each problem says which and why. */
export class ShippedMigrationsProblem extends Error {
  constructor(readonly problems: readonly string[]) {
    super(problems.join("; "));
    this.name = "ShippedMigrationsProblem";
  }
}

/** By digest: an image's content never changes under it, so one process reads it once. */
const cache = new Map<string, Promise<ShippedMigrations>>();

/** `where` for messages: host/path@digest:/folder. */
export const shippedFrom = (s: Pick<ShippedMigrations, "image" | "digest" | "folder">): string =>
  `${s.image}@${s.digest}:${s.folder}`;

/**
 * The Flyway files directly in the service's `migrations.image` folder of the image at
 * `digest`, in Flyway's order. Throws ShippedMigrationsProblem when the registry cannot be
 * read, a layer cannot be unpacked, the folder holds no SQL file, or a name is not Flyway's.
 */
export function readShippedMigrations(
  env: EnvironmentModel,
  service: ServiceModel,
  digest: string,
  client?: LayerSource,
): Promise<ShippedMigrations> {
  const folder = service.spec.migrations?.image;
  if (!folder) throw new Error(`internal: ${service.spec.name} does not ship its migrations in its image`);
  const { host, path } = imageRepository(env, service);
  const where = { image: `${host}/${path}`, digest, folder };
  const key = shippedFrom(where);
  let read = cache.get(key);
  if (!read) {
    const source =
      client ?? RegistryClient.fromEnvironment(host, { insecure: env.registry.insecure === true });
    read = readFiles(source, path, where);
    cache.set(key, read);
    // A failure (the registry down) is not the image's content: the next plan asks again.
    read.catch(() => cache.delete(key));
  }
  return read;
}

async function readFiles(
  client: LayerSource,
  repository: string,
  where: { image: string; digest: string; folder: string },
): Promise<ShippedMigrations> {
  let files: Map<string, Buffer>;
  try {
    files = await readImageFolder(client, repository, where.digest, where.folder);
  } catch (error) {
    throw new ShippedMigrationsProblem([
      `cannot read ${where.folder} from image ${where.image}@${where.digest}: ${(error as Error).message}`,
    ]);
  }
  const root = where.folder.replace(/^\/+|\/+$/g, "");
  // As beside a definition: the SQL files directly in the folder, not in folders below it.
  const sql = [...files]
    .map(([path, content]) => ({ name: path.slice(root ? root.length + 1 : 0), content }))
    .filter(({ name }) => !name.includes("/") && name.endsWith(".sql"))
    .map(({ name, content }) => ({ name, sql: content.toString("utf8") }));
  if (sql.length === 0)
    throw new ShippedMigrationsProblem([
      `image ${where.image}@${where.digest} has no .sql file in ${where.folder} (migrations.image): build the image with its migrations there`,
    ]);
  const set = migrationSet(sql);
  if (set.problems.length)
    throw new ShippedMigrationsProblem(set.problems.map((p) => `${shippedFrom(where)}: ${p}`));
  return { ...where, files: set.files };
}
