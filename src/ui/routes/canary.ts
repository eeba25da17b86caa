import { actOnCanary, CanaryActionRefused, decisionTaken, type CanaryAction } from "../../canary/act.ts";
import { resumePlan } from "../../canary/resume.ts";
import { canaryWhere, isCanaryUnderWay } from "../../canary/waiting.ts";
import { deployOptionsFor } from "../../deploy/options-for.ts";
import { blockedBecause } from "../../output/plan.ts";
import { sessionActingIn } from "../../plan/plan-for-session.ts";
import { Deploy } from "../../procedure/deploy.ts";
import { deployer } from "../../procedure/identity.ts";
import { ReleaseStore } from "../../release/store.ts";
import type { Dashboard } from "../dashboard.ts";
import { confirmPage, resultPage } from "../views/actions.ts";
import { notFound, type DashboardApp, type DashboardContext, type RouteKit } from "./kit.ts";

/** How long a request waits for the deploy that runs the canary to take the decision. */
const takeWaitMs = 60_000;

const explain = {
  promote:
    "Promoting lets the canary go past its pause to its next step (more weight, another analysis, or the whole rollout).",
  abort:
    "Aborting removes the canary's pods, makes the stable version whole again and rolls the release back; it is recorded as aborted, with its evidence and your reason.",
} as const;

/**
 * A person's promote or abort of a service's canary: a confirmation page (GET), then the POST
 * that gives the decision with the person's own credentials (src/canary/act.ts). When no deploy
 * runs the canary any more, the dashboard resumes it as `slipway deploy -e ENV SERVICE` would.
 */
export function registerCanaryActions(
  app: DashboardApp,
  d: Dashboard,
  { render, envNamed, actionsOff, checkPost }: RouteKit,
): void {
  for (const action of ["promote", "abort"] as const) {
    const path = `/actions/canary/${action}`;
    app.get(path, async (c) => {
      if (d.readOnly) return actionsOff(c);
      const { env = "", service = "" } = c.req.query();
      const target = envNamed(env);
      if (!target) return render(c, "Not found", resultPage(notFound(`no environment ${env}`)), 404);
      // Read with the dashboard's own identity, as every page is.
      const summaries = await new ReleaseStore(d.clusterFor(target), target.cluster.namespace).summaries(
        service,
      );
      const under = summaries.find(isCanaryUnderWay);
      return render(
        c,
        `${action === "promote" ? "Promote" : "Abort"} the canary`,
        confirmPage({
          title: `${action === "promote" ? "Promote" : "Abort"} the canary of ${service} in ${env}`,
          explain: `${
            under
              ? `Revision ${under.revision} (${under.version}) runs as a canary: ${canaryWhere(under.canary)}.`
              : `No canary of ${service} runs in ${env} now.`
          } ${explain[action]} It is recorded under your identity.`,
          action: path,
          csrf: c.get("actor").csrf,
          fields: { env, service },
          back: `/services/${service}?env=${env}`,
          confirm: action === "promote" ? "Promote" : "Abort the canary",
          reason: {
            label: action === "abort" ? "Why (required)" : "Why (optional)",
            required: action === "abort",
          },
          danger: action === "abort",
        }),
      );
    });
    app.post(path, async (c) => {
      const form = await checkPost(c);
      if (form instanceof Response) return form;
      return act(c, d, action, form, render, envNamed);
    });
  }
}

async function act(
  c: DashboardContext,
  d: Dashboard,
  action: CanaryAction,
  form: Record<string, string>,
  render: RouteKit["render"],
  envNamed: RouteKit["envNamed"],
): Promise<Response> {
  const env = envNamed(form.env ?? "");
  const service = form.service ?? "";
  if (!env) return render(c, "Refused", resultPage(notFound(`no environment ${form.env}`)), 404);
  if (!(d.project.services.get(env.name) ?? []).some((s) => s.spec.name === service))
    return render(c, "Refused", resultPage(notFound(`no service ${service} in ${env.name}`)), 404);
  const back = `/services/${service}?env=${env.name}`;
  const said = (title: string, ok: boolean, text: string, status: number) =>
    render(c, title, resultPage({ title, ok, text, back }), status);
  const cluster = c.get("actor").clusterFor(env);
  const namespace = env.cluster.namespace;
  try {
    const by = await deployer(cluster);
    const result = await actOnCanary({
      cluster,
      namespace,
      environment: env.name,
      service,
      action,
      ...(form.reason?.trim() ? { reason: form.reason.trim() } : {}),
      by,
      waitMs: takeWaitMs,
    });
    const given = `${service}: canary ${action} given at step ${result.decision.step + 1} (revision ${result.revision}, ${result.version}) by ${by}`;
    if (result.carriedOutBy)
      return said("Done", true, `${given}; taken by the deploy that runs it: ${result.carriedOutBy}`, 200);
    if (result.waitingFor)
      return said(
        "Given",
        true,
        `${given}; the deploy that runs it (${result.waitingFor}) has not taken it yet: it waits on ${result.deployment} and is taken when that deploy looks next`,
        202,
      );
    // The deploy that ran the canary is gone: resume it here, as `slipway deploy` would.
    const search = d.searchFor(env);
    const session = sessionActingIn({
      project: d.project,
      env,
      cluster,
      readerFor: d.clusterFor,
      ...(search ? { search } : {}),
    });
    const plan = await resumePlan(session, service, result.revision);
    if (plan.blocked)
      return said(
        "Refused",
        false,
        `${given}; no deploy runs it any more, and resuming it is refused: ${blockedBecause(plan).join("; ")}`,
        409,
      );
    let failure: unknown;
    // It runs on after this answer (a canary may take hours); the live deploy view follows it.
    const running = new Deploy(cluster, () => undefined)
      .run(d.project, env, plan, deployOptionsFor({ target: session, plan, only: [service], deployedBy: by }))
      .catch((error: unknown) => void (failure = error));
    const stop = new AbortController();
    const taken = await Promise.race([
      decisionTaken(cluster, namespace, result.deployment, takeWaitMs, stop.signal).catch(() => false),
      running.then(() => decisionTaken(cluster, namespace, result.deployment, 0)),
    ]);
    stop.abort();
    if (failure !== undefined)
      return said(
        "Resume failed",
        false,
        `${given}; resuming the deploy that ran it failed: ${failure instanceof Error ? failure.message : String(failure)}`,
        500,
      );
    return taken
      ? said(
          "Done",
          true,
          `${given}; no deploy ran it any more: resumed here, and it took the ${action}`,
          200,
        )
      : said(
          "Given",
          true,
          `${given}; no deploy ran it any more: resumed here, and it has not taken the ${action} yet (see Deploys)`,
          202,
        );
  } catch (error) {
    if (!(error instanceof CanaryActionRefused)) throw error;
    const request = error.kind === "not-paused" || error.kind === "no-reason";
    return said("Refused", false, `error: ${error.message}`, request ? 400 : 409);
  }
}
