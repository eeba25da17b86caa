/**
 * Slipway's audit convention. Each audited call has one index family, `http_logs_<call>-<day>-<n>`;
 * services write to the call's write alias `http_logs_<call>`; Slipway owns the index template
 * `slipway-audit-<call>`, the alias and the rollovers. The request is kept under one field, so the
 * call's request schema decides that field's mapping and nothing else in the document changes.
 */

export interface AuditNames {
  readonly call: string;
  /** Writers write here; it points at exactly one write index. */
  readonly alias: string;
  /** Every index of the family: searching it finds documents of every version. */
  readonly pattern: string;
  readonly template: string;
  /** The first index, as date math: the day it was created, then a counter rollovers increase. */
  readonly firstIndex: string;
}

/** `prefix` separates environments that share one search server ("dev-"); empty by default. */
export function auditNames(call: string, prefix = ""): AuditNames {
  const alias = `${prefix}http_logs_${call}`;
  return {
    call,
    alias,
    pattern: `${alias}-*`,
    template: `slipway-audit-${prefix}${call}`,
    firstIndex: `<${alias}-{now/d{yyyy.MM.dd|UTC}}-000001>`,
  };
}

/** The fields every audit document has beside the request. */
export const envelopeProperties = {
  "@timestamp": { type: "date" },
  call: { type: "keyword" },
  user: { type: "keyword" },
  status: { type: "integer" },
  duration_ms: { type: "long" },
  /** The version that served the call: a canary is judged against the stable version by it. */
  version: { type: "keyword" },
} as const;

/** The field holding the request, mapped from the call's request schema. */
export const requestField = "request";

/**
 * Index settings of every audit index. ignore_malformed keeps a document whose value does not
 * fit the mapping (the old version, still writing during a rollout, after a type change) instead
 * of rejecting it: the value stays in _source, only unindexed.
 */
export const auditIndexSettings = { "index.mapping.ignore_malformed": true } as const;
