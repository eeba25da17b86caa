import { describe, expect, it } from "vitest";
import { allowNoBrowser, browserGate } from "./browser-gate.ts";

describe("the browser tests' gate", () => {
  it("runs them when the browser is there, whatever the environment says", () => {
    expect(browserGate("/usr/bin/chromium", true, {})).toEqual({ verdict: "run" });
    expect(browserGate("/usr/bin/chromium", true, { [allowNoBrowser]: "1" })).toEqual({ verdict: "run" });
  });

  it("fails them when the browser is missing, saying how to install it or allow the skip", () => {
    for (const env of [{}, { [allowNoBrowser]: "" }, { [allowNoBrowser]: "0" }, { CI: "1" }])
      expect(browserGate("/usr/bin/chromium", false, env)).toEqual({
        verdict: "fail",
        message:
          "the dashboard's browser tests need /usr/bin/chromium, which is missing: install it (scripts/setup.sh, or apt-get install chromium), or set SLIPWAY_TEST_ALLOW_NO_BROWSER=1 to skip them",
      });
  });

  it("skips them only when SLIPWAY_TEST_ALLOW_NO_BROWSER=1 says so, and says why", () => {
    expect(browserGate("/usr/bin/chromium", false, { [allowNoBrowser]: "1" })).toEqual({
      verdict: "skip",
      message:
        "skipping them: the dashboard's browser tests need /usr/bin/chromium, which is missing, and SLIPWAY_TEST_ALLOW_NO_BROWSER=1 allows that",
    });
  });
});
