// The two statements Slipway's CI attests about an image (in-toto Statement v1, subject = the
// image digest): how it was built (SLSA build provenance v1) and how its tests went (Slipway's
// test-results predicate: the counts and the digest of the report they were read from).

export const statementType = "https://in-toto.io/Statement/v1";
/** cosign attest still writes v0.1 statements; their fields are the same. */
const statementTypes = new Set([statementType, "https://in-toto.io/Statement/v0.1"]);

export const slsaProvenanceType = "https://slsa.dev/provenance/v1";
/**
 * The in-toto test-result predicate (in-toto/attestation, test-result/v0.1) lists test names; CI
 * servers publish counts, so this one carries counts and the digest of the report they came from.
 */
export const testResultsType = "https://slipway.dev/attestation/test-results/v1";

/** The build type Slipway's example CI writes into its provenance. */
export const exampleBuildType = "https://slipway.dev/ci/example-images/v1";

export interface Statement {
  readonly _type: string;
  readonly subject: readonly { readonly name: string; readonly digest: Readonly<Record<string, string>> }[];
  readonly predicateType: string;
  readonly predicate: unknown;
}

/** What a provenance statement says, as the gate compares it. */
export interface BuildProvenance {
  readonly commit: string;
  readonly builder: string;
  /** The CI build's page. */
  readonly buildUrl?: string;
}

/** What a test-results statement says. */
export interface TestResults {
  readonly passed: number;
  readonly failed: number;
  readonly skipped: number;
  /** The digest of the report the counts were read from ("sha256:…"). */
  readonly report?: string;
  readonly buildUrl?: string;
}

/** A statement about `repository@digest`. */
export function statement(
  repository: string,
  digest: string,
  predicateType: string,
  predicate: unknown,
): Statement {
  const [algorithm, hex] = digest.split(":") as [string, string];
  return {
    _type: statementType,
    subject: [{ name: repository, digest: { [algorithm]: hex } }],
    predicateType,
    predicate,
  };
}

/** SLSA v1 provenance: the commit as the resolved source, the build's page as the invocation. */
export function provenancePredicate(input: {
  readonly commit: string;
  readonly builder: string;
  readonly buildUrl?: string;
  readonly source?: string;
  readonly parameters?: Readonly<Record<string, string>>;
}): unknown {
  return {
    buildDefinition: {
      buildType: exampleBuildType,
      externalParameters: input.parameters ?? {},
      resolvedDependencies: [{ uri: input.source ?? "git+unknown", digest: { gitCommit: input.commit } }],
    },
    runDetails: {
      builder: { id: input.builder },
      ...(input.buildUrl ? { metadata: { invocationId: input.buildUrl } } : {}),
    },
  };
}

export function testResultsPredicate(results: TestResults): unknown {
  return {
    result: results.failed > 0 ? "FAILED" : "PASSED",
    passed: results.passed,
    failed: results.failed,
    skipped: results.skipped,
    ...(results.report ? { report: { digest: results.report } } : {}),
    ...(results.buildUrl ? { url: results.buildUrl } : {}),
  };
}

/** The statement in a DSSE payload, or why it is not one about `digest`. */
export function parseStatement(payload: Buffer, digest: string): Statement | { problem: string } {
  let parsed: Partial<Statement>;
  try {
    parsed = JSON.parse(payload.toString("utf8")) as Partial<Statement>;
  } catch {
    return { problem: "its payload is not JSON" };
  }
  if (!statementTypes.has(parsed._type ?? "") || typeof parsed.predicateType !== "string")
    return { problem: "its payload is not an in-toto statement" };
  const [algorithm, hex] = digest.split(":") as [string, string];
  if (!(parsed.subject ?? []).some((s) => s?.digest?.[algorithm] === hex))
    return { problem: `its statement is about another image, not ${digest}` };
  return parsed as Statement;
}

const record = (v: unknown): Record<string, unknown> =>
  typeof v === "object" && v !== null ? (v as Record<string, unknown>) : {};

/** The commit, builder and build page of a SLSA v1 (or v0.2) provenance predicate. */
export function readProvenance(predicate: unknown): BuildProvenance | { problem: string } {
  const p = record(predicate);
  const definition = record(p.buildDefinition);
  const run = record(p.runDetails);
  // v1: resolvedDependencies[].digest.gitCommit; v0.2: materials[].digest.sha1.
  const sources = [
    ...(Array.isArray(definition.resolvedDependencies) ? definition.resolvedDependencies : []),
    ...(Array.isArray(p.materials) ? p.materials : []),
  ].map((d) => record(record(d).digest));
  const commit = sources.map((d) => d.gitCommit ?? d.sha1).find((c) => typeof c === "string");
  const builder = record(run.builder).id ?? record(p.builder).id;
  const metadata = record(run.metadata);
  // "invocationID": how Go's SLSA structs (cosign attest) spell it.
  const buildUrl =
    metadata.invocationId ?? metadata.invocationID ?? record(record(p.invocation).configSource).uri;
  if (typeof commit !== "string") return { problem: "its provenance names no source commit" };
  return {
    commit,
    builder: typeof builder === "string" ? builder : "(unnamed builder)",
    ...(typeof buildUrl === "string" ? { buildUrl } : {}),
  };
}

export function readTestResults(predicate: unknown): TestResults | { problem: string } {
  const p = record(predicate);
  const count = (v: unknown): number | undefined =>
    typeof v === "number" && Number.isInteger(v) && v >= 0 ? v : undefined;
  const passed = count(p.passed);
  const failed = count(p.failed);
  const skipped = count(p.skipped) ?? 0;
  if (passed === undefined || failed === undefined)
    return { problem: "its test results carry no passed and failed counts" };
  const report = record(p.report).digest;
  return {
    passed,
    failed,
    skipped,
    ...(typeof report === "string" ? { report } : {}),
    ...(typeof p.url === "string" ? { buildUrl: p.url } : {}),
  };
}
