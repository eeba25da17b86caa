import type { Cluster } from "../clients/kubernetes/cluster.ts";
import type { EnvironmentModel } from "../definitions/model.ts";
import { journalOf } from "../procedure/deploy-journal.ts";
import { lockName } from "../procedure/lock.ts";
import { ReleaseRecordCache } from "../status/record-cache.ts";
import type { ReleaseRecord } from "../release/record.ts";
import { ReleaseStore } from "../release/store.ts";
import {
  deployProgressFrom,
  jobsWithLogs,
  readJobLogs,
  releasesToRead,
  type DeployProgress,
} from "../status/deploy-progress.ts";
import { summariesOf } from "../status/objects.ts";
import type { PlatformCache } from "../status/platform-cache.ts";

/**
 * The live deploy view of each environment, computed by deploy-progress.ts from the cache's
 * objects. Beyond the shared watches it reads only the full records of the deploy's own
 * services, once per change of each (their Secret's resourceVersion), and the logs of a
 * migration Job that runs or failed; once per cache change, however many pages show it.
 */
export class DeployProgressSource {
  private readonly records = new ReleaseRecordCache();
  private computed: { generation: number; byEnv: Map<string, Promise<DeployProgress>> } = {
    generation: -1,
    byEnv: new Map(),
  };

  constructor(
    private readonly cache: PlatformCache,
    private readonly clusterFor: (env: EnvironmentModel) => Cluster,
  ) {}

  progress(env: EnvironmentModel): Promise<DeployProgress> {
    const snapshot = this.cache.snapshot();
    if (this.computed.generation !== snapshot.generation)
      this.computed = { generation: snapshot.generation, byEnv: new Map() };
    let found = this.computed.byEnv.get(env.name);
    if (!found) {
      found = this.compute(env);
      this.computed.byEnv.set(env.name, found);
    }
    return found;
  }

  private async compute(env: EnvironmentModel): Promise<DeployProgress> {
    const here = this.cache.snapshot().environments.find((e) => e.env.name === env.name);
    const namespace = env.cluster.namespace;
    const kinds = here?.kinds;
    const secrets = kinds?.releases.objects ?? [];
    const releases = summariesOf(secrets);
    const journal = kinds?.journals.objects.find(
      (o) => o.metadata?.labels?.["slipway.dev/record"] === "deploy",
    );
    const lease = kinds?.leases.objects.find((l) => l.metadata?.name === lockName);
    const cluster = this.clusterFor(env);
    const store = new ReleaseStore(cluster, namespace);
    const first = deployProgressFrom({
      environment: env.name,
      namespace,
      releases,
      records: [],
      deployments: kinds?.deployments.objects ?? [],
      jobs: kinds?.jobs.objects ?? [],
      ...(journal ? { journal } : {}),
      ...(lease ? { lease } : {}),
    });
    if (!journal) return first;
    const wanted = releasesToRead(journalOf(journal), releases);
    const records = await Promise.all(
      wanted.map(({ service, revision }) =>
        this.records.get(env.name, secrets, store, service, revision).catch(() => undefined),
      ),
    );
    const snapshot = {
      environment: env.name,
      namespace,
      releases,
      records: records.filter((r): r is ReleaseRecord => r !== undefined),
      deployments: kinds?.deployments.objects ?? [],
      jobs: kinds?.jobs.objects ?? [],
      journal,
      ...(lease ? { lease } : {}),
    };
    const withRecords = deployProgressFrom(snapshot);
    const logged = jobsWithLogs(withRecords);
    if (!logged.length) return withRecords;
    const logs = await readJobLogs(cluster, namespace, logged).catch(() => undefined);
    return logs ? deployProgressFrom({ ...snapshot, logs }) : withRecords;
  }
}
