import { fileURLToPath } from "node:url";
import { describe, expect, it } from "vitest";
import { importCycles, importGraph, reachable, topFolder } from "../support/import-graph.ts";

const src = fileURLToPath(new URL("../../src/", import.meta.url));
const graph = importGraph(src);

describe("imports", () => {
  it("reads the real tree (the plan imports its diff, the procedure its steps)", () => {
    expect(graph.get("plan/plan.ts")).toContain("plan/diff.ts");
    expect(reachable(graph, "procedure/deploy.ts")).toContain("procedure/steps/index.ts");
  });

  it("the plan does not know the procedure: nothing under src/plan reaches src/procedure", () => {
    const reaching = [...graph.keys()]
      .filter((file) => file.startsWith("plan/"))
      .flatMap((file) =>
        [...reachable(graph, file)].filter((d) => d.startsWith("procedure/")).map((d) => `${file} → ${d}`),
      );
    expect(reaching).toEqual([]);
  });

  it("no import cycle runs through two top-level folders of src", () => {
    const crossing = importCycles(graph)
      .filter((cycle) => new Set(cycle.map(topFolder)).size > 1)
      .map((cycle) => cycle.join(" ⇄ "));
    expect(crossing).toEqual([]);
  });
});
