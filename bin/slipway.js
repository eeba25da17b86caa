#!/usr/bin/env node
// Runs the TypeScript CLI through tsx, so definitions and Slipway share one loader.
import { register } from "tsx/esm/api";

register();
// `npm run slipway -- ...` runs us from the package root; work from where the user typed it.
if (process.env.npm_lifecycle_event === "slipway" && process.env.INIT_CWD)
  process.chdir(process.env.INIT_CWD);
await import("../src/cli/main.ts");
