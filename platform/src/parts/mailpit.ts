import { mkdirSync } from "node:fs";
import { join } from "node:path";
import { partDir, type Layout } from "../layout.ts";
import { httpGet } from "../process/http-probe.ts";
import { host, ports, versions } from "../versions.ts";
import { goBuilt, requireBinaries, type Part, type PartContext } from "./part.ts";

export const mailApiUrl = `http://${host}:${ports.mailHttp}/`;

/** Mailpit's command line: SMTP and its HTTP API on loopback, its messages in a folder of its own. */
export function mailpitArgs(options: {
  readonly smtpPort: number;
  readonly httpPort: number;
  readonly dataDir: string;
}): string[] {
  return [
    "--smtp",
    `${host}:${options.smtpPort}`,
    "--listen",
    `${host}:${options.httpPort}`,
    "--database",
    join(options.dataDir, "mailpit.db"),
    // A local catch-all: any user and password, without TLS (the password's path is still exercised).
    "--smtp-auth-accept-any",
    "--smtp-auth-allow-insecure",
    // Offline: no update check, no lookups.
    "--disable-version-check",
    "--smtp-disable-rdns",
    "--quiet",
  ];
}

const dataDir = (layout: Layout): string => join(partDir(layout, "mailpit"), "data");

/**
 * Mailpit, a real SMTP server with an HTTP API to read what it received: the mail server the
 * notification tests send to. Built from source with the Go module proxy, as the other Go parts.
 */
export const mailpit: Part = {
  name: "mailpit",
  install: goBuilt("mailpit"),
  address: `smtp://${host}:${ports.mailSmtp} (API ${mailApiUrl})`,
  ports: [ports.mailSmtp, ports.mailHttp],
  dependsOn: [],
  startTimeoutMs: 30_000,
  async prepare(ctx) {
    mkdirSync(dataDir(ctx.layout), { recursive: true });
  },
  launch(ctx: PartContext) {
    return {
      executable: requireBinaries(ctx).mailpit,
      args: mailpitArgs({ smtpPort: ports.mailSmtp, httpPort: ports.mailHttp, dataDir: dataDir(ctx.layout) }),
    };
  },
  async healthy() {
    return (await httpGet(`${mailApiUrl}readyz`)).status === 200;
  },
  async version() {
    const info = await httpGet(`${mailApiUrl}api/v1/info`);
    return (JSON.parse(info.body) as { Version?: string }).Version ?? versions.mailpit;
  },
};
