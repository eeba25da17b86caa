import { createHash } from "node:crypto";
import type { KubernetesObject } from "@kubernetes/client-node";
import type { Cluster } from "../clients/kubernetes/cluster.ts";

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

  async get(service: string, version: string): Promise<Signoff | undefined> {
    const object = (await this.cluster.get("ConfigMap", objectName(service, version), this.namespace)) as
      (KubernetesObject & { data?: Record<string, string> }) | undefined;
    const text = object?.data?.[dataKey];
    return text ? (JSON.parse(text) as Signoff) : undefined;
  }

  /** Records a signoff; a second one for the same version replaces the first (who and when change). */
  async put(signoff: Signoff): Promise<void> {
    const object = {
      apiVersion: "v1",
      kind: "ConfigMap",
      metadata: {
        name: objectName(signoff.service, signoff.version),
        namespace: this.namespace,
        labels: { [signoffLabel]: signoff.service },
      },
      data: { [dataKey]: JSON.stringify(signoff, null, 2) },
    };
    const existing = await this.cluster.get("ConfigMap", object.metadata.name, this.namespace);
    if (existing)
      await this.cluster.replace({
        ...object,
        metadata: { ...object.metadata, resourceVersion: existing.metadata?.resourceVersion },
      });
    else await this.cluster.create(object);
  }
}
