import { existsSync, readFileSync, renameSync, writeFileSync } from "node:fs";
import { join } from "node:path";
import { defaultLayout, type Layout } from "./layout.ts";
import { controlPlanes, pkiDir, pkiIn, type AdminContext } from "./parts/control-plane.ts";
import { adminKubeconfigPath, apiserverUrl, contextName } from "./parts/kube-identities.ts";
import { elasticsearchUrl } from "./parts/elasticsearch.ts";
import { dockerConfigDir, registryHost, writeDockerConfig } from "./parts/registry.ts";
import { jenkinsCredentialsPath, jenkinsStandInUrl } from "./parts/jenkins-stand-in.ts";
import { mailApiUrl } from "./parts/mailpit.ts";
import { readSecrets, type PlatformSecrets } from "./secrets.ts";
import { host, ports } from "./versions.ts";
import { realNode } from "./parts/node/network.ts";
import { podFacingUrl } from "./parts/node/platform-services.ts";

/** One context of the admin kubeconfig: the API server it reaches and the CA that signed it. */
export interface ClusterConnection {
  readonly context: string;
  readonly server: string;
  readonly caCert: string;
}

/** How to reach the running platform: written by `up`, read by tests, the demo and `env`. No secrets. */
export interface PlatformConnection {
  readonly kubeconfig: string;
  /** The first control plane (context `local`); `clusters` has every context. */
  readonly context: string;
  readonly apiserver: string;
  readonly caCert: string;
  /** `local` and `k3s`: the first control plane; `rancher` and `edge`: the second and third, independent clusters. */
  readonly clusters: Readonly<Record<AdminContext, ClusterConnection>>;
  readonly registry: string;
  readonly postgres: { readonly host: string; readonly port: number };
  readonly elasticsearch: string;
  /** The Jenkins stand-in, and the {user, token} file SLIPWAY_JENKINS_CREDENTIALS names. */
  readonly jenkins: { readonly url: string; readonly credentialsFile: string };
  /** Mailpit: SMTP without TLS (any user and password accepted), and the HTTP API that lists received mail. */
  readonly mail: { readonly smtp: { readonly host: string; readonly port: number }; readonly api: string };
  /**
   * The first plane's real node: pods that should run as processes select it and tolerate its
   * taint; they reach PostgreSQL at `postgres` (the node's address, as Secrets give it to both
   * pods and this machine) and Elasticsearch by name.
   */
  readonly realNode: {
    readonly name: string;
    readonly address: string;
    readonly selector: Readonly<Record<string, string>>;
    readonly toleration: { readonly key: string; readonly operator: "Exists"; readonly effect: "NoSchedule" };
    readonly postgres: { readonly host: string; readonly port: number };
    readonly elasticsearch: string;
  };
  /** A Docker config (DOCKER_CONFIG) holding the registry's credentials: clients read it, nothing prints them. */
  readonly dockerConfig: string;
}

const connectionPath = (layout: Layout): string => join(layout.stateDir, "platform.json");

export function writeConnection(layout: Layout): PlatformConnection {
  const clusters = Object.fromEntries(
    controlPlanes.flatMap((plane) =>
      plane.contexts.map((context) => [
        context,
        { context, server: plane.apiserverUrl, caCert: pkiIn(pkiDir(layout, plane.name)).caCert },
      ]),
    ),
  ) as PlatformConnection["clusters"];
  const connection: PlatformConnection = {
    kubeconfig: adminKubeconfigPath({ layout }),
    context: contextName,
    apiserver: apiserverUrl,
    caCert: clusters.local.caCert,
    clusters,
    registry: registryHost,
    postgres: { host, port: ports.postgres },
    elasticsearch: elasticsearchUrl,
    jenkins: { url: jenkinsStandInUrl, credentialsFile: jenkinsCredentialsPath(layout) },
    mail: { smtp: { host, port: ports.mailSmtp }, api: mailApiUrl },
    dockerConfig: dockerConfigDir(layout),
    realNode: {
      name: realNode.name,
      address: realNode.address,
      selector: { [realNode.label.key]: realNode.label.value },
      toleration: { key: realNode.taint.key, operator: "Exists", effect: realNode.taint.effect },
      postgres: { host: realNode.address, port: ports.postgres },
      elasticsearch: podFacingUrl("search"),
    },
  };
  // Renamed into place: tests elsewhere may be reading it right now.
  const path = connectionPath(layout);
  const temporary = `${path}.${process.pid}.tmp`;
  writeFileSync(temporary, JSON.stringify(connection, null, 2) + "\n");
  renameSync(temporary, path);
  const secrets = readSecrets(layout);
  if (secrets) writeDockerConfig(layout, secrets);
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
