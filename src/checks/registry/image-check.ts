// The registry half of "built and tested": the version's tag exists, and the image says which
// commit it was built from (the org.opencontainers.image.revision label), matching the commit
// CI built and tested when that is known.
import { RegistryClient } from "../../clients/registry/client.ts";
import type { RegistryCredentials } from "../../clients/registry/credentials.ts";
import { RegistryError, imageName } from "../../clients/registry/errors.ts";
import { revisionLabel } from "../../clients/registry/oci.ts";

export interface ImageCheckInput {
  /** Registry host, e.g. "127.0.0.1:25000". */
  readonly registry: string;
  /** e.g. "research/files". */
  readonly repository: string;
  /** The service's version. */
  readonly tag: string;
  /** The commit CI built and tested; a full SHA, or an abbreviation of at least 7 characters. */
  readonly expectedRevision?: string;
  /** When omitted: SLIPWAY_REGISTRY_USERNAME/PASSWORD, else the Docker config (see lookupCredentials). */
  readonly credentials?: RegistryCredentials;
  /** Plain http (local registries). */
  readonly insecure?: boolean;
  /** A client to reuse (it remembers what authentication the registry accepted); else one is made. */
  readonly client?: RegistryClient;
}

export interface ImageFinding {
  readonly severity: "error" | "info";
  readonly message: string;
}

export interface ImageCheckResult {
  /** No error findings. */
  readonly ok: boolean;
  /** What the tag points to (the index for a multi-platform image): what a deploy should pin. */
  readonly digest?: string;
  readonly revision?: string;
  readonly version?: string;
  readonly findings: readonly ImageFinding[];
}

const credentialsFix = (host: string): string =>
  `set SLIPWAY_REGISTRY_USERNAME and SLIPWAY_REGISTRY_PASSWORD, or run docker login ${host}`;

export async function checkImage(input: ImageCheckInput): Promise<ImageCheckResult> {
  const name = imageName({ host: input.registry, repository: input.repository, reference: input.tag });
  const client =
    input.client ??
    (input.credentials
      ? new RegistryClient({ host: input.registry, credentials: input.credentials, insecure: input.insecure })
      : RegistryClient.fromEnvironment(input.registry, { insecure: input.insecure }));

  let image;
  try {
    image = await client.inspect(input.repository, input.tag);
  } catch (error) {
    if (!(error instanceof RegistryError)) throw error;
    return {
      ok: false,
      findings: [
        {
          severity: "error",
          // The client's message may already say how to give credentials: say it once.
          message: error.message.includes("SLIPWAY_REGISTRY_USERNAME")
            ? error.message
            : `${error.message}; fix: ${fixFor(error, input)}`,
        },
      ],
    };
  }

  const findings: ImageFinding[] = [];
  const platformNote = image.indexDigest ? ` (linux/amd64 image ${image.manifestDigest})` : "";
  findings.push({
    severity: "info",
    message: `${name} is ${image.digest}${platformNote}, revision ${image.revision ?? "unknown"}, version ${image.version ?? "unknown"}`,
  });

  if (!image.revision) {
    findings.push({
      severity: "error",
      message:
        `${name} has no ${revisionLabel} label, so nothing ties it to a built and tested commit; ` +
        `fix: build it with --label ${revisionLabel}=<git commit> (docker build --label, or crane mutate --label) and push it again`,
    });
  } else if (input.expectedRevision && !sameRevision(image.revision, input.expectedRevision)) {
    findings.push({
      severity: "error",
      message:
        `${name} was built from revision ${image.revision}, not the expected ${input.expectedRevision}; ` +
        `fix: the tag was pushed from another commit: build and push ${input.expectedRevision} under a new version, ` +
        `or correct the expected revision`,
    });
  }
  if (image.version && image.version !== input.tag) {
    findings.push({
      severity: "info",
      message: `${name} carries the version label ${image.version}, which differs from its tag`,
    });
  }
  return {
    ok: !findings.some((f) => f.severity === "error"),
    digest: image.digest,
    revision: image.revision,
    version: image.version,
    findings,
  };
}

function fixFor(error: RegistryError, input: ImageCheckInput): string {
  switch (error.kind) {
    case "not-found":
      return `build and push ${input.tag} before deploying it (locally: npm run images), or correct the service's version`;
    case "unauthorized":
      return `check the credentials: ${credentialsFix(input.registry)}`;
    case "unreachable":
      return `check the registry address and that it is up; a registry serving plain http needs insecure: true`;
    case "no-platform":
      return "build the image for linux/amd64 too and push the index again";
    case "bad-response":
      return "see the registry's answer above; the registry or a proxy in front of it misbehaves";
  }
}

/** Equal, or one is an abbreviation (7+ characters) of the other, as git prints commits. */
function sameRevision(actual: string, expected: string): boolean {
  const a = actual.toLowerCase();
  const e = expected.toLowerCase();
  return a === e || (e.length >= 7 && a.startsWith(e)) || (a.length >= 7 && e.startsWith(a));
}
