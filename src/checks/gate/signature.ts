// "Signed, and proven built and tested": for the exact digest a deploy pins, a signature by a
// key the environment trusts, and signed attestations that it was built from the commit the CI
// check found, with tests that ran and none failing. The plan and the release record carry the
// verified signer and statements in the checks' summaries, as they carry the CI build's.
import type { EnvironmentModel } from "../../definitions/model.ts";
import { loadTrustedKeys, type TrustedKey } from "../../provenance/keys.ts";
import { verifyImage, type ImageVerification, type Signer } from "../../provenance/verify.ts";
import { sameCommit } from "./ci.ts";
import { registryClientFor, type RegistryClients } from "./image.ts";
import { failed, passed, skipped, type GateCheck } from "./types.ts";

/** What the provenance is compared with: the CI build's commit, else the image's revision label. */
export interface ExpectedBuild {
  readonly ciRevision?: string;
  readonly imageRevision?: string;
}

export interface SignatureVerifier {
  /**
   * Starts verifying `host/path@digest` (it needs only the registry, so it runs beside the CI
   * check); the function it returns judges the result against the build the CI check found. An
   * undefined digest (the image check failed) skips both checks.
   */
  readonly start: (image: {
    readonly repository: string;
    readonly digest?: string;
  }) => (expected: ExpectedBuild) => Promise<GateCheck[]>;
  readonly verify: (repository: string, digest: string) => Promise<ImageVerification>;
}

/**
 * A verifier for an environment's trusted keys (read once), reading through the plan's registry
 * clients (those that resolved the images already hold the registry's authorization), or
 * undefined when the environment names no keys.
 */
export function signatureVerifier(
  env: EnvironmentModel,
  root: string,
  clients: RegistryClients = new Map(),
): SignatureVerifier | undefined {
  const references = env.signatures?.keys;
  if (!references) return undefined;
  let loaded: Promise<{ keys: TrustedKey[]; problems: string[] }> | undefined;
  const verify = async (repository: string, digest: string): Promise<ImageVerification> => {
    const { keys, problems } = await (loaded ??= loadTrustedKeys(references, root));
    const [host, ...rest] = repository.split("/");
    const verification = await verifyImage(
      registryClientFor(clients, host as string, env.registry.insecure === true),
      rest.join("/"),
      digest,
      keys,
    );
    return problems.length
      ? { ...verification, signatureProblems: [...problems, ...verification.signatureProblems] }
      : verification;
  };
  return {
    verify,
    start: (image) => {
      if (!image.digest) {
        const why = `${image.repository}: no digest to verify (the image check failed)`;
        return () => Promise.resolve([skipped("signature", why), skipped("provenance", why)]);
      }
      const verification = verify(image.repository, image.digest);
      // Judged later; a failure must not go unhandled if the gate fails first.
      verification.catch(() => undefined);
      return async (expected) => signatureChecks(await verification, expected);
    },
  };
}

const signedBy = (s: Signer): string => `key ${s.key} (${s.fingerprint})`;

/** The two gate checks of one image's verification. */
export function signatureChecks(v: ImageVerification, expected: ExpectedBuild): GateCheck[] {
  const signature = v.signer
    ? passed("signature", `${v.image} signed by ${signedBy(v.signer)}`)
    : failed(
        "signature",
        `${v.image} is not signed by a trusted key`,
        v.signatureProblems.map((p) => `${v.image}: ${p}`),
      );
  return [signature, provenanceCheck(v, expected)];
}

function provenanceCheck(v: ImageVerification, expected: ExpectedBuild): GateCheck {
  const problems = v.attestationProblems.map((p) => `${v.image}: ${p}`);
  const { provenance, tests } = v;
  const against = expected.ciRevision
    ? { commit: expected.ciRevision, said: "the CI build's commit" }
    : expected.imageRevision
      ? { commit: expected.imageRevision, said: "the image's revision label (no CI build to compare with)" }
      : undefined;
  if (provenance) {
    if (!against)
      problems.push(
        `${v.image}: its provenance says commit ${provenance.commit}, but neither a CI build nor the image's revision label says which commit was tested`,
      );
    else if (!sameCommit(provenance.commit, against.commit))
      problems.push(
        `${v.image}: its provenance says it was built from commit ${provenance.commit}, but ${against.said} is ${against.commit}`,
      );
  }
  if (tests) {
    if (tests.failed > 0)
      problems.push(`${v.image}: its test results say ${tests.failed} tests failed (${tests.passed} passed)`);
    else if (tests.passed === 0) problems.push(`${v.image}: its test results say no test ran`);
  }
  const statements = [
    provenance
      ? `built from commit ${provenance.commit.slice(0, 12)} by ${provenance.builder}${provenance.buildUrl ? ` (${provenance.buildUrl})` : ""}, attested by ${signedBy(provenance.signer)}`
      : undefined,
    tests
      ? `tests ${tests.passed} passed, ${tests.failed} failed, ${tests.skipped} skipped${tests.report ? ` (report ${tests.report})` : ""}, attested by ${signedBy(tests.signer)}`
      : undefined,
  ].filter((s): s is string => s !== undefined);
  const summary = statements.length
    ? `${v.image}: ${statements.join("; ")}`
    : `${v.image}: no verified attestations`;
  return problems.length ? failed("provenance", summary, problems) : passed("provenance", summary);
}
