import { deployer } from "../../procedure/identity.ts";
import { forceUnlock, LockHeld } from "../../procedure/lock.ts";
import { rollbackService, RollbackTargetMissing } from "../../procedure/rollback-service.ts";
import { signOff } from "../../release/signoff.ts";
import { buildMatrix, cellOf } from "../../status/matrix.ts";
import type { Dashboard } from "../dashboard.ts";
import { confirmPage, resultPage } from "../views/actions.ts";
import { notFound, type DashboardApp, type RouteKit } from "./kit.ts";

/** Sign-off, rollback and unlock: each a confirmation page (GET), then the POST that acts. */
export function registerActions(
  app: DashboardApp,
  d: Dashboard,
  { render, envNamed, actionsOff, checkPost }: RouteKit,
): void {
  app.get("/actions/signoff", (c) => {
    if (d.readOnly) return actionsOff(c);
    const { env = "", service = "", version = "" } = c.req.query();
    return render(
      c,
      "Sign off",
      confirmPage({
        title: `Sign off ${service} ${version} in ${env}`,
        explain: `Record that ${service} ${version}, as deployed in ${env}, was tested by hand. A later environment's promotion check requires it.`,
        action: "/actions/signoff",
        csrf: c.get("actor").csrf,
        fields: { env, service, version },
        back: `/services/${service}?env=${env}`,
        confirm: "Sign off",
        note: true,
      }),
    );
  });
  app.post("/actions/signoff", async (c) => {
    const form = await checkPost(c);
    if (form instanceof Response) return form;
    const env = envNamed(form.env ?? "");
    const { service = "", version = "", note = "" } = form;
    const back = `/services/${service}?env=${env?.name ?? ""}`;
    if (!env) return render(c, "Refused", resultPage(notFound(`no environment ${form.env}`)), 404);
    if (!note.trim())
      return render(
        c,
        "Refused",
        resultPage({ title: "Refused", ok: false, text: "error: --note must say what was tested", back }),
        400,
      );
    const cluster = c.get("actor").clusterFor(env);
    const result = await signOff(
      cluster,
      { name: env.name, namespace: env.cluster.namespace },
      { service, version, note, by: await deployer(cluster) },
    );
    return render(
      c,
      "Sign off",
      resultPage({
        title: result.ok ? "Signed off" : "Refused",
        ok: result.ok,
        text: result.ok ? result.said : `error: ${result.refusal}`,
        back,
      }),
      result.ok ? 200 : 409,
    );
  });

  app.get("/actions/rollback", (c) => {
    if (d.readOnly) return actionsOff(c);
    const { env = "", service = "", to = "" } = c.req.query();
    const snap = envNamed(env);
    const cell = snap ? cellOf(buildMatrix(d.cache.snapshot()), service, snap.name) : undefined;
    return render(
      c,
      "Roll back",
      confirmPage({
        title: `Roll back ${service} in ${env} to revision ${to}`,
        explain: `${service} runs ${cell?.liveVersion ?? "nothing"} in ${env} now. Rolling back re-applies revision ${to}'s objects with the same checks as slipway rollback (the schema check where the service has migrations) and records a new revision under your kubeconfig identity.`,
        action: "/actions/rollback",
        csrf: c.get("actor").csrf,
        fields: { env, service, to },
        back: `/services/${service}?env=${env}`,
        confirm: `Roll back to r${to}`,
        danger: true,
      }),
    );
  });
  app.post("/actions/rollback", async (c) => {
    const form = await checkPost(c);
    if (form instanceof Response) return form;
    const env = envNamed(form.env ?? "");
    const service = form.service ?? "";
    if (!env) return render(c, "Refused", resultPage(notFound(`no environment ${form.env}`)), 404);
    const back = `/services/${service}?env=${env.name}`;
    if (!(d.project.services.get(env.name) ?? []).some((s) => s.spec.name === service))
      return render(c, "Refused", resultPage(notFound(`no service ${service} in ${env.name}`)), 404);
    const notes: string[] = [];
    const search = d.searchFor(env);
    try {
      const result = await rollbackService(
        {
          project: d.project,
          env,
          cluster: c.get("actor").clusterFor(env),
          ...(search ? { search } : {}),
          service,
          ...(form.to ? { to: Number(form.to) } : {}),
          timeoutMs: 5 * 60_000,
          scratchDatabase: "pglite",
        },
        { note: (t) => notes.push(t), warn: (t) => notes.push(t), events: () => undefined },
      );
      const ok = result.outcome === "rolled-back";
      return render(
        c,
        "Roll back",
        resultPage({
          title: ok ? "Rolled back" : result.outcome === "refused" ? "Refused" : "Rollback failed",
          ok,
          text: [...notes, result.refusal ?? result.said ?? result.message].join("\n"),
          back,
        }),
        ok ? 200 : 409,
      );
    } catch (error) {
      // The CLI's words for the same refusals (cli/run.ts), with the dashboard's way out.
      const said =
        error instanceof RollbackTargetMissing
          ? `error: ${error.message}\n  hint: ${error.hint}`
          : error instanceof LockHeld
            ? `error: ${error.message}\n  hint: try again when it is done; if the holder is gone for good, unlock ${env.name} from the matrix (unlock --force)`
            : undefined;
      if (!said) throw error;
      return render(c, "Refused", resultPage({ title: "Refused", ok: false, text: said, back }), 409);
    }
  });

  app.get("/actions/unlock", (c) => {
    if (d.readOnly) return actionsOff(c);
    const env = c.req.query("env") ?? "";
    const lock = buildMatrix(d.cache.snapshot()).environments.find((e) => e.name === env)?.lock;
    return render(
      c,
      "Unlock",
      confirmPage({
        title: `Remove the deploy lock of ${env}`,
        explain: `${lock ? `${lock.holder} holds it since ${lock.since}.` : "Nobody holds it now."} Only remove it when you know the holder is gone: this can let two deploys run at once. It is recorded as an Event with your identity.`,
        action: "/actions/unlock",
        csrf: c.get("actor").csrf,
        fields: { env },
        back: "/",
        confirm: "Unlock --force",
        danger: true,
      }),
    );
  });
  app.post("/actions/unlock", async (c) => {
    const form = await checkPost(c);
    if (form instanceof Response) return form;
    const env = envNamed(form.env ?? "");
    if (!env) return render(c, "Refused", resultPage(notFound(`no environment ${form.env}`)), 404);
    const cluster = c.get("actor").clusterFor(env);
    const holder = await forceUnlock(cluster, env.cluster.namespace, await deployer(cluster));
    return render(
      c,
      "Unlocked",
      resultPage({
        title: "Unlock",
        ok: true,
        text: holder ? `removed the lock held by ${holder}` : "no lock was held",
        back: "/",
      }),
    );
  });
}
