// The gate's image, CI-commit, signature and provenance checks for one image, outside a plan:
// what `slipway verify-image` shows. A service of the environment is checked as a deploy checks
// it (its tag, its CI build's commit); a registry reference by its tag or digest and its label.
import { JenkinsClient } from "../../clients/jenkins/client.ts";
import { RegistryClient } from "../../clients/registry/client.ts";
import { RegistryError } from "../../clients/registry/errors.ts";
import type { EnvironmentModel, ProjectModel } from "../../definitions/model.ts";
import { checkServiceBuildFound } from "./ci.ts";
import { checkServiceImage } from "./image.ts";
import { signatureVerifier, type ExpectedBuild } from "./signature.ts";
import { failed, passed, type GateCheck } from "./types.ts";

export interface OneImageVerdict {
  /** host/path@digest, when it resolved. */
  readonly resolved?: string;
  readonly checks: readonly GateCheck[];
}

/** Verifies `image` (a service name or a reference) in `env`, which must name signature keys. */
export async function verifyOneImage(
  project: ProjectModel,
  env: EnvironmentModel,
  image: string,
): Promise<OneImageVerdict> {
  const verifier = signatureVerifier(env, project.root);
  if (!verifier) throw new Error(`environment ${env.name} names no signature keys`);
  const service = project.services.get(env.name)?.find((s) => s.spec.name === image);
  let repository: string;
  let digest: string | undefined;
  const expected: { ciRevision?: string; imageRevision?: string } = {};
  const checks: GateCheck[] = [];
  if (service) {
    const verdict = await checkServiceImage(env, service);
    checks.push(verdict.check);
    ({ repository, digest } = verdict);
    if (verdict.revision) expected.imageRevision = verdict.revision;
    if (env.ci) {
      const url = env.ci.url;
      const build = await checkServiceBuildFound(env, service, verdict.revision, () =>
        JenkinsClient.fromEnv(url),
      );
      checks.push(build.check);
      if (build.revision) expected.ciRevision = build.revision;
    }
  } else {
    const reference = parseReference(image);
    repository = `${reference.host}/${reference.path}`;
    const client = RegistryClient.fromEnvironment(reference.host, {
      insecure: env.registry.insecure === true,
    });
    try {
      const details = await client.inspect(reference.path, reference.reference);
      digest = reference.reference.startsWith("sha256:") ? reference.reference : details.digest;
      if (details.revision) expected.imageRevision = details.revision;
      checks.push(
        passed("image", `${image} is ${digest} (revision ${details.revision?.slice(0, 12) ?? "unknown"})`),
      );
    } catch (error) {
      if (!(error instanceof RegistryError)) throw error;
      checks.push(failed("image", image, [error.message]));
    }
  }
  checks.push(
    ...(await verifier.start({ repository, ...(digest ? { digest } : {}) })(expected as ExpectedBuild)),
  );
  return { ...(digest ? { resolved: `${repository}@${digest}` } : {}), checks };
}

/** host/path:tag or host/path@sha256:…; the host is the part before the first slash. */
export function parseReference(image: string): { host: string; path: string; reference: string } {
  const match =
    /^([^/]+)\/([a-z0-9]+(?:[._/-][a-z0-9]+)*)(?::([\w][\w.-]{0,127})|@(sha256:[0-9a-f]{64}))$/.exec(image);
  if (!match)
    throw new ImageReferenceError(
      `"${image}" is neither a service of the environment nor an image reference such as registry.example.org/team/app:1.2.0 or …/app@sha256:<64 hex>`,
    );
  return { host: match[1]!, path: match[2]!, reference: (match[3] ?? match[4])! };
}

export class ImageReferenceError extends Error {}
