/**
 * Whether the dashboard's browser tests run. A missing browser fails them: CI installs chromium
 * (scripts/setup.sh), so a run without it would end green having tried nothing. Only a variable
 * named for the purpose lets them skip, and the skip is said.
 */
export const allowNoBrowser = "SLIPWAY_TEST_ALLOW_NO_BROWSER";

export type BrowserGate =
  { readonly verdict: "run" } | { readonly verdict: "skip" | "fail"; readonly message: string };

export function browserGate(
  browserPath: string,
  present: boolean,
  env: Readonly<Record<string, string | undefined>>,
): BrowserGate {
  if (present) return { verdict: "run" };
  const missing = `the dashboard's browser tests need ${browserPath}, which is missing`;
  if (env[allowNoBrowser] === "1")
    return { verdict: "skip", message: `skipping them: ${missing}, and ${allowNoBrowser}=1 allows that` };
  return {
    verdict: "fail",
    message: `${missing}: install it (scripts/setup.sh, or apt-get install chromium), or set ${allowNoBrowser}=1 to skip them`,
  };
}
