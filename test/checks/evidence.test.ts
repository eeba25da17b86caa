import { describe, expect, it } from "vitest";
import type { MigrationFinding } from "../../src/checks/migrations/finding.ts";
import { judgeWithEvidence, type Evidence } from "../../src/checks/migrations/live-proof.ts";

const finding = (rule: string, subject?: string): MigrationFinding => ({
  rule,
  severity: "error",
  file: "V2.sql",
  line: 1,
  column: 1,
  message: "m",
  hint: "h",
  ...(subject ? { subject } : {}),
});
const hour = 3_600_000;
const evidence = (unused: string[], over: Partial<Evidence> = {}): Evidence => ({
  proof: { checked: 3, prepared: [], broken: [], unused },
  coveredMs: 25 * hour,
  evidenceWindowMs: 24 * hour,
  since: new Date("2026-01-01T00:00:00Z"),
  ...over,
});
const severities = (findings: MigrationFinding[]) => findings.map((f) => `${f.rule} ${f.severity}`);

describe("the dynamic proof's evidence against static errors", () => {
  it("ban-drop-not-null: a warning when no live statement names the column, as the drop rules are when none breaks", () => {
    const drops = [finding("ban-drop-not-null", "files.owner"), finding("ban-drop-column")];
    expect(severities(judgeWithEvidence(drops, evidence(["files.owner"])))).toEqual([
      "ban-drop-not-null warning",
      "ban-drop-column warning",
    ]);
    const [notNull] = judgeWithEvidence(drops, evidence(["files.owner"]));
    expect(notNull?.message).toBe(
      "m; not blocking: no query of the running version names files.owner: 3 live queries from pg_stat_statements since 2026-01-01T00:00:00.000Z prepare on the migrated schema with it renamed away",
    );
  });

  it("ban-drop-not-null stays an error when a statement names the column, the watch was short, or nothing was watched", () => {
    const drop = [finding("ban-drop-not-null", "files.owner")];
    expect(severities(judgeWithEvidence(drop, evidence([])))).toEqual(["ban-drop-not-null error"]);
    expect(severities(judgeWithEvidence(drop, evidence(["files.owner"], { coveredMs: hour })))).toEqual([
      "ban-drop-not-null error",
    ]);
    expect(
      severities(
        judgeWithEvidence(
          drop,
          evidence(["files.owner"], {
            proof: { checked: 0, prepared: [], broken: [], unused: ["files.owner"] },
          }),
        ),
      ),
    ).toEqual(["ban-drop-not-null error"]);
  });
});
