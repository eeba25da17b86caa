import { execFileSync } from "node:child_process";
import { mkdirSync, writeFileSync } from "node:fs";
import { join } from "node:path";
import { stringify } from "yaml";
import { httpGet } from "../process/http-probe.ts";
import { partDir, type Layout } from "../layout.ts";
import { host, ports } from "../versions.ts";
import type { PlatformSecrets } from "../secrets.ts";
import type { Part } from "./part.ts";

export const registryHost = `${host}:${ports.registry}`;

/** A DOCKER_CONFIG folder whose config.json holds the registry's credentials (0600). */
export const dockerConfigDir = (layout: Layout): string => join(layout.stateDir, "docker");

export function writeDockerConfig(layout: Layout, secrets: PlatformSecrets): void {
  const auth = Buffer.from(`${secrets.registryUser}:${secrets.registryPassword}`).toString("base64");
  mkdirSync(dockerConfigDir(layout), { recursive: true, mode: 0o700 });
  writeFileSync(
    join(dockerConfigDir(layout), "config.json"),
    JSON.stringify({ auths: { [registryHost]: { auth } } }, null, 2) + "\n",
    { mode: 0o600 },
  );
}
const registryBinary = "/usr/bin/docker-registry";

/** Debian's Distribution registry with htpasswd authentication: pushing and pulling need credentials. */
export const registry: Part = {
  name: "registry",
  install: "apt-get install docker-registry (scripts/setup.sh installs it)",
  tools: [{ path: "htpasswd", install: "apt-get install apache2-utils (scripts/setup.sh installs it)" }],
  address: `http://${registryHost}`,
  ports: [ports.registry],
  dependsOn: [],
  startTimeoutMs: 20_000,
  async prepare(ctx) {
    const dir = partDir(ctx.layout, "registry");
    mkdirSync(join(dir, "data"), { recursive: true });
    // bcrypt entry; the password goes through stdin, never the command line.
    const entry = execFileSync("htpasswd", ["-niB", ctx.secrets.registryUser], {
      input: `${ctx.secrets.registryPassword}\n`,
      encoding: "utf8",
    });
    writeFileSync(join(dir, "htpasswd"), entry.trim() + "\n", { mode: 0o600 });
    const config = {
      version: 0.1,
      log: { level: "info", accesslog: { disabled: false } },
      storage: { filesystem: { rootdirectory: join(dir, "data") }, delete: { enabled: true } },
      http: { addr: registryHost, secret: ctx.secrets.registryPassword.slice(0, 16) },
      auth: { htpasswd: { realm: "slipway-local", path: join(dir, "htpasswd") } },
    };
    writeFileSync(join(dir, "config.yml"), stringify(config), { mode: 0o600 });
  },
  launch(ctx) {
    return {
      executable: registryBinary,
      args: ["serve", join(partDir(ctx.layout, "registry"), "config.yml")],
    };
  },
  async healthy(ctx) {
    // 401 without credentials proves it is up and refuses anonymous access.
    const anonymous = await httpGet(`http://${registryHost}/v2/`);
    if (anonymous.status !== 401) return false;
    const authed = await httpGet(`http://${registryHost}/v2/`, {
      basic: { user: ctx.secrets.registryUser, password: ctx.secrets.registryPassword },
    });
    return authed.status === 200;
  },
  async version() {
    const out = execFileSync(registryBinary, ["--version"], { encoding: "utf8" }).trim();
    return out.split(/\s+/).at(-1) ?? out;
  },
};
