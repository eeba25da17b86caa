import type { SearchClient } from "../clients/search/client.ts";
import { auditNames } from "./convention.ts";
import type { FieldMapping } from "./mapping.ts";

export interface LiveMapping {
  readonly dynamic?: string | boolean;
  readonly properties?: Readonly<Record<string, FieldMapping>>;
}

export interface LiveTemplate {
  readonly version?: number;
  readonly meta: Readonly<Record<string, unknown>>;
  readonly patterns: readonly string[];
  readonly mappings?: LiveMapping;
}

/** What the search server holds for one call's audit index family. */
export interface LiveAuditCall {
  readonly call: string;
  readonly template?: LiveTemplate;
  /** Indices behind the write alias, oldest first. */
  readonly indices: readonly string[];
  readonly writeIndex?: string;
  readonly writeMapping?: LiveMapping;
}

interface TemplatesBody {
  index_templates?: {
    name: string;
    index_template: {
      index_patterns: string[];
      version?: number;
      _meta?: Record<string, unknown>;
      template?: { mappings?: LiveMapping };
    };
  }[];
}

type AliasesBody = Record<string, { aliases?: Record<string, { is_write_index?: boolean }> }>;

/**
 * Reads the templates, aliases and write-index mappings of the given calls: three requests,
 * however many calls. Throws a SearchError when the server cannot be read, so a plan that needs
 * it stops before anything is written anywhere.
 */
export async function readLiveAudit(
  client: SearchClient,
  calls: readonly string[],
  prefix = "",
): Promise<Map<string, LiveAuditCall>> {
  const result = new Map<string, LiveAuditCall>();
  if (calls.length === 0) return result;
  const names = calls.map((call) => auditNames(call, prefix));
  const [templates, aliases] = await Promise.all([
    client.request<TemplatesBody>("GET", "/_index_template/slipway-audit-*", undefined, [404]),
    client.request<AliasesBody>("GET", `/_alias/${encodeURIComponent(prefix)}http_logs_*`, undefined, [404]),
  ]);
  const templateByName = new Map(
    (templates.status === 200 ? (templates.body.index_templates ?? []) : []).map((t) => [
      t.name,
      t.index_template,
    ]),
  );
  const behind = new Map<string, { index: string; write: boolean }[]>();
  if (aliases.status === 200)
    for (const [index, entry] of Object.entries(aliases.body)) {
      for (const [alias, options] of Object.entries(entry?.aliases ?? {})) {
        const list = behind.get(alias) ?? [];
        list.push({ index, write: options.is_write_index === true });
        behind.set(alias, list);
      }
    }
  const writeIndices = new Map<string, string>();
  for (const n of names) {
    const members = (behind.get(n.alias) ?? []).sort((a, b) => a.index.localeCompare(b.index));
    // An alias over a single index writes to it even without the is_write_index flag.
    const write = members.find((m) => m.write) ?? (members.length === 1 ? members[0] : undefined);
    if (write) writeIndices.set(n.call, write.index);
  }
  const mappings =
    writeIndices.size === 0
      ? {}
      : (
          await client.request<Record<string, { mappings?: LiveMapping }>>(
            "GET",
            `/${[...new Set(writeIndices.values())].map(encodeURIComponent).join(",")}/_mapping`,
          )
        ).body;
  for (const n of names) {
    const template = templateByName.get(n.template);
    const writeIndex = writeIndices.get(n.call);
    const writeMapping = writeIndex ? mappings[writeIndex]?.mappings : undefined;
    result.set(n.call, {
      call: n.call,
      ...(template
        ? {
            template: {
              ...(template.version !== undefined ? { version: template.version } : {}),
              meta: template._meta ?? {},
              patterns: template.index_patterns,
              ...(template.template?.mappings ? { mappings: template.template.mappings } : {}),
            },
          }
        : {}),
      indices: (behind.get(n.alias) ?? []).map((m) => m.index).sort(),
      ...(writeIndex ? { writeIndex } : {}),
      ...(writeMapping ? { writeMapping } : {}),
    });
  }
  return result;
}
