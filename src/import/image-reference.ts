/** Image references as the import reads them from live pods and writes them into definitions. */

/** An image reference in parts: `host/path/name`, its tag and its digest. */
export interface ImageParts {
  readonly repository: string;
  readonly tag?: string;
  readonly digest?: string;
}

export function parseImage(reference: string): ImageParts {
  const [withoutDigest = "", digest] = reference.split("@");
  const slash = withoutDigest.lastIndexOf("/");
  const colon = withoutDigest.lastIndexOf(":");
  const tagged = colon > slash;
  return {
    repository: tagged ? withoutDigest.slice(0, colon) : withoutDigest,
    ...(tagged ? { tag: withoutDigest.slice(colon + 1) } : {}),
    ...(digest ? { digest } : {}),
  };
}

/** The registry the definitions' short image names sit under. */
export interface RegistryChoice {
  readonly host: string;
  readonly repositoryPrefix: string;
}

/** A repository as a definition writes it: short under the registry, else a full reference. */
export function imageField(repository: string, registry: RegistryChoice | undefined): string {
  const base = registry ? `${registry.host}/${registry.repositoryPrefix}/` : undefined;
  if (base && repository.startsWith(base) && !repository.slice(base.length).includes("/"))
    return repository.slice(base.length);
  if (repository.includes("/")) return repository;
  return `docker.io/library/${repository}`;
}
