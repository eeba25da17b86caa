import { SearchError, type SearchClient } from "../clients/search/client.ts";
import { compareMappings, matches } from "./compare.ts";
import { auditIndexSettings } from "./convention.ts";
import { readLiveAudit } from "./live.ts";
import type { AuditCallPlan } from "./plan.ts";

export interface AuditCallResult {
  readonly call: string;
  readonly writeIndex: string;
  readonly templateVersion: number;
  readonly message: string;
}

/** Above the built-in templates (priority 100 and below) that a broad pattern might also match. */
const templatePriority = 200;

/**
 * Brings one call's audit index family to its plan, then reads it back and verifies it. Every
 * step is safe to repeat, and the plan is rebuilt from the server each time, so a run that
 * failed halfway converges when run again.
 */
export async function applyAuditCall(
  client: SearchClient,
  plan: AuditCallPlan,
  /** Told once the change is made, before it is read back and verified. */
  onChanged?: (message: string) => void,
): Promise<AuditCallResult> {
  const { names } = plan;
  if (plan.putTemplate)
    await client.request("PUT", `/_index_template/${encodeURIComponent(names.template)}`, {
      index_patterns: [names.pattern],
      priority: templatePriority,
      version: plan.templateVersion,
      _meta: { managed_by: "slipway", call: plan.call, service: plan.service, schema_hash: plan.schemaHash },
      template: { settings: auditIndexSettings, mappings: plan.expected },
    });
  let done: string;
  switch (plan.change) {
    case "create": {
      const created = await client.request<{ index: string }>(
        "PUT",
        `/${encodeURIComponent(names.firstIndex)}`,
        { aliases: { [names.alias]: { is_write_index: true } } },
      );
      done = `created ${created.body.index} behind ${names.alias}`;
      break;
    }
    case "in-place":
      if (plan.added.length && plan.writeIndex)
        await client.request("PUT", `/${encodeURIComponent(plan.writeIndex)}/_mapping`, plan.expected);
      done = plan.added.length
        ? `added ${plan.added.join(", ")} to ${plan.writeIndex}`
        : `template ${names.template} is now v${plan.templateVersion}`;
      break;
    case "roll-over": {
      const rolled = await client.request<{ old_index: string; new_index: string }>(
        "POST",
        `/${encodeURIComponent(names.alias)}/_rollover`,
        {},
      );
      done = `rolled ${names.alias} over from ${rolled.body.old_index} to ${rolled.body.new_index} (${rolled.body.old_index} keeps its mapping and documents)`;
      break;
    }
    case "none":
      done = "nothing to change";
  }
  onChanged?.(done);
  return { call: plan.call, ...(await verifyAuditCall(client, plan)), message: done };
}

/** Reads the family back: the write index and the template must both carry the expected mapping. */
export async function verifyAuditCall(
  client: SearchClient,
  plan: AuditCallPlan,
): Promise<{ writeIndex: string; templateVersion: number }> {
  const live = (await readLiveAudit(client, [plan.call], plan.prefix)).get(plan.call);
  const problem = (what: string): SearchError =>
    new SearchError(`audit index of ${plan.call} does not match after the update: ${what}`);
  if (!live?.writeIndex) throw problem(`alias ${plan.names.alias} has no write index`);
  const write = compareMappings(plan.expected.properties, live.writeMapping?.properties);
  if (!matches(write))
    throw problem(
      `${live.writeIndex}: ${[
        ...write.conflicts.map((c) => `${c.field} is ${c.live}, expected ${c.expected}`),
        ...write.missing.map((f) => `${f} missing`),
      ].join(", ")}`,
    );
  if (live.template?.meta.schema_hash !== plan.schemaHash)
    throw problem(`template ${plan.names.template} does not carry the schema's hash ${plan.schemaHash}`);
  return { writeIndex: live.writeIndex, templateVersion: live.template.version ?? plan.templateVersion };
}
