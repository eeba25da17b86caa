import { createHash } from "node:crypto";
import type { Cluster } from "../clients/kubernetes/cluster.ts";
import {
  readJsonConfigMap,
  writeJsonConfigMap,
  type JsonConfigMapRef,
} from "../clients/kubernetes/json-config-map.ts";
import { ReleaseStore } from "./store.ts";

/** Someone tested a deployed version by hand in an environment and said so. */
export interface Signoff {
  readonly service: string;
  readonly version: string;
  /** The image digest that was deployed when it was signed off: promotion requires the same one. */
  readonly digest?: string;
  readonly by: string;
  readonly at: string;
  readonly note: string;
}

const signoffLabel = "slipway.dev/signoff-of";
const dataKey = "signoff.json";

/**
 * A ConfigMap per service version. Not labelled managed-by=slipway: those are the objects a
 * deploy renders and prunes, and a signoff must outlive every deploy.
 */
const objectName = (service: string, version: string): string => {
  const safe = `${service}.${version}`.toLowerCase().replace(/[^a-z0-9.-]/g, "-");
  const hash = createHash("sha256").update(`${service}\0${version}`).digest("hex").slice(0, 8);
  return `slipway.signoff.${safe}`.slice(0, 230) + `.${hash}`;
};

export class SignoffStore {
  constructor(
    private readonly cluster: Cluster,
    private readonly namespace: string,
  ) {}

  private ref(service: string, version: string): JsonConfigMapRef {
    return { namespace: this.namespace, name: objectName(service, version), key: dataKey };
  }

  get(service: string, version: string): Promise<Signoff | undefined> {
    return readJsonConfigMap<Signoff>(this.cluster, this.ref(service, version));
  }

  /** Records a signoff; a second one for the same version replaces the first (who and when change). */
  put(signoff: Signoff): Promise<void> {
    return writeJsonConfigMap(this.cluster, this.ref(signoff.service, signoff.version), signoff, {
      [signoffLabel]: signoff.service,
    });
  }
}

export type SignoffResult =
  | { readonly ok: true; readonly signoff: Signoff; readonly revision: number; readonly said: string }
  | { readonly ok: false; readonly refusal: string };

/**
 * `slipway signoff` as a function, shared by the CLI and the dashboard: only a version that
 * ran successfully in the environment can be signed off, and the sign-off records the digest
 * it ran as. `by` is the kubeconfig's identity (procedure/identity.ts `deployer`).
 */
export async function signOff(
  cluster: Cluster,
  environment: { readonly name: string; readonly namespace: string },
  request: { readonly service: string; readonly version: string; readonly note: string; readonly by: string },
): Promise<SignoffResult> {
  const { service, version } = request;
  const releases = new ReleaseStore(cluster, environment.namespace);
  const deployed = (await releases.summaries(service)).find(
    (s) => s.version === version && (s.status === "deployed" || s.status === "superseded"),
  );
  if (!deployed)
    return {
      ok: false,
      refusal: `${service} ${version} was never deployed successfully to ${environment.name}: only a version that ran there can be signed off`,
    };
  const record = await releases.get(service, deployed.revision);
  const digest = record.digests[service];
  const signoff: Signoff = {
    service,
    version,
    ...(digest ? { digest } : {}),
    by: request.by,
    at: new Date().toISOString(),
    note: request.note.trim(),
  };
  await new SignoffStore(cluster, environment.namespace).put(signoff);
  return {
    ok: true,
    signoff,
    revision: deployed.revision,
    said: `signed off ${service} ${version} in ${environment.name} (revision ${deployed.revision}${digest ? `, ${digest}` : ""}) by ${signoff.by}`,
  };
}
