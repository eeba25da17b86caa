import { beforeAll, describe, expect, it } from "vitest";
import type { KubernetesObject } from "@kubernetes/client-node";
import { loadProject } from "../../src/definitions/load.ts";
import type { ProjectModel } from "../../src/definitions/model.ts";
import type { ReleaseSummary } from "../../src/release/record.ts";
import type { Signoff } from "../../src/release/signoff.ts";
import { buildMatrix, cellOf } from "../../src/status/matrix.ts";
import { watchedKinds, type PlatformSnapshot, type WatchedKind } from "../../src/status/platform-cache.ts";
import { renderServiceObjects } from "../../src/render/render.ts";
import { exampleConfig } from "../support/project.ts";
import { textOf } from "../../src/ui/html.ts";
import { matrixFragment } from "../../src/ui/views/matrix.ts";

let project: ProjectModel;
beforeAll(async () => {
  project = await loadProject(exampleConfig);
});

const summary = (
  s: Partial<ReleaseSummary> & Pick<ReleaseSummary, "service" | "revision">,
): ReleaseSummary => ({
  version: "1.0.0",
  status: "deployed",
  deployedBy: "ada",
  startedAt: "2026-01-01T00:00:00Z",
  description: `deploy ${s.version ?? "1.0.0"}`,
  objectsHash: "h",
  ...s,
});
/** A release Secret as the metadata-only watch gives it: the summary in its annotation. */
const releaseSecret = (s: ReleaseSummary): KubernetesObject => ({
  kind: "Secret",
  metadata: {
    name: `slipway.release.${s.service}.v${s.revision}`,
    annotations: { "slipway.dev/summary": JSON.stringify(s) },
  },
});
const signoffMap = (s: Signoff): KubernetesObject =>
  ({
    kind: "ConfigMap",
    metadata: { name: `so-${s.service}` },
    data: { "signoff.json": JSON.stringify(s) },
  }) as KubernetesObject;
const lease = (holder: string, renewed: Date): KubernetesObject =>
  ({
    kind: "Lease",
    metadata: { name: "slipway-deploy-lock" },
    spec: {
      holderIdentity: holder,
      acquireTime: renewed.toISOString(),
      renewTime: renewed.toISOString(),
      leaseDurationSeconds: 30,
    },
  }) as KubernetesObject;

/** The workloads a deploy of `service` at its defined version would leave running in `env`. */
const workloads = (env: string, service: string): KubernetesObject[] => {
  const e = project.environments.find((x) => x.name === env)!;
  const model = project.services.get(env)!.find((s) => s.spec.name === service)!;
  return renderServiceObjects(project.name, e, model).filter(
    (o) => o.kind === "Deployment" || o.kind === "CronJob",
  );
};

function snapshot(
  perEnv: Record<string, Partial<Record<WatchedKind, KubernetesObject[]>>>,
): PlatformSnapshot {
  return {
    project,
    generation: 1,
    environments: project.environments.map((env) => ({
      env,
      kinds: Object.fromEntries(
        watchedKinds.map((k) => [k, { objects: perEnv[env.name]?.[k] ?? [], synced: true }]),
      ) as unknown as PlatformSnapshot["environments"][number]["kinds"],
    })),
  };
}

