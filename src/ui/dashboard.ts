import type { Cluster } from "../clients/kubernetes/cluster.ts";
import type { SearchClient } from "../clients/search/client.ts";
import type { EnvironmentModel, ProjectModel } from "../definitions/model.ts";
import type { PlatformCache } from "../status/platform-cache.ts";
import type { SessionStore } from "./sessions.ts";

/** Everything the dashboard's routes need: one bag, built by `slipway ui`. */
export interface Dashboard {
  readonly project: ProjectModel;
  readonly environments: readonly EnvironmentModel[];
  readonly cache: PlatformCache;
  readonly clusterFor: (env: EnvironmentModel) => Cluster;
  readonly searchFor: (env: EnvironmentModel) => SearchClient | undefined;
  readonly readOnly: boolean;
  /** The form token when nobody signs in (one per server start). */
  readonly csrf: string;
  /** The Host values this server answers to (its address and port, localhost's too). */
  readonly hosts: readonly string[];
  /**
   * With sign-in: every page needs a session, and every action runs with the signed-in
   * person's own token. Without: one person on loopback, acting as the kubeconfig's identity.
   */
  readonly sessions?: SessionStore;
  /** Served over TLS: the session cookie is then `Secure`. */
  readonly secure: boolean;
}
