import { createHash } from "node:crypto";
import type { KubernetesObject } from "@kubernetes/client-node";
import type { Cluster } from "../clients/kubernetes/cluster.ts";
import { KubernetesApiError } from "../clients/kubernetes/request.ts";

/** One failure as an incident: the same service, version and step failing again is the same one. */
export interface Incident {
  readonly key: string;
  readonly service: string;
  readonly firstSeen: string;
  readonly lastSeen: string;
  readonly count: number;
  /** The message that alerted it. */
  readonly messageId: string;
  /** The last message that saw it: a message asked twice counts once. */
  readonly lastMessageId?: string;
  /** When a message before the last one saw it last: how recent the repeat is. */
  readonly priorSeen?: string;
}

export interface IncidentSeen {
  readonly key: string;
  readonly count: number;
  readonly firstSeen: string;
  /** Every failure of this message was already alerted by another message within the book's window. */
  readonly repeat: boolean;
  /** For a repeat: the longest time since one of its failures was seen by an earlier message. */
  readonly sinceMs?: number;
}

export const incidentsName = "slipway.incidents";
// Like the deploy journal: managed-by (import leaves it out), no part-of (never pruned, never drift).
const labels = { "app.kubernetes.io/managed-by": "slipway", "slipway.dev/record": "incidents" } as const;

type ConfigMap = KubernetesObject & { data?: Record<string, string> };

export const incidentKey = (f: { service: string; version: string; step: string }): string =>
  `${f.service}@${f.version}:${f.step}`;

// ConfigMap keys allow [-._a-zA-Z0-9] only: the key is hashed, and kept inside the value.
const dataKey = (key: string): string => createHash("sha256").update(key).digest("hex").slice(0, 32);

/**
 * The environment's open incidents, in a ConfigMap so that separate processes (a retried CI job,
 * two people) agree on what was already alerted. Writes use the object's resourceVersion: two
 * writers that race both see the other's entry after a retry.
 */
export class IncidentBook {
  constructor(
    private readonly cluster: Cluster,
    private readonly namespace: string,
    private readonly windowMs: number,
  ) {}

  /** Counts the failures of one message; a repeat when another message saw each within the window. */
  async seen(
    failures: readonly { service: string; version: string; step: string }[],
    messageId: string,
    now = new Date(),
  ): Promise<IncidentSeen> {
    const keys = [...new Set(failures.map(incidentKey))];
    let result: IncidentSeen = {
      key: keys.join(", "),
      count: 1,
      firstSeen: now.toISOString(),
      repeat: false,
    };
    await this.change((data) => {
      let repeat = keys.length > 0;
      let sinceMs = 0;
      let count = 1;
      let firstSeen = now.toISOString();
      for (const key of keys) {
        const known = parse(data[dataKey(key)]);
        const open = known && now.getTime() - Date.parse(known.lastSeen) <= this.windowMs ? known : undefined;
        if (!open || open.messageId === messageId) repeat = false;
        const again = (open?.lastMessageId ?? open?.messageId) === messageId;
        const prior = again ? (open?.priorSeen ?? open?.lastSeen) : open?.lastSeen;
        if (prior) sinceMs = Math.max(sinceMs, now.getTime() - Date.parse(prior));
        const incident: Incident = open
          ? {
              ...open,
              lastSeen: now.toISOString(),
              count: open.count + (again ? 0 : 1),
              lastMessageId: messageId,
              ...(prior ? { priorSeen: prior } : {}),
            }
          : {
              key,
              service: key.split("@")[0] ?? key,
              firstSeen: now.toISOString(),
              lastSeen: now.toISOString(),
              count: 1,
              messageId,
            };
        data[dataKey(key)] = JSON.stringify(incident);
        count = Math.max(count, incident.count);
        if (incident.firstSeen < firstSeen) firstSeen = incident.firstSeen;
      }
      result = { key: keys.join(", "), count, firstSeen, repeat, ...(repeat ? { sinceMs } : {}) };
    });
    return result;
  }

  /** A service deployed: its incidents are over, so its next failure alerts again. */
  async resolve(services: readonly string[]): Promise<void> {
    if (!services.length) return;
    const map = (await this.cluster.get("ConfigMap", incidentsName, this.namespace)) as ConfigMap | undefined;
    const gone = Object.entries(map?.data ?? {}).filter(([, v]) =>
      services.includes(parse(v)?.service ?? ""),
    );
    if (!gone.length) return;
    await this.change((data) => {
      for (const [k, v] of Object.entries(data))
        if (services.includes(parse(v)?.service ?? "")) delete data[k];
    });
  }

  /** Read, change, write with the read's resourceVersion; again on a conflict. */
  private async change(edit: (data: Record<string, string>) => void): Promise<void> {
    for (let attempt = 0; ; attempt++) {
      const current = (await this.cluster.get("ConfigMap", incidentsName, this.namespace)) as
        ConfigMap | undefined;
      const data = { ...(current?.data ?? {}) };
      edit(data);
      try {
        if (current) await this.cluster.replace({ ...current, data } as ConfigMap);
        else
          await this.cluster.create({
            apiVersion: "v1",
            kind: "ConfigMap",
            metadata: { name: incidentsName, namespace: this.namespace, labels },
            data,
          } as ConfigMap);
        return;
      } catch (error) {
        if (!(error instanceof KubernetesApiError && error.status === 409) || attempt >= 8) throw error;
      }
    }
  }
}

function parse(text: string | undefined): Incident | undefined {
  if (!text) return undefined;
  try {
    return JSON.parse(text) as Incident;
  } catch {
    return undefined;
  }
}
