import { ensureCosign } from "../../platform/src/build/binaries.ts";
import { defaultLayout } from "../../platform/src/layout.ts";
import { up } from "../../platform/src/platform.ts";
import { stderrProgress } from "../../platform/src/progress.ts";

/**
 * Brings the local platform up once per test run (a platform already up is reused as is), and
 * builds cosign (cached after the first run) for the tests that hold Slipway's signatures to it.
 */
export default async function setup(): Promise<void> {
  await up();
  await ensureCosign(defaultLayout().cacheDir, stderrProgress);
}
