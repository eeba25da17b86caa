import { mkdirSync, readFileSync, renameSync, writeFileSync } from "node:fs";
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

/** A kubeconfig of several clusters, token users and contexts. */
export interface KubeconfigEntries {
  readonly clusters: readonly {
    readonly name: string;
    readonly server: string;
    readonly caCertPath: string;
  }[];
  readonly users: readonly { readonly name: string; readonly token: string }[];
  readonly contexts: readonly {
    readonly name: string;
    readonly cluster: string;
    readonly user: string;
    readonly namespace?: string;
  }[];
  readonly currentContext: string;
}

/** The kubeconfig text, with each CA embedded so the file stands alone. */
export function renderKubeconfigEntries(entries: KubeconfigEntries): string {
  return stringify({
    apiVersion: "v1",
    kind: "Config",
    clusters: entries.clusters.map((c) => ({
      name: c.name,
      cluster: {
        server: c.server,
        "certificate-authority-data": readFileSync(c.caCertPath).toString("base64"),
      },
    })),
    users: entries.users.map((u) => ({ name: u.name, user: { token: u.token } })),
    contexts: entries.contexts.map((c) => ({
      name: c.name,
      context: { cluster: c.cluster, user: c.user, ...(c.namespace ? { namespace: c.namespace } : {}) },
    })),
    "current-context": entries.currentContext,
  });
}

/** The kubeconfig text for one token identity. */
export function renderKubeconfig(spec: KubeconfigSpec): string {
  return renderKubeconfigEntries({
    clusters: [{ name: spec.context, server: spec.server, caCertPath: spec.caCertPath }],
    users: [{ name: spec.user, token: spec.token }],
    contexts: [
      {
        name: spec.context,
        cluster: spec.context,
        user: spec.user,
        ...(spec.namespace ? { namespace: spec.namespace } : {}),
      },
    ],
    currentContext: spec.context,
  });
}

/**
 * Writes a kubeconfig (mode 0600) under a temporary name and renames it into place, so a
 * reader never sees half a file; an unchanged file is left alone.
 */
export function writeKubeconfigText(path: string, text: string): void {
  mkdirSync(dirname(path), { recursive: true });
  try {
    if (readFileSync(path, "utf8") === text) return;
  } catch {
    // no file yet
  }
  const temporary = `${path}.${process.pid}.tmp`;
  writeFileSync(temporary, text, { mode: 0o600 });
  renameSync(temporary, path);
}

export function writeKubeconfig(path: string, spec: KubeconfigSpec): void {
  writeKubeconfigText(path, renderKubeconfig(spec));
}
