import { mkdirSync } from "node:fs";
import { join } from "node:path";
import { httpGet } from "../process/http-probe.ts";
import { partDir } from "../layout.ts";
import { host } from "../versions.ts";
import { partName, type ControlPlane } from "./control-plane.ts";
import { goBuilt, requireBinaries, type Part } from "./part.ts";

/** A control plane's etcd: its own member, data folder and ports. */
export function etcdPart(plane: ControlPlane): Part {
  const name = partName(plane, "etcd");
  const clientUrl = `http://${host}:${plane.ports.etcdClient}`;
  const peerUrl = `http://${host}:${plane.ports.etcdPeer}`;
  const member = plane.name === "local" ? "slipway" : `slipway-${plane.name}`;
  return {
    name,
    install: goBuilt("etcd"),
    address: clientUrl,
    ports: [plane.ports.etcdClient, plane.ports.etcdPeer],
    dependsOn: [],
    startTimeoutMs: 30_000,
    async prepare(ctx) {
      mkdirSync(join(partDir(ctx.layout, name), "data"), { recursive: true, mode: 0o700 });
    },
    launch(ctx) {
      const dataDir = `--data-dir=${join(partDir(ctx.layout, name), "data")}`;
      return {
        executable: requireBinaries(ctx).etcd,
        // Every plane runs the same binary: a live PID is ours only if it has our data folder.
        marker: dataDir,
        args: [
          `--name=${member}`,
          dataDir,
          `--listen-client-urls=${clientUrl}`,
          `--advertise-client-urls=${clientUrl}`,
          `--listen-peer-urls=${peerUrl}`,
          `--initial-advertise-peer-urls=${peerUrl}`,
          `--initial-cluster=${member}=${peerUrl}`,
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
}
