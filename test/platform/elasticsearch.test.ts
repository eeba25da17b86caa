import { afterAll, describe, expect, it } from "vitest";
import { platform, uniqueName } from "../support/platform.ts";

async function es<T>(method: string, path: string, body?: unknown): Promise<{ status: number; json: T }> {
  const response = await fetch(`${platform.elasticsearch}${path}`, {
    method,
    headers: { "content-type": "application/json" },
    body: body === undefined ? undefined : JSON.stringify(body),
  });
  return { status: response.status, json: (await response.json()) as T };
}

describe("local Elasticsearch", () => {
  const family = uniqueName("http_logs_smoke");
  afterAll(async () => {
    await es("DELETE", `/${family}-000001`);
    await es("DELETE", `/_index_template/${family}`);
  });

  it("gives a new index the mapping of the index template it matches", async () => {
    const mapping = {
      properties: {
        "@timestamp": { type: "date" },
        call: { type: "keyword" },
        request: { properties: { path: { type: "keyword" }, size: { type: "long" } } },
      },
    };
    const put = await es("PUT", `/_index_template/${family}`, {
      index_patterns: [`${family}-*`],
      template: { settings: { number_of_replicas: 0 }, mappings: mapping },
      version: 1,
      _meta: { owner: "slipway-smoke" },
    });
    expect(put.status).toBe(200);
    const created = await es("PUT", `/${family}-000001`, { aliases: { [family]: { is_write_index: true } } });
    expect(created.status).toBe(200);
    const live = await es<Record<string, { mappings: unknown }>>("GET", `/${family}-000001/_mapping`);
    expect(live.json[`${family}-000001`]?.mappings).toEqual(mapping);
    const doc = await es("POST", `/${family}/_doc?refresh=true`, {
      "@timestamp": "2026-11-26T10:00:00Z",
      call: "files.browse",
      request: { path: "/a", size: 3 },
    });
    expect(doc.status).toBe(201);
  });
});
