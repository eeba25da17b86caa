import pLimit from "p-limit";
import type { Cluster } from "../../clients/kubernetes/cluster.ts";
import { JenkinsClient } from "../../clients/jenkins/client.ts";
import type { EnvironmentModel, ProjectModel, ServiceModel } from "../../definitions/model.ts";
import { checkServiceBuildFound } from "./ci.ts";
import { checkServiceImage, type ImageVerdict, type RegistryClients } from "./image.ts";
import { checkPromotion } from "./promotion.ts";
import { signatureVerifier } from "./signature.ts";
import { failed, skipped, type GateCheck, type ServiceGate } from "./types.ts";

export interface GateInput {
  readonly project: ProjectModel;
  readonly env: EnvironmentModel;
  /** The cluster of another environment (promotion reads the earlier one's releases). */
  readonly clusterFor: (env: EnvironmentModel) => Cluster;
  /** Emergencies: no CI or promotion check; the reason goes into the release record. */
  readonly skipCi?: { readonly reason: string };
  /** The registry clients that resolved the images, reused to verify their signatures. */
  readonly registries?: RegistryClients;
  /** Services checked at once (default {@link GATE_CONCURRENCY}). */
  readonly concurrency?: number;
}

/**
 * Services whose registry and Jenkins requests are in flight at once: a plan of 100 services must
 * not send a shared registry or Jenkins 200 requests in one burst.
 */
export const GATE_CONCURRENCY = 8;

/** Resolves every planned service's image: the digests the plan renders and a deploy pins. */
export async function resolveImages(
  env: EnvironmentModel,
  services: readonly ServiceModel[],
  concurrency = GATE_CONCURRENCY,
  clients: RegistryClients = new Map(),
): Promise<Map<string, ImageVerdict>> {
  const limit = pLimit(concurrency);
  const verdicts = await Promise.all(services.map((s) => limit(() => checkServiceImage(env, s, clients))));
  return new Map(services.map((s, i) => [s.spec.name, verdicts[i] as ImageVerdict]));
}

/**
 * "Built and tested", per service about to be deployed: the image (already resolved), its CI
 * build, and its promotion from an earlier environment. A service not changing shows its image only.
 */
export async function runGate(
  input: GateInput,
  services: readonly ServiceModel[],
  images: ReadonlyMap<string, ImageVerdict>,
  changing: ReadonlySet<string>,
): Promise<ServiceGate[]> {
  let jenkins: Promise<JenkinsClient> | undefined;
  const jenkinsClient = (): Promise<JenkinsClient> =>
    (jenkins ??= JenkinsClient.fromEnv((input.env.ci as { url: string }).url));
  const signatures = signatureVerifier(input.env, input.project.root, input.registries);
  const gateOf = async (service: ServiceModel): Promise<ServiceGate> => {
    const image = images.get(service.spec.name) as ImageVerdict;
    const checks: GateCheck[] = [image.check];
    if (changing.has(service.spec.name)) {
      if (input.skipCi) {
        checks.push(skipped("ci", `skipped (--skip-ci-check): ${input.skipCi.reason}`));
        if (input.env.promotion)
          checks.push(skipped("promotion", `skipped (--skip-ci-check): ${input.skipCi.reason}`));
        if (signatures)
          for (const check of ["signature", "provenance"] as const)
            checks.push(skipped(check, `skipped (--skip-ci-check): ${input.skipCi.reason}`));
      } else {
        const verified = signatures?.start(image);
        const build = await checkServiceBuildFound(input.env, service, image.revision, jenkinsClient);
        checks.push(build.check);
        const promotion = await checkPromotion(
          input.project,
          input.env,
          service,
          image.digest,
          input.clusterFor,
        );
        if (promotion) checks.push(promotion);
        if (verified)
          checks.push(
            ...(await verified({
              ...(build.revision ? { ciRevision: build.revision } : {}),
              ...(image.revision ? { imageRevision: image.revision } : {}),
            })),
          );
      }
    }
    return {
      service: service.spec.name,
      version: service.spec.version,
      image: image.repository,
      ...(image.digest ? { digest: image.digest } : {}),
      ...(image.revision ? { revision: image.revision } : {}),
      checks: changing.has(service.spec.name) ? requireChecks(input, checks) : checks,
    };
  };
  const limit = pLimit(input.concurrency ?? GATE_CONCURRENCY);
  return Promise.all(services.map((service) => limit(() => gateOf(service))));
}

/**
 * The environment's `requires`: a required check that did not run blocks, with why. The one
 * exception is the emergency override, --skip-ci-check --reason, which still skips ci and
 * promotion; the plan then warns that a required check was skipped, and the release records it.
 * (Loading refuses an environment that requires a check it cannot run; this holds for any model.)
 */
export function requireChecks(
  input: Pick<GateInput, "env" | "skipCi">,
  checks: readonly GateCheck[],
): GateCheck[] {
  const { env, skipCi } = input;
  const required = new Set<string>(env.requires ?? []);
  const judged = checks.map((c): GateCheck => {
    if (c.outcome !== "skipped" || !required.has(c.check)) return c;
    if (skipCi && overridable.has(c.check))
      return {
        ...c,
        warnings: [
          ...(c.warnings ?? []),
          `environment ${env.name} requires the ${c.check} check; skipped by the emergency override --skip-ci-check (${skipCi.reason}), recorded in the release`,
        ],
      };
    return failed(c.check, c.summary, [requiredProblem(env.name, c.check)]);
  });
  for (const check of new Set(env.requires ?? []))
    if (!judged.some((c) => c.check === check))
      judged.push(failed(check, "did not run", [requiredProblem(env.name, check)]));
  return judged;
}

/** The checks the emergency override --skip-ci-check --reason skips. */
const overridable = new Set<GateCheck["check"]>(["ci", "promotion", "signature", "provenance"]);

const requiredProblem = (env: string, check: string): string =>
  `environment ${env} requires the ${check} check, and a deploy here does not go ahead without it: ` +
  (check === "ci"
    ? "give the environment a CI server (ci: { url })"
    : check === "promotion"
      ? 'give the environment an earlier one to promote from (promotion: { from: "dev" })'
      : check === "signature" || check === "provenance"
        ? "give the environment the keys its images are signed with (signatures: { keys: [...] }), and sign them in CI"
        : "the image must be checked") +
  '; in an emergency, --skip-ci-check --reason "..." deploys without ci, promotion, signature and provenance, recorded';
