import { formatPlan, plain } from "../../output/plan.ts";
import { listedPlanFor } from "../../deploy/listed-plan.ts";
import { sessionActingIn } from "../../plan/plan-for-session.ts";
import { approveAndDeploy } from "../../promotion/approve-and-deploy.ts";
import { readPromotionReleases } from "../../promotion/basis.ts";
import { promotableServices, requestPromotion } from "../../promotion/promote.ts";
import { PromotionStore } from "../../promotion/request.ts";
import type { Dashboard } from "../dashboard.ts";
import { html } from "../html.ts";
import { confirmPage, resultPage } from "../views/actions.ts";
import { promotionsPage } from "../views/promotions.ts";
import { notFound, type DashboardApp, type RouteKit } from "./kit.ts";

/** The pending promotions, and their request and approval. */
export function registerPromotions(
  app: DashboardApp,
  d: Dashboard,
  { render, envNamed, actionsOff, checkPost }: RouteKit,
): void {
  // Promotions: read with the dashboard's identity like every page; approved with the person's.
  app.get("/promotions", async (c) => {
    const environments = await Promise.all(
      d.environments
        .filter((e) => e.approval && e.promotion)
        .map(async (e) => ({
          name: e.name,
          from: e.promotion?.from ?? "",
          approvers: e.approval?.approvers ?? [],
          required: e.approval?.required ?? 1,
          promotions: await new PromotionStore(d.clusterFor(e), e.cluster.namespace, e.name).list(),
        })),
    );
    return render(c, "Promotions", promotionsPage({ environments, readOnly: d.readOnly }));
  });
  app.get("/actions/promote", (c) => {
    if (d.readOnly) return actionsOff(c);
    const env = envNamed(c.req.query("env") ?? "");
    if (!env?.approval || !env.promotion)
      return render(c, "Not found", resultPage(notFound(`${c.req.query("env")} takes no promotions`)), 404);
    return render(
      c,
      "Request a promotion",
      confirmPage({
        title: `Request a promotion from ${env.promotion.from} to ${env.name}`,
        explain: `Plans ${env.name} for every service that runs another version or image in ${env.promotion.from} than in ${env.name}, exactly as ${env.promotion.from} runs it, with ${env.name}'s parameters, and keeps the request in ${env.name} for an approver: nothing is deployed now. It is refused while a check fails (a version not signed off in ${env.promotion.from}, a tag pushed again, ...).`,
        action: "/actions/promote",
        csrf: c.get("actor").csrf,
        fields: { env: env.name },
        back: "/promotions",
        confirm: "Request the promotion",
      }),
    );
  });
  app.post("/actions/promote", async (c) => {
    const form = await checkPost(c);
    if (form instanceof Response) return form;
    const env = envNamed(form.env ?? "");
    const from = d.project.environments.find((e) => e.name === env?.promotion?.from);
    if (!env?.approval || !from)
      return render(c, "Refused", resultPage(notFound(`${form.env} takes no promotions`)), 404);
    const cluster = c.get("actor").clusterFor(env);
    const search = d.searchFor(env);
    // The earlier environment is read with the dashboard's own identity, as pages are.
    const session = sessionActingIn({
      project: d.project,
      env,
      cluster,
      readerFor: d.clusterFor,
      ...(search ? { search } : {}),
    });
    const releases = await readPromotionReleases({
      from,
      fromCluster: d.clusterFor(from),
      to: env,
      toCluster: cluster,
    });
    const services = promotableServices(d.project, env, releases.from);
    if (!services.length)
      return render(
        c,
        "Refused",
        resultPage({
          title: "Refused",
          ok: false,
          text: `${from.name} runs nothing ${env.name} defines: nothing to promote`,
          back: "/promotions",
        }),
        409,
      );
    const plan = await listedPlanFor(session, services, { approval: { kind: "requesting" } });
    const result = await requestPromotion({
      from,
      fromCluster: d.clusterFor(from),
      to: env,
      toCluster: cluster,
      plan,
      releases,
      requestedBy: await cluster.whoami(),
    });
    const said = result.ok ? result.said : result.refusal;
    return render(
      c,
      result.ok ? "Requested" : "Refused",
      html`${resultPage({ title: result.ok ? "Requested" : "Refused", ok: result.ok, text: said, back: "/promotions" })}
        <pre class="detail">${formatPlan(plan, plain)}</pre>`,
      result.ok || result.nothingToDo ? 200 : 409,
    );
  });

  app.get("/actions/approve", async (c) => {
    if (d.readOnly) return actionsOff(c);
    const { env = "", id = "" } = c.req.query();
    const target = envNamed(env);
    const found = target
      ? await new PromotionStore(d.clusterFor(target), target.cluster.namespace, target.name).get(id)
      : undefined;
    if (!target || !found)
      return render(c, "Not found", resultPage(notFound(`no promotion ${id} in ${env}`)), 404);
    const p = found.request;
    return render(
      c,
      "Approve",
      confirmPage({
        title: `Approve promotion ${p.id} to ${p.to}`,
        explain: `${p.requestedBy} asked at ${p.requestedAt} to promote ${p.services.map((s) => `${s.service} ${s.version}`).join(", ")} from ${p.from}. Approving checks that nothing moved since, then deploys it to ${p.to} now with your credentials, through the whole procedure (migrations, audit index, rollout, automatic rollback). The requester cannot approve it.`,
        action: "/actions/approve",
        csrf: c.get("actor").csrf,
        fields: { env, id },
        back: "/promotions",
        confirm: "Approve and deploy",
        danger: true,
        detail: p.plan,
      }),
    );
  });
  app.post("/actions/approve", async (c) => {
    const form = await checkPost(c);
    if (form instanceof Response) return form;
    const env = envNamed(form.env ?? "");
    if (!env) return render(c, "Refused", resultPage(notFound(`no environment ${form.env}`)), 404);
    const search = d.searchFor(env);
    const outcome = await approveAndDeploy({
      project: d.project,
      env,
      id: form.id ?? "",
      clusterFor: c.get("actor").clusterFor,
      readerFor: d.clusterFor,
      ...(search ? { search } : {}),
      events: () => undefined,
    });
    const title = { refused: "Refused", counted: "Approved", deployed: "Deployed", failed: "Deploy failed" }[
      outcome.kind
    ];
    return render(
      c,
      title,
      resultPage({ title, ok: outcome.ok, text: outcome.said, back: "/promotions" }),
      outcome.kind === "refused" ? 409 : outcome.ok ? 200 : 500,
    );
  });
}
