import { mkdirSync } from "node:fs";
import { join } from "node:path";
import { httpGet } from "../process/http-probe.ts";
import { partDir } from "../layout.ts";
import { host, ports } from "../versions.ts";
import { requireBinaries, type Part } from "./part.ts";

const clientUrl = `http://${host}:${ports.etcdClient}`;
const peerUrl = `http://${host}:${ports.etcdPeer}`;

export const etcd: Part = {
  name: "etcd",
  address: clientUrl,
  ports: [ports.etcdClient, ports.etcdPeer],
  dependsOn: [],
  startTimeoutMs: 30_000,
  async prepare(ctx) {
    mkdirSync(join(partDir(ctx.layout, "etcd"), "data"), { recursive: true, mode: 0o700 });
  },
  launch(ctx) {
    const dir = partDir(ctx.layout, "etcd");
    return {
      executable: requireBinaries(ctx).etcd,
      args: [
        "--name=slipway",
        `--data-dir=${join(dir, "data")}`,
        `--listen-client-urls=${clientUrl}`,
        `--advertise-client-urls=${clientUrl}`,
        `--listen-peer-urls=${peerUrl}`,
        `--initial-advertise-peer-urls=${peerUrl}`,
        `--initial-cluster=slipway=${peerUrl}`,
        "--listen-metrics-urls=",
        // A throwaway local store: durability per write is not worth the latency here.
        "--unsafe-no-fsync",
        "--log-level=warn",
      ],
    };
  },
  async healthy() {
    const res = await httpGet(`${clientUrl}/health`);
    return res.status === 200 && (JSON.parse(res.body) as { health?: string }).health === "true";
  },
  async version() {
    const res = await httpGet(`${clientUrl}/version`);
    return `v${(JSON.parse(res.body) as { etcdserver: string }).etcdserver}`;
  },
};
