import { randomBytes } from "node:crypto";
import { existsSync, mkdirSync, readFileSync, writeFileSync } from "node:fs";
import { createRequire } from "node:module";
import { join } from "node:path";
import { pathToFileURL } from "node:url";
import { partDir, type Layout } from "../layout.ts";
import { httpGet } from "../process/http-probe.ts";
import { platformRoot } from "../repo.ts";
import { host } from "../versions.ts";
import type { Part } from "./part.ts";

/** The port the example platform's `ci.url` names. */
export const jenkinsStandInPort = 28080;
export const jenkinsStandInUrl = `http://${host}:${jenkinsStandInPort}/`;

/** {user, token}: the shape SLIPWAY_JENKINS_CREDENTIALS reads, so the file is passed as is. */
export const jenkinsCredentialsPath = (layout: Layout): string =>
  join(partDir(layout, "jenkins-stand-in"), "credentials.json");

export function readJenkinsCredentials(layout: Layout): { user: string; token: string } | undefined {
  const path = jenkinsCredentialsPath(layout);
  return existsSync(path)
    ? (JSON.parse(readFileSync(path, "utf8")) as { user: string; token: string })
    : undefined;
}

/**
 * A stand-in for Jenkins, which cannot run on these machines: it serves Jenkins' JSON API shapes
 * for the builds that scripts/build-images.ts reports, the way a Jenkins job would have run them.
 */
export const jenkinsStandIn: Part = {
  name: "jenkins-stand-in",
  install: "it is the Node.js running this (process.execPath)",
  address: jenkinsStandInUrl,
  ports: [jenkinsStandInPort],
  dependsOn: [],
  startTimeoutMs: 30_000,
  async prepare(ctx) {
    mkdirSync(partDir(ctx.layout, "jenkins-stand-in"), { recursive: true });
    if (!readJenkinsCredentials(ctx.layout))
      writeFileSync(
        jenkinsCredentialsPath(ctx.layout),
        JSON.stringify({ user: "slipway", token: randomBytes(24).toString("hex") }) + "\n",
        { mode: 0o600 },
      );
  },
  launch(ctx) {
    const tsx = pathToFileURL(createRequire(import.meta.url).resolve("tsx")).href;
    return {
      executable: process.execPath,
      args: [
        "--import",
        tsx,
        join(platformRoot, "src", "stand-ins", "jenkins-main.ts"),
        String(jenkinsStandInPort),
        partDir(ctx.layout, "jenkins-stand-in"),
      ],
    };
  },
  async healthy(ctx) {
    const credentials = readJenkinsCredentials(ctx.layout);
    if (!credentials) return false;
    const response = await httpGet(`${jenkinsStandInUrl}api/json`, {
      basic: { user: credentials.user, password: credentials.token },
    });
    return response.status === 200;
  },
  async version() {
    return "stand-in (Jenkins JSON API shapes)";
  },
};
