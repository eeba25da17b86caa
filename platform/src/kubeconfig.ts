import { mkdirSync, readFileSync, writeFileSync } from "node:fs";
import { dirname } from "node:path";
import { stringify } from "yaml";

export interface KubeconfigSpec {
  readonly server: string;
  readonly caCertPath: string;
  readonly user: string;
  readonly token: string;
  readonly context: string;
  readonly namespace?: string;
}

/** The kubeconfig text for one token identity, with the CA embedded so the file stands alone. */
export function renderKubeconfig(spec: KubeconfigSpec): string {
  return stringify({
    apiVersion: "v1",
    kind: "Config",
    clusters: [
      {
        name: spec.context,
        cluster: {
          server: spec.server,
          "certificate-authority-data": readFileSync(spec.caCertPath).toString("base64"),
        },
      },
    ],
    users: [{ name: spec.user, user: { token: spec.token } }],
    contexts: [
      {
        name: spec.context,
        context: {
          cluster: spec.context,
          user: spec.user,
          ...(spec.namespace ? { namespace: spec.namespace } : {}),
        },
      },
    ],
    "current-context": spec.context,
  });
}

export function writeKubeconfig(path: string, spec: KubeconfigSpec): void {
  mkdirSync(dirname(path), { recursive: true });
  writeFileSync(path, renderKubeconfig(spec), { mode: 0o600 });
}
