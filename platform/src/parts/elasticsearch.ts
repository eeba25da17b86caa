import { chownSync, cpSync, existsSync, mkdirSync, writeFileSync } from "node:fs";
import { join } from "node:path";
import { stringify } from "yaml";
import { PlatformError } from "../errors.ts";
import { httpGet } from "../process/http-probe.ts";
import { partDir } from "../layout.ts";
import { host, ports } from "../versions.ts";
import type { Part, PartContext } from "./part.ts";
import { realNode } from "./node/network.ts";

export const elasticsearchUrl = `http://${host}:${ports.elasticsearchHttp}`;

function javaHome(): string {
  const candidates = [
    process.env.SLIPWAY_JAVA_HOME,
    "/usr/lib/jvm/java-17-openjdk-amd64",
    process.env.JAVA_HOME,
    "/usr/lib/jvm/temurin-25-jdk-amd64",
  ];
  const found = candidates.find((dir): dir is string => !!dir && existsSync(join(dir, "bin", "java")));
  if (!found) {
    throw new PlatformError("elasticsearch", "no Java runtime found for Elasticsearch", {
      hint: "install a JDK 17+ or set SLIPWAY_JAVA_HOME",
    });
  }
  return found;
}

const chownTree = (ctx: PartContext, ...paths: string[]): void => {
  for (const path of paths) {
    mkdirSync(path, { recursive: true });
    chownSync(path, ctx.serviceUser.uid, ctx.serviceUser.gid);
  }
};

/** A real single-node Elasticsearch, security off, bound to loopback only. */
export const elasticsearch: Part = {
  name: "elasticsearch",
  install:
    "`npm run platform -- up` downloads it from Maven Central into the cache (a missing one is fetched again)",
  address: elasticsearchUrl,
  ports: [ports.elasticsearchHttp, ports.elasticsearchTransport],
  dependsOn: [],
  startTimeoutMs: 180_000,
  async prepare(ctx) {
    if (!ctx.elasticsearchHome) throw new Error("internal: Elasticsearch is not installed in this context");
    const dir = partDir(ctx.layout, "elasticsearch");
    const config = join(dir, "config");
    if (!existsSync(join(config, "jvm.options")))
      cpSync(join(ctx.elasticsearchHome, "config"), config, { recursive: true });
    const settings = {
      "cluster.name": "slipway-local",
      "node.name": "slipway-search",
      "network.host": host,
      // Pods on the real node write audit entries over its bridge; transport stays on loopback.
      "http.host": [host, realNode.address],
      "http.publish_host": host,
      "http.port": ports.elasticsearchHttp,
      "transport.port": ports.elasticsearchTransport,
      "discovery.type": "single-node",
      "xpack.security.enabled": false,
      "path.data": join(dir, "data"),
      "path.logs": join(dir, "logs"),
      // One node: replicas could never be assigned and every index would stay yellow.
      "cluster.routing.allocation.disk.threshold_enabled": false,
      "action.destructive_requires_name": true,
    };
    writeFileSync(join(config, "elasticsearch.yml"), stringify(settings));
    chownTree(ctx, dir, config, join(dir, "data"), join(dir, "logs"), join(dir, "tmp"));
    for (const file of ["elasticsearch.yml", "jvm.options", "log4j2.properties"]) {
      if (existsSync(join(config, file)))
        chownSync(join(config, file), ctx.serviceUser.uid, ctx.serviceUser.gid);
    }
    if (existsSync(join(config, "jvm.options.d"))) chownTree(ctx, join(config, "jvm.options.d"));
  },
  launch(ctx) {
    if (!ctx.elasticsearchHome) throw new Error("internal: Elasticsearch is not installed in this context");
    const dir = partDir(ctx.layout, "elasticsearch");
    return {
      executable: join(ctx.elasticsearchHome, "bin", "elasticsearch"),
      asServiceUser: true,
      // The start script execs Java; the distribution's path stays on its command line.
      marker: ctx.elasticsearchHome,
      args: [],
      env: {
        PATH: process.env.PATH,
        ES_JAVA_HOME: javaHome(),
        ES_PATH_CONF: join(dir, "config"),
        ES_TMPDIR: join(dir, "tmp"),
        ES_JAVA_OPTS: "-Xms512m -Xmx512m",
      },
    };
  },
  async healthy() {
    const res = await httpGet(`${elasticsearchUrl}/_cluster/health`);
    if (res.status !== 200) return false;
    const status = (JSON.parse(res.body) as { status?: string }).status;
    return status === "green" || status === "yellow";
  },
  async version() {
    const res = await httpGet(`${elasticsearchUrl}/_nodes/_local?filter_path=nodes.*.version`);
    const nodes = (JSON.parse(res.body) as { nodes?: Record<string, { version: string }> }).nodes ?? {};
    return `Elasticsearch ${Object.values(nodes)[0]?.version ?? "unknown"}`;
  },
};
