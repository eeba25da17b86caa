import { existsSync, readFileSync, writeFileSync } from "node:fs";
import { join } from "node:path";
import { defaultLayout, type Layout } from "./layout.ts";
import { adminKubeconfigPath, apiserverUrl, contextName } from "./parts/kube-identities.ts";
import { elasticsearchUrl } from "./parts/elasticsearch.ts";
import { registryHost } from "./parts/registry.ts";
import { readSecrets, type PlatformSecrets } from "./secrets.ts";
import { host, ports } from "./versions.ts";

/** How to reach the running platform: written by `up`, read by tests, the demo and `env`. No secrets. */
export interface PlatformConnection {
  readonly kubeconfig: string;
  readonly context: string;
  readonly apiserver: string;
  readonly caCert: string;
  readonly registry: string;
  readonly postgres: { readonly host: string; readonly port: number };
  readonly elasticsearch: string;
}

const connectionPath = (layout: Layout): string => join(layout.stateDir, "platform.json");

export function writeConnection(layout: Layout): PlatformConnection {
  const connection: PlatformConnection = {
    kubeconfig: adminKubeconfigPath({ layout }),
    context: contextName,
    apiserver: apiserverUrl,
    caCert: join(layout.stateDir, "pki", "ca.crt"),
    registry: registryHost,
    postgres: { host, port: ports.postgres },
    elasticsearch: elasticsearchUrl,
  };
  writeFileSync(connectionPath(layout), JSON.stringify(connection, null, 2) + "\n");
  return connection;
}

/** The connection plus credentials, for tests and tools on this machine. */
export function loadPlatform(
  layout: Layout = defaultLayout(),
): PlatformConnection & { readonly secrets: PlatformSecrets } {
  const path = connectionPath(layout);
  const secrets = readSecrets(layout);
  if (!existsSync(path) || !secrets) {
    throw new Error(`the local platform is not up (no ${path}); run: npm run platform -- up`);
  }
  return { ...(JSON.parse(readFileSync(path, "utf8")) as PlatformConnection), secrets };
}
