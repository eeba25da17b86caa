import type { SearchClient } from "../clients/search/client.ts";
import type { CallContract } from "../definitions/model.ts";
import { applyAuditCall } from "./apply.ts";
import { readLiveAudit } from "./live.ts";
import { planAuditCall } from "./plan.ts";

/**
 * Brings the audit indices of a release's audited calls to that release's request schemas, as a
 * rollback needs: the version that runs again writes its own request type. Returns what changed.
 */
export async function syncAuditIndices(
  client: SearchClient,
  service: string,
  calls: readonly CallContract[],
  prefix?: string,
): Promise<string[]> {
  const audited = calls.filter((c) => c.audited);
  if (audited.length === 0) return [];
  const live = await readLiveAudit(
    client,
    audited.map((c) => c.name),
    prefix,
  );
  const changed: string[] = [];
  for (const call of audited) {
    const plan = planAuditCall(service, call, live.get(call.name), prefix);
    if (plan.change === "none" && !plan.putTemplate) continue;
    changed.push(`${call.name}: ${(await applyAuditCall(client, plan)).message}`);
  }
  return changed;
}
