import { randomBytes } from "node:crypto";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { Cluster } from "../../src/clients/kubernetes/cluster.ts";
import type { ReleaseRecord } from "../../src/release/record.ts";
import { ReleaseStore } from "../../src/release/store.ts";
import { kube, platform, withNamespace } from "../support/platform.ts";

const cluster = Cluster.open("local", platform.kubeconfig);
let ns: Awaited<ReturnType<typeof withNamespace>>;
beforeAll(async () => {
  ns = await withNamespace("releases");
});
afterAll(async () => ns?.remove());

const record = (revision: number, payload: string): ReleaseRecord => ({
  service: "files",
  environment: "dev",
  revision,
  version: `1.${revision}.0`,
  digests: {},
  status: "deployed",
  objects: [
    { apiVersion: "v1", kind: "ConfigMap", metadata: { name: "big" }, data: { blob: payload } } as never,
  ],
  objectsHash: "x",
  calls: [],
  checks: [],
  steps: [],
  deployedBy: "test",
  commit: "abc",
  startedAt: new Date().toISOString(),
  description: `deploy 1.${revision}.0`,
});

describe("release records in the cluster", () => {
  it("stores a release far over the API's 1 MiB object limit, split and compressed, and reads it back", async () => {
    const store = new ReleaseStore(cluster, ns.name);
    // Random bytes do not compress: ~3 MiB stored.
    const payload = randomBytes(2 * 1024 * 1024).toString("base64");
    await store.create(record(1, payload));
    const back = await store.get("files", 1);
    expect((back.objects[0] as unknown as { data: { blob: string } }).data.blob).toBe(payload);
    const secrets = await kube
      .core()
      .listNamespacedSecret({ namespace: ns.name, labelSelector: "slipway.dev/service=files" });
    expect(secrets.items.length).toBeGreaterThan(4);
    for (const s of secrets.items)
      expect(Buffer.from(s.data?.release ?? "", "base64").length).toBeLessThan(1024 * 1024);
    expect((await store.summaries("files")).map((s) => s.revision)).toEqual([1]);
  });

  it("a write torn between the parts and the main Secret leaves the previous record readable", async () => {
    const store = new ReleaseStore(cluster, ns.name);
    const before = randomBytes(1024 * 1024).toString("base64");
    const after = randomBytes(1024 * 1024).toString("base64");
    const big = (payload: string, status: ReleaseRecord["status"]): ReleaseRecord => ({
      ...record(20, payload),
      service: "big",
      status,
    });
    await store.create(big(before, "pending"));
    // What a deploy killed in the middle of store.update leaves: the new parts, the old main.
    await store.writeParts(big(after, "deployed"));
    const read = await store.get("big", 20);
    expect(read.status).toBe("pending");
    expect((read.objects[0] as unknown as { data: { blob: string } }).data.blob).toBe(before);
    // The next write completes, and leaves only its own parts.
    await store.update(big(after, "deployed"));
    const done = await store.get("big", 20);
    expect(done.status).toBe("deployed");
    expect((done.objects[0] as unknown as { data: { blob: string } }).data.blob).toBe(after);
    const secrets = await kube.core().listNamespacedSecret({
      namespace: ns.name,
      labelSelector: "slipway.dev/service=big,slipway.dev/revision=20",
    });
    const main = secrets.items.find((x) => x.metadata?.labels?.["slipway.dev/record"] === "release");
    const parts = Number(main?.metadata?.annotations?.["slipway.dev/parts"]);
    expect(parts).toBeGreaterThan(1);
    expect(secrets.items).toHaveLength(parts);
  });

  it("keeps at most ten revisions, never the deployed one", async () => {
    const store = new ReleaseStore(cluster, ns.name);
    for (let revision = 2; revision <= 13; revision++) {
      await store.create({
        ...record(revision, "small"),
        status: revision === 3 ? "deployed" : "superseded",
      });
    }
    await store.update({ ...record(1, "small"), status: "superseded" });
    // Told how many revisions it has (a deploy read them under the lock): ten or fewer need no LIST.
    const before = cluster.requests;
    expect(await store.trim("files", 10)).toBe(0);
    expect(cluster.requests).toBe(before);
    expect(await store.trim("files")).toBe(2);
    const kept = (await store.summaries("files")).map((s) => s.revision);
    expect(kept).toEqual([13, 12, 11, 10, 9, 8, 7, 6, 5, 4, 3].filter((r) => r >= 4 || r === 3));
    expect(kept).toContain(3);
    expect(kept).not.toContain(1);
    expect(kept).not.toContain(2);
    // Revision 1 shrank to one part, then went: no part Secret of it is left behind.
    const left = await kube.core().listNamespacedSecret({
      namespace: ns.name,
      labelSelector: "slipway.dev/service=files,slipway.dev/revision=1",
    });
    expect(left.items).toEqual([]);
  });
});
