import { existsSync, mkdirSync } from "node:fs";
import { join } from "node:path";
import { chromium, type Browser, type Page } from "playwright-core";
import { browserGate } from "./browser-gate.ts";
import { repoRoot } from "./project.ts";
import { startSlipway, type RunningSlipway } from "./slipway-process.ts";

/** Debian's browser: the tests drive it, never a downloaded build. */
export const chromiumPath = "/usr/bin/chromium";
const gate = browserGate(chromiumPath, existsSync(chromiumPath), process.env);
// Thrown as the test file loads: the file fails at once, before its setup deploys anything.
if (gate.verdict === "fail") throw new Error(gate.message);
if (gate.verdict === "skip") console.warn(gate.message);
/** True only when the browser is missing and SLIPWAY_TEST_ALLOW_NO_BROWSER=1 allows that. */
export const skipBrowserTests = gate.verdict === "skip";

export interface RunningDashboard {
  readonly url: string;
  readonly process: RunningSlipway;
  stop(): Promise<void>;
}

/** `slipway ui` through the installed binary, on a free port; resolves once it listens. */
export async function startDashboard(config: string, ...args: string[]): Promise<RunningDashboard> {
  const process = startSlipway(config, "ui", "--port", "0", ...args);
  await process.until(/slipway ui: https?:\/\/\S+/);
  const url = /slipway ui: (https?:\/\/\S+)/.exec(process.stderr())?.[1] ?? "";
  return {
    url,
    process,
    async stop() {
      process.child.kill("SIGTERM");
      await process.exited;
    },
  };
}

export const launchBrowser = (): Promise<Browser> =>
  chromium.launch({ executablePath: chromiumPath, args: ["--no-sandbox"] });

/** Screenshots the dashboard guide (docs/guides/dashboard.md) shows, made by the test run so they stay current. */
export async function screenshot(page: Page, name: string): Promise<void> {
  const dir = join(repoRoot, "docs", "screenshots");
  mkdirSync(dir, { recursive: true });
  await page.screenshot({ path: join(dir, `${name}.png`), fullPage: true });
}

/** A guard against a hang, not a speed limit: the update path must work on a loaded machine. */
export const liveUpdateGuard = 120_000;

/** Waits until an element matching `selector` shows `text` (vitest has no Playwright matchers). */
export async function waitForText(
  page: Page,
  selector: string,
  text: string | RegExp,
  timeout = liveUpdateGuard,
): Promise<string> {
  const found = page.locator(selector).filter({ hasText: text }).first();
  try {
    await found.waitFor({ timeout });
  } catch (error) {
    // Say what the page showed, and what the server would draw now: a stale cache and an
    // update that never reached the page are different bugs.
    const shown = await page
      .locator("main")
      .innerText()
      .catch(() => "(no page)");
    const fresh = await fetch(page.url())
      .then((r) => r.text())
      .catch(() => "(no answer)");
    throw new Error(
      `${(error as Error).message}\n--- the page showed:\n${shown.slice(0, 3000)}\n--- the server draws now:\n${fresh
        .replace(/<[^>]+>/g, " ")
        .replace(/\s+/g, " ")
        .slice(0, 3000)}`,
    );
  }
  return found.innerText();
}
