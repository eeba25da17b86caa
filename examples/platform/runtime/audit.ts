// One audit entry per call into the call's write alias, by Slipway's convention
// (src/audit/convention.ts): the envelope fields, the request under its field, and the version.
// A refused entry is logged and counted; it never fails the caller's response.
import { auditNames, requestField } from "../../../src/audit/convention.ts";

export interface AuditEntry {
  readonly call: string;
  readonly user: string;
  readonly status: number;
  readonly started: Date;
  readonly durationMs: number;
  readonly request: unknown;
}

export interface AuditStats {
  written: number;
  rejected: number;
  lastError: string | null;
}

export class AuditWriter {
  readonly stats: AuditStats = { written: 0, rejected: 0, lastError: null };
  readonly #pending = new Set<Promise<void>>();

  constructor(
    private readonly url: string,
    private readonly prefix: string,
    private readonly version: string,
    private readonly warn: (line: string) => void,
    private readonly fetchImpl: typeof fetch = fetch,
  ) {}

  /** The document for one call, as it is indexed. */
  document(entry: AuditEntry): Record<string, unknown> {
    return {
      "@timestamp": entry.started.toISOString(),
      call: entry.call,
      user: entry.user,
      status: entry.status,
      duration_ms: Math.round(entry.durationMs),
      [requestField]: entry.request ?? {},
      version: this.version,
    };
  }

  /** Writes the entry; resolves once it is written or refused, never rejects. */
  write(entry: AuditEntry): Promise<void> {
    const done = this.#send(entry).finally(() => this.#pending.delete(done));
    this.#pending.add(done);
    return done;
  }

  /** Waits for the entries still being written (at shutdown). */
  async flush(): Promise<void> {
    await Promise.all([...this.#pending]);
  }

  async #send(entry: AuditEntry): Promise<void> {
    const alias = auditNames(entry.call, this.prefix).alias;
    // require_alias: without the alias Slipway creates, the server would make an index of
    // that name, and the next rollover could not put the alias there.
    const target = `${this.url}/${encodeURIComponent(alias)}/_doc?require_alias=true`;
    let reason: string;
    try {
      const response = await this.fetchImpl(target, {
        method: "POST",
        headers: { "content-type": "application/json" },
        body: JSON.stringify(this.document(entry)),
        signal: AbortSignal.timeout(5000),
      });
      const text = await response.text();
      if (response.ok) {
        this.stats.written++;
        return;
      }
      reason = `${response.status} ${searchReason(text)}`;
    } catch (error) {
      reason = `cannot reach ${this.url}: ${(error as Error).message}`;
    }
    this.stats.rejected++;
    this.stats.lastError = `${entry.call} → ${alias}: ${reason}`;
    this.warn(`audit: the entry of ${entry.call} was not written to ${alias}: ${reason}`);
  }
}

/** The search server's reason for refusing a document, from its error body. */
export function searchReason(body: string): string {
  try {
    const error = (JSON.parse(body) as { error?: unknown }).error;
    if (typeof error === "string") return error;
    if (error && typeof error === "object") {
      const e = error as { type?: string; reason?: string; caused_by?: { type?: string; reason?: string } };
      const cause = e.caused_by?.reason ? ` (caused by ${e.caused_by.type}: ${e.caused_by.reason})` : "";
      return `${e.type}: ${e.reason}${cause}`;
    }
  } catch {
    // not JSON: the text itself
  }
  return body.trim().slice(0, 300) || "no reason given";
}
