import { defineEnvironment, defineProject } from "slipway";

// The values every environment gives and every service reads as env.values, typed: a missing
// or mistyped one is a compile error here, and a typo in a service is one there.
declare module "slipway" {
  interface EnvironmentValues {
    /** The platform's public host: the API and the web pages. */
    domain: string;
    /** The host under which each running application gets pages of its own. */
    appsDomain: string;
    /** Where the services' pods write their audit entries (the search server, as pods reach it). */
    auditUrl: string;
  }
}

/** What both environments share here: one registry, the databases' Secrets, the CI server. */
const shared = {
  registry: {
    host: "127.0.0.1:25000",
    repositoryPrefix: "research",
    pullSecret: "registry-credentials",
    insecure: true,
  },
  databases: {
    auth: { secret: "auth-db" },
    accounting: { secret: "accounting-db" },
    files: { secret: "files-db" },
    mail: { secret: "mail-db" },
    orchestrator: { secret: "orchestrator-db" },
  },
  ci: { url: "http://127.0.0.1:28080" },
};

/** Development: the team's K3s cluster (here, the local platform). */
const dev = defineEnvironment({
  name: "dev",
  cluster: { context: "local", namespace: "research-dev", flavour: "k3s" },
  defaults: {
    replicas: 1,
    // The local platform's real node runs these pods as processes (its taint keeps others off).
    pod: {
      nodeSelector: { "slipway.dev/node": "real" },
      tolerations: [{ key: "slipway.dev/real-node", operator: "Exists", effect: "NoSchedule" }],
    },
  },
  values: {
    domain: "dev.cloud.example.org",
    appsDomain: "dev.apps.example.org",
    auditUrl: "http://search.slipway-platform.svc.cluster.local:29200",
  },
  search: { url: "http://127.0.0.1:29200" },
  ...shared,
});

/** Production: a cluster Rancher manages (nginx ingress, Longhorn storage). */
const prod = defineEnvironment({
  name: "prod",
  cluster: { context: "rancher", namespace: "research", flavour: "rancher" },
  defaults: { replicas: 2 },
  values: {
    domain: "cloud.example.org",
    appsDomain: "apps.example.org",
    auditUrl: "http://search.slipway-platform.svc.cluster.local:29200",
  },
  // A change reaches prod as a promotion of what dev runs: the same image digest, deployed and
  // signed off there, requested by one person (slipway promote) and approved by another
  // (slipway approve), never the requester. No deploy here without the image, CI, promotion,
  // signature and provenance checks (only --skip-ci-check --reason, recorded, skips all but image).
  promotion: { from: "dev" },
  approval: { approvers: ["system:serviceaccount:research:release-manager", "group:release-managers"] },
  requires: ["image", "ci", "promotion", "signature", "provenance"],
  // Each image's digest must be signed by the CI's key (cosign's format), with signed attestations
  // of the commit it was built from and its tests. `npm run images` signs, and writes the key's
  // public half to keys/ci.pub (a team commits cosign.pub once).
  signatures: { keys: [{ name: "research-ci", file: "keys/ci.pub" }] },
  // Audit entries are kept longer in production (the service's default is 400 days).
  parameters: { maintenance: { retentionDays: 730 } },
  // One search server serves both environments here, so prod's audit indices carry a prefix
  // (a production search server of its own would need none).
  search: { url: "http://127.0.0.1:29200", indexPrefix: "prod-" },
  ...shared,
});

export default defineProject({ name: "research-cloud", environments: [dev, prod] });
