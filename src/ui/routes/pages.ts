import type { EnvironmentModel } from "../../definitions/model.ts";
import type { ReleaseRecord } from "../../release/record.ts";
import { ReleaseStore } from "../../release/store.ts";
import { buildMatrix } from "../../status/matrix.ts";
import { signoffsOf, summariesOf } from "../../status/objects.ts";
import { ReleaseRecordCache } from "../../status/record-cache.ts";
import { diffRevisions, timelineEntry } from "../../status/timeline.ts";
import type { Dashboard } from "../dashboard.ts";
import { DeployProgressSource } from "../deploy-progress-source.ts";
import { resultPage } from "../views/actions.ts";
import { deploysFragment, deploysPage } from "../views/deploys.ts";
import { matrixFragment, matrixPage } from "../views/matrix.ts";
import { diffPage, timelinePage } from "../views/timeline.ts";
import { notFound, type DashboardApp, type RouteKit } from "./kit.ts";
import { live } from "./live.ts";

/** The pages that only read: the matrix, the live deploys, a service's timeline and a diff. */
export function registerPages(app: DashboardApp, d: Dashboard, { ctx, render, envNamed }: RouteKit): void {
  const snapshotOf = (env: EnvironmentModel) =>
    d.cache.snapshot().environments.find((e) => e.env.name === env.name);
  const records = new ReleaseRecordCache();
  const record = (env: EnvironmentModel, service: string, revision: number): Promise<ReleaseRecord> =>
    records.get(
      env.name,
      snapshotOf(env)?.kinds.releases.objects ?? [],
      new ReleaseStore(d.clusterFor(env), env.cluster.namespace),
      service,
      revision,
    );

  app.get("/", (c) => render(c, "Matrix", matrixPage(buildMatrix(d.cache.snapshot()), ctx)));
  app.get("/events/matrix", (c) =>
    live(c, d.cache, () => matrixFragment(buildMatrix(d.cache.snapshot()), ctx)),
  );
  const progress = new DeployProgressSource(d.cache, d.clusterFor);
  const allProgress = () => Promise.all(d.environments.map((e) => progress.progress(e)));
  app.get("/deploys", async (c) => render(c, "Live deploys", deploysPage(await allProgress())));
  app.get("/events/deploys", (c) => live(c, d.cache, async () => deploysFragment(await allProgress())));

  app.get("/services/:name", async (c) => {
    const service = c.req.param("name");
    const env = envNamed(c.req.query("env"));
    if (!env)
      return render(c, "Not found", resultPage(notFound(`no environment ${c.req.query("env")}`)), 404);
    if (!(d.project.services.get(env.name) ?? []).some((s) => s.spec.name === service))
      return render(c, "Not found", resultPage(notFound(`no service ${service} in ${env.name}`)), 404);
    const snap = snapshotOf(env);
    const summaries = summariesOf(snap?.kinds.releases.objects ?? []).filter((s) => s.service === service);
    const signoffs = signoffsOf(snap?.kinds.signoffs.objects ?? []);
    const full = await Promise.all(summaries.map((s) => record(env, service, s.revision)));
    const deployed = summaries.find((s) => s.status === "deployed");
    return render(
      c,
      `${service} in ${env.name}`,
      timelinePage({
        service,
        env: env.name,
        environments: d.environments.map((e) => e.name),
        entries: full.map((r) => timelineEntry(r, signoffs)),
        ...(deployed ? { deployedRevision: deployed.revision } : {}),
        readOnly: d.readOnly,
      }),
    );
  });

  app.get("/services/:name/diff", async (c) => {
    const service = c.req.param("name");
    const env = envNamed(c.req.query("env"));
    const from = Number(c.req.query("from"));
    const to = Number(c.req.query("to"));
    const summaries = env
      ? summariesOf(snapshotOf(env)?.kinds.releases.objects ?? []).filter((s) => s.service === service)
      : [];
    const a = summaries.find((s) => s.revision === from);
    const b = summaries.find((s) => s.revision === to);
    if (!env || !a || !b)
      return render(
        c,
        "Not found",
        resultPage(notFound(`${service} has no revisions ${from} and ${to}`)),
        404,
      );
    const diff = diffRevisions(
      await record(env, service, a.revision),
      await record(env, service, b.revision),
    );
    return render(c, `${service}: r${from} → r${to}`, diffPage(service, env.name, from, to, diff));
  });
}
