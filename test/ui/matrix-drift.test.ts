import { describe, expect, it } from "vitest";
import type { Matrix } from "../../src/status/matrix.ts";
import { textOf } from "../../src/ui/html.ts";
import { matrixFragment } from "../../src/ui/views/matrix.ts";

const matrix = (drift: string[]): Matrix => ({
  environments: [
    { name: "dev", environment: "dev", namespace: "team-dev", errors: [], synced: true, unreadable: false },
  ],
  fleets: [],
  services: ["files"],
  cells: [
    {
      service: "files",
      environment: "dev",
      definedVersion: "1.4.0",
      liveVersion: "1.4.0",
      state: "deployed",
      latest: {
        service: "files",
        revision: 1,
        version: "1.4.0",
        status: "deployed",
        deployedBy: "ada",
        startedAt: "2026-01-01T00:00:00Z",
        description: "deploy 1.4.0",
        objectsHash: "h",
      },
      drift,
    },
  ],
});

describe("the matrix's drift flag", () => {
  it("says which command shows the fields and which deploy restores them, also fields another manager added", async () => {
    const text = await textOf(
      matrixFragment(matrix(["Deployment/files edited by kubectl-set at 2026-01-02T00:00:00Z"]), {
        readOnly: true,
      }),
    );
    expect(text).toContain("⚠ drift: Deployment/files edited by kubectl-set");
    expect(text.replace(/\s+/g, " ")).toContain(
      "slipway drift --env dev files shows the fields; slipway deploy --env dev files --reclaim restores them as defined",
    );
  });

  it("says nothing of it without drift", async () => {
    const text = await textOf(matrixFragment(matrix([]), { readOnly: true }));
    expect(text).toContain("no drift seen");
    expect(text).not.toContain("--reclaim");
  });
});