describe("the matrix, from the cached objects alone", () => {
  it("says per cell the version, the release status in words, and the rollback a failure made", () => {
    const mail = project.services.get("dev")!.find((s) => s.spec.name === "mail")!.spec.version;
    const m = buildMatrix(
      snapshot({
        dev: {
          deployments: [...workloads("dev", "auth"), ...workloads("dev", "mail")],
          releases: [
            summary({ service: "auth", revision: 1 }),
            summary({ service: "mail", revision: 1, version: mail }),
            summary({ service: "mail", revision: 2, version: "9.9.9", status: "failed" }),
          ].map(releaseSecret),
        },
      }),
    );
    expect(m.services).toContain("auth");
    expect(cellOf(m, "auth", "dev")).toMatchObject({ state: "deployed", drift: [] });
    expect(cellOf(m, "mail", "dev")).toMatchObject({
      state: "failed",
      liveVersion: mail,
      rolledBackTo: `revision 1 (${mail})`,
    });
    expect(cellOf(m, "files", "dev")).toMatchObject({ state: "never" });
  });

  it("tells a deploy that holds the lock from one that died (interrupted, resumable)", () => {
    const pending = [summary({ service: "auth", revision: 1, status: "pending" })].map(releaseSecret);
    const now = Date.now();
    const running = buildMatrix(
      snapshot({ dev: { releases: pending, leases: [lease("ada@host pid 1 (ab)", new Date(now))] } }),
      now,
    );
    expect(cellOf(running, "auth", "dev")?.state).toBe("in-progress");
    expect(running.environments.find((e) => e.name === "dev")?.lock).toMatchObject({
      holder: "ada@host pid 1 (ab)",
      expired: false,
    });
    const died = buildMatrix(
      snapshot({
        dev: { releases: pending, leases: [lease("ada@host pid 1 (ab)", new Date(now - 60_000))] },
      }),
      now,
    );
    expect(cellOf(died, "auth", "dev")?.state).toBe("interrupted");
  });

  it("flags drift: another version running than the deployed release, and a hand edit by another field manager", () => {
    const [deployment] = workloads("dev", "auth") as (KubernetesObject & {
      metadata: Record<string, unknown>;
    })[];
    const edited = {
      ...deployment!,
      metadata: {
        ...deployment!.metadata,
        managedFields: [
          { manager: "slipway", operation: "Apply" },
          { manager: "kube-controller-manager", operation: "Update", subresource: "status" },
          { manager: "kubectl-edit", operation: "Update", time: "2026-01-02T00:00:00Z" },
        ],
      },
    } as KubernetesObject;
    const m = buildMatrix(
      snapshot({
        dev: {
          deployments: [edited],
          releases: [releaseSecret(summary({ service: "auth", revision: 3, version: "0.1.0" }))],
        },
      }),
    );
    expect(cellOf(m, "auth", "dev")?.drift).toEqual([
      `runs ${cellOf(m, "auth", "dev")?.liveVersion}, but the deployed release is 0.1.0`,
      "Deployment/auth edited by kubectl-edit at 2026-01-02T00:00:00Z",
    ]);
  });

  it("shows promotion: whether the earlier environment ran the version, and who signed it off", () => {
    const promoting: ProjectModel = {
      ...project,
      environments: project.environments.map((e) =>
        e.name === "prod" ? { ...e, promotion: { from: "dev" } } : e,
      ),
    };
    const version = project.services.get("prod")!.find((s) => s.spec.name === "auth")!.spec.version;
    const signoff: Signoff = {
      service: "auth",
      version,
      by: "grace",
      at: "2026-01-03T00:00:00Z",
      note: "login works",
    };
    const base = snapshot({
      dev: {
        releases: [releaseSecret(summary({ service: "auth", revision: 1, version, status: "superseded" }))],
      },
    });
    const before = buildMatrix({
      ...base,
      project: promoting,
      environments: base.environments.map((e) => ({
        ...e,
        env: promoting.environments.find((p) => p.name === e.env.name)!,
      })),
    });
    expect(cellOf(before, "auth", "prod")?.promotion).toMatchObject({
      from: "dev",
      deployedThere: true,
      signoffRequired: true,
    });
    expect(cellOf(before, "auth", "prod")?.promotion?.signoff).toBeUndefined();
    const signed = snapshot({
      dev: {
        releases: [releaseSecret(summary({ service: "auth", revision: 1, version, status: "superseded" }))],
        signoffs: [signoffMap(signoff)],
      },
    });
    const after = buildMatrix({
      ...signed,
      project: promoting,
      environments: signed.environments.map((e) => ({
        ...e,
        env: promoting.environments.find((p) => p.name === e.env.name)!,
      })),
    });
    expect(cellOf(after, "auth", "prod")?.promotion?.signoff).toEqual(signoff);
    expect(cellOf(after, "files", "prod")?.promotion).toMatchObject({ deployedThere: false });
  });

  it("shows an environment its deploy windows freeze as frozen, with why and when it opens", async () => {
    const frozen = {
      ...project,
      environments: project.environments.map((e) =>
        e.name === "prod"
          ? {
              ...e,
              windows: [
                {
                  deny: { cron: "0 16 * * 5", duration: "64h", timeZone: "Europe/Copenhagen" },
                  reason: "weekend",
                },
              ],
            }
          : e,
      ),
    };
    const snap = { ...snapshot({}), project: frozen };
    snap.environments = snap.environments.map((e) => ({
      ...e,
      env: frozen.environments.find((x) => x.name === e.env.name)!,
    }));
    // Saturday 5 December 2026, 11:00 in Copenhagen.
    const matrix = buildMatrix(snap, Date.parse("2026-12-05T10:00:00Z"));
    expect(matrix.environments.find((e) => e.name === "dev")?.frozen).toBeUndefined();
    expect(matrix.environments.find((e) => e.name === "prod")?.frozen).toEqual({
      because:
        'deny window "weekend" (cron "0 16 * * 5" for 64h, Europe/Copenhagen; this one Fri 2026-12-04 16:00 CET to Mon 2026-12-07 08:00 CET)',
      until: "2026-12-07T07:00:00.000Z",
    });
    const html = (await textOf(matrixFragment(matrix, { readOnly: true }))).replace(/\s+/g, " ");
    expect(html).toContain("prod <span data-frozen>❄ frozen</span>");
    expect(html).toContain("data-frozen >❄ frozen: deny window &quot;weekend&quot;");
  });
});
