import { describe, expect, it } from "vitest";
import type { ReleaseRecord } from "../../src/release/record.ts";
import { timelineEntry } from "../../src/status/timeline.ts";
import { textOf } from "../../src/ui/html.ts";
import { timelinePage } from "../../src/ui/views/timeline.ts";

const record = (over: Partial<ReleaseRecord>): ReleaseRecord => ({
  service: "files",
  environment: "dev",
  revision: 2,
  version: "1.4.0",
  digests: { files: "sha256:0123" },
  status: "deployed",
  objects: [],
  objectsHash: "h",
  calls: [],
  checks: [],
  steps: [],
  deployedBy: "alice (alice)",
  commit: "unknown",
  startedAt: "2026-12-06T01:00:00Z",
  description: "files 1.4.0",
  ...over,
});

/** The page's words as a reader sees them: tags gone, one space between blocks. */
async function pageText(r: ReleaseRecord): Promise<string> {
  const html = await textOf(
    timelinePage({
      service: "files",
      env: "dev",
      environments: ["dev"],
      entries: [timelineEntry(r, [])],
      readOnly: true,
    }),
  );
  return html
    .replace(/\s+/g, " ")
    .replace(/<(p|dd|dt|li)[^>]*>/g, "\n")
    .replace(/<[^>]+>/g, "")
    .replace(/ *\n */g, "\n")
    .replace(/\n+/g, "\n")
    .replace(/&#39;/g, "'")
    .replace(/&quot;/g, '"')
    .replace(/&amp;/g, "&");
}

describe("a timeline entry's words", () => {
  const build = "Jenkins build #3 SUCCESS, 6 tests, 0 failed";
  it("says which commit the image was built from, as the CI build recorded it", async () => {
    const text = await pageText(
      record({
        checks: [
          {
            check: "gate/ci",
            outcome: "passed",
            message: `${build}, commit 3f2a9c1d (http://ci/job/files/3/)`,
          },
        ],
      }),
    );
    expect(text).toContain("Built from\n3f2a9c1d");
  });

  it("says where the commit should have come from when the CI build recorded none: the gate's warning", async () => {
    const warning =
      "Jenkins build #3 of files 1.4.0 records no git revision, so it was not compared with the image's revision label: check the code out with Jenkins' git plugin (checkout scm) so the build records its commit (http://ci/job/files/3/)";
    const text = await pageText(
      record({
        checks: [
          { check: "gate/ci", outcome: "passed", message: `${build} (http://ci/job/files/3/)` },
          { check: "gate/ci", outcome: "warning", message: warning },
        ],
      }),
    );
    expect(text).toContain(`Built from\ncommit unknown: a recorded warning: ${warning}`);
    expect(text).not.toMatch(/Commit\nunknown/);
    expect(text).toContain("Definitions\nnot deployed from a git work tree: no commit");
  });

  it("keeps the dynamic proof and the recorded statements apart", async () => {
    const text = await pageText(
      record({ statements: { queries: ["SELECT 1", "SELECT 2"], sources: ["queries-file"] } }),
    );
    expect(text).toContain(
      "Dynamic proof\nno proof ran in this deploy\nthis version's statements: 2 recorded (queries-file)",
    );
    expect(text).not.toMatch(/none recorded\s*2 statement/);
  });

  it("says who broke glass in a freeze, why, and through which window", async () => {
    const text = await pageText(
      record({
        breakGlass: {
          by: "alice",
          groups: ["platform-oncall"],
          reason: "INC-231",
          windows: ['deny "weekend" (cron "0 16 * * 5" for 64h, Europe/Copenhagen)'],
          at: "2026-12-05T10:00:00.000Z",
        },
      }),
    );
    expect(text).toContain(
      'Break-glass\n⚠ deployed in a freeze by alice at 2026-12-05T10:00:00.000Z: INC-231 (through deny "weekend" (cron "0 16 * * 5" for 64h, Europe/Copenhagen))',
    );
  });
});
