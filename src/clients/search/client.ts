/**
 * A thin client for the REST API that Elasticsearch 7.10+/8 and OpenSearch 2 share (index
 * templates, aliases, rollover, mappings). Not the official @elastic/elasticsearch client: its
 * product check refuses OpenSearch, and its current major needs Node 22.
 */
import { fetchFailure } from "../fetch-failure.ts";

export class SearchError extends Error {
  constructor(
    message: string,
    readonly status?: number,
  ) {
    super(message);
    this.name = "SearchError";
  }
}

export interface SearchResponse<T> {
  readonly status: number;
  readonly body: T;
}

export interface SearchClientOptions {
  /** Basic auth, else an API key; from SLIPWAY_SEARCH_USERNAME/PASSWORD or SLIPWAY_SEARCH_API_KEY. */
  readonly username?: string;
  readonly password?: string;
  readonly apiKey?: string;
  readonly timeoutMs?: number;
}

export class SearchClient {
  /** Requests sent, for the benchmarks and tests that count them. */
  requests = 0;
  private readonly base: string;
  private readonly authorization?: string;

  constructor(
    url: string,
    private readonly options: SearchClientOptions = {},
  ) {
    this.base = url.replace(/\/+$/, "");
    if (options.apiKey) this.authorization = `ApiKey ${options.apiKey}`;
    else if (options.username !== undefined)
      this.authorization = `Basic ${Buffer.from(`${options.username}:${options.password ?? ""}`).toString("base64")}`;
  }

  /** Credentials come from the environment, never from definitions (which are committed). */
  static fromEnvironment(url: string, env: NodeJS.ProcessEnv = process.env): SearchClient {
    return new SearchClient(url, {
      ...(env.SLIPWAY_SEARCH_USERNAME ? { username: env.SLIPWAY_SEARCH_USERNAME } : {}),
      ...(env.SLIPWAY_SEARCH_PASSWORD ? { password: env.SLIPWAY_SEARCH_PASSWORD } : {}),
      ...(env.SLIPWAY_SEARCH_API_KEY ? { apiKey: env.SLIPWAY_SEARCH_API_KEY } : {}),
    });
  }

  get url(): string {
    return this.base;
  }

  /**
   * Sends one request. Statuses listed in `allow` come back as a response (a 404 is often an
   * answer, not an error); any other non-2xx status is a SearchError quoting the server's reason.
   */
  async request<T>(
    method: "GET" | "PUT" | "POST" | "DELETE" | "HEAD",
    path: string,
    body?: unknown,
    allow: readonly number[] = [],
  ): Promise<SearchResponse<T>> {
    this.requests++;
    const timeoutMs = this.options.timeoutMs ?? 15_000;
    let response: Response;
    try {
      response = await fetch(`${this.base}${path}`, {
        method,
        headers: {
          accept: "application/json",
          ...(body === undefined ? {} : { "content-type": "application/json" }),
          ...(this.authorization ? { authorization: this.authorization } : {}),
        },
        ...(body === undefined ? {} : { body: JSON.stringify(body) }),
        signal: AbortSignal.timeout(timeoutMs),
      });
    } catch (error) {
      throw new SearchError(
        `search server unreachable at ${this.base} (${method} ${path}): ${fetchFailure(error, timeoutMs)}`,
      );
    }
    const text = method === "HEAD" ? "" : await response.text();
    let parsed: unknown = undefined;
    if (text) {
      try {
        parsed = JSON.parse(text);
      } catch {
        parsed = text;
      }
    }
    if (response.ok || allow.includes(response.status)) return { status: response.status, body: parsed as T };
    if (response.status === 401 || response.status === 403)
      throw new SearchError(
        `search server at ${this.base} refused ${method} ${path} (${response.status}): check SLIPWAY_SEARCH_USERNAME/PASSWORD or SLIPWAY_SEARCH_API_KEY`,
        response.status,
      );
    throw new SearchError(
      `search server at ${this.base}: ${method} ${path} failed (${response.status}): ${reason(parsed)}`,
      response.status,
    );
  }
}

/** The server's own words: Elasticsearch and OpenSearch nest them in error.root_cause. */
function reason(body: unknown): string {
  if (typeof body === "string") return body.slice(0, 300);
  const error = (body as { error?: { type?: string; reason?: string; caused_by?: { reason?: string } } })
    ?.error;
  if (error && typeof error === "object")
    return [error.type, error.reason, error.caused_by?.reason].filter(Boolean).join(": ");
  return JSON.stringify(body)?.slice(0, 300) ?? "(no body)";
}
