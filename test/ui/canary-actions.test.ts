import { describe, expect, it } from "vitest";
import { textOf } from "../../src/ui/html.ts";
import { canaryActions } from "../../src/ui/views/canary-actions.ts";

const links = async (paused: boolean, readOnly = false): Promise<string[]> => {
  const fragment = canaryActions({ env: "prod", service: "files", paused, readOnly });
  const text = fragment === "" ? "" : await textOf(fragment);
  return [...text.matchAll(/href="([^"]+)"/g)].map((m) => m[1] ?? "");
};

describe("the canary's promote and abort buttons", () => {
  it("offer promote only while the canary is paused, abort always, each to its confirmation page", async () => {
    expect(await links(true)).toEqual([
      "/actions/canary/promote?env=prod&amp;service=files",
      "/actions/canary/abort?env=prod&amp;service=files",
    ]);
    expect(await links(false)).toEqual(["/actions/canary/abort?env=prod&amp;service=files"]);
  });

  it("are not there at all in read-only mode", async () => {
    expect(await links(true, true)).toEqual([]);
  });
});
