#!/usr/bin/env node
// Runs the compiled CLI (dist/, built by `npm run build`). esbuild is loaded later, and only by
// the commands that read a project's TypeScript definitions.
import { existsSync } from "node:fs";
import { URL } from "node:url";

const main = new URL("../dist/cli/main.js", import.meta.url);
if (!existsSync(main)) {
  process.stderr.write("slipway: dist/ is missing; run `npm run build` in the repository first\n");
  process.exit(2);
}
// `npm run slipway -- ...` runs us from the package root; work from where the user typed it.
if (process.env.npm_lifecycle_event === "slipway" && process.env.INIT_CWD)
  process.chdir(process.env.INIT_CWD);
await import(main.href);
