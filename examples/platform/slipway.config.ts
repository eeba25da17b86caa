import { defineEnvironment, defineProject } from "slipway";

const databases = {
  auth: { secret: "auth-db" },
  accounting: { secret: "accounting-db" },
  files: { secret: "files-db" },
  mail: { secret: "mail-db" },
  orchestrator: { secret: "orchestrator-db" },
};

/** Development: the team's K3s cluster (here, the local platform). */
const dev = defineEnvironment({
  name: "dev",
  cluster: { context: "local", namespace: "research-dev", flavour: "k3s" },
  registry: {
    host: "127.0.0.1:25000",
    repositoryPrefix: "research",
    pullSecret: "registry-credentials",
    insecure: true,
  },
  defaults: { replicas: 1 },
  databases,
  search: { url: "http://127.0.0.1:29200" },
  ci: { url: "http://127.0.0.1:28080" },
});

/** Production: a cluster Rancher manages (nginx ingress, Longhorn storage). */
const prod = defineEnvironment({
  name: "prod",
  cluster: { context: "rancher", namespace: "research", flavour: "rancher" },
  registry: {
    host: "127.0.0.1:25000",
    repositoryPrefix: "research",
    pullSecret: "registry-credentials",
    insecure: true,
  },
  defaults: { replicas: 2 },
  databases,
  search: { url: "http://127.0.0.1:29200" },
  ci: { url: "http://127.0.0.1:28080" },
});

export default defineProject({ name: "research-cloud", environments: [dev, prod] });
