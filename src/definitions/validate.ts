import { parametersSecretName } from "./parameters.ts";
import type { DefinitionProblem } from "./errors.ts";
import type { EnvironmentModel, ServiceModel } from "./model.ts";
import { containerOf } from "./container.ts";
import { sharedConfigMaps, sharedConfigUsed } from "./shared-config.ts";
import { findServicePort, servicePorts } from "./networking.ts";
import { rolloutProblems } from "./rollout-strategy.ts";

/**
 * Checks that need more than one field or more than one service: duplicate names,
 * references to things that are not defined, dependency cycles, name collisions
 * of the objects services would render into one namespace.
 */
export function crossCheck(
  services: readonly ServiceModel[],
  env: EnvironmentModel,
  /** Services that failed to load, and the ConfigMaps they define: references to them are not reported again. */
  unloaded: { readonly services: ReadonlySet<string>; readonly configMaps: ReadonlySet<string> } = {
    services: new Set(),
    configMaps: new Set(),
  },
): DefinitionProblem[] {
  const problems: DefinitionProblem[] = [];
  const byName = new Map<string, ServiceModel>();
  for (const service of services) {
    const other = byName.get(service.spec.name);
    if (other)
      problems.push({
        file: service.file,
        path: "name",
        message: `service "${service.spec.name}" is also defined in ${other.file}`,
      });
    else byName.set(service.spec.name, service);
  }
  const names = [...byName.keys()].sort().join(", ");
  const sharedOwners = sharedConfigMaps(services);
  for (const service of services)
    for (const [name, configMap] of Object.entries(service.spec.configMaps ?? {})) {
      const owner = sharedOwners.get(name);
      if (owner && owner !== service.spec.name)
        problems.push({
          file: service.file,
          path: `configMaps.${name}`,
          message: `${owner} shares a ConfigMap "${name}" already${configMap.shared ? "" : ": mount that one, or rename this"}`,
        });
    }

  for (const service of services) {
    const { spec, file } = service;
    const problem = (path: string, message: string): void => void problems.push({ file, path, message });
    spec.dependsOn?.forEach((dep, i) => {
      if (dep === spec.name) problem(`dependsOn[${i}]`, "a service cannot depend on itself");
      else if (!byName.has(dep) && !unloaded.services.has(dep))
        problem(`dependsOn[${i}]`, `no service named "${dep}" (services: ${names})`);
    });
    spec.networkPolicy?.allowFrom.forEach((from, i) => {
      if (!byName.has(from) && !unloaded.services.has(from))
        problem(`networkPolicy.allowFrom[${i}]`, `no service named "${from}" (services: ${names})`);
    });

    const secrets = new Set(spec.secrets ?? []);
    // Written by the deploy itself, so there is nothing to list.
    if (Object.values(spec.parameters ?? {}).some((p) => p.secret))
      secrets.add(parametersSecretName(spec.name));
    const configMaps = new Set(Object.keys(spec.configMaps ?? {}));
    // A ConfigMap of its own, or one another service shares: anything else names nothing.
    const configMapProblem = (name: string): string | undefined => {
      if (configMaps.has(name) || sharedOwners.has(name) || unloaded.configMaps.has(name)) return undefined;
      const owner = services.find((s) => s.spec.configMaps?.[name]);
      return owner
        ? `ConfigMap "${name}" belongs to ${owner.spec.name}, which does not share it (add shared: true there)`
        : `no ConfigMap "${name}" in configMaps (defined: ${[...configMaps].join(", ") || "none"}; shared by other services: ${[...sharedOwners.keys()].join(", ") || "none"})`;
    };
    const checkWorkloadRefs = (
      prefix: string,
      envVars: Record<string, unknown> | undefined,
      database: string | undefined,
    ): void => {
      for (const [key, value] of Object.entries(envVars ?? {})) {
        if (typeof value === "object" && value !== null && "secret" in value) {
          const name = (value as { secret: string }).secret;
          if (!secrets.has(name))
            problem(
              `${prefix}env.${key}.secret`,
              `Secret "${name}" is not listed in secrets (add it there so Slipway can check it exists)`,
            );
        }
        if (typeof value === "object" && value !== null && "configMap" in value) {
          const name = (value as { configMap: string }).configMap;
          const wrong = configMapProblem(name);
          if (wrong) problem(`${prefix}env.${key}.configMap`, wrong);
        }
      }
      if (database && !env.databases?.[database]) {
        problem(
          `${prefix}database`,
          `the environment has no database "${database}" (its databases: ${Object.keys(env.databases ?? {}).join(", ") || "none"})`,
        );
      }
    };
    // The container's settings are written in deployment, or in container without one.
    const home = spec.deployment ? "deployment" : "container";
    const own = containerOf(spec);
    if (spec.deployment && spec.container)
      problem(
        "container",
        "is for a service without a Deployment; with one, give these settings in deployment",
      );
    if (!spec.deployment && !spec.cronJobs && !spec.jobs)
      problem("deployment", "is required unless the service runs cronJobs or jobs (it would run nothing)");
    checkWorkloadRefs(`${home}.`, own.env, own.database);
    for (const kind of ["initContainers", "sidecars"] as const)
      for (const [name, container] of Object.entries(spec.pod?.[kind] ?? {}))
        checkWorkloadRefs(`pod.${kind}.${name}.`, container.env, undefined);
    // A projected volume may also name a ConfigMap made outside Slipway (kube-root-ca.crt, an
    // operator's CA bundle): the plan's references check requires it in the namespace. Only
    // another service's ConfigMap it does not share is a mistake here.
    for (const [name, volume] of Object.entries(spec.pod?.volumes ?? {}))
      volume.projected?.configMaps?.forEach((configMap, i) => {
        const owner = services.find((s) => s.spec.name !== spec.name && s.spec.configMaps?.[configMap]);
        if (owner && !sharedOwners.has(configMap))
          problem(`pod.volumes.${name}.projected.configMaps[${i}]`, configMapProblem(configMap) ?? "");
      });
    for (const [name, volume] of Object.entries(spec.pod?.volumes ?? {}))
      volume.projected?.secrets?.forEach((secret, i) => {
        if (!secrets.has(secret))
          problem(
            `pod.volumes.${name}.projected.secrets[${i}]`,
            `Secret "${secret}" is not listed in secrets (add it there so Slipway can check it exists)`,
          );
      });
    own.configFiles?.forEach((mount, i) => {
      const wrong = configMapProblem(mount.configMap);
      if (wrong) problem(`${home}.configFiles[${i}].configMap`, wrong);
    });
    own.secretFiles?.forEach((mount, i) => {
      if (!secrets.has(mount.secret))
        problem(`${home}.secretFiles[${i}].secret`, `Secret "${mount.secret}" is not listed in secrets`);
    });
    if (!spec.deployment && (spec.service || spec.ingress || spec.verify))
      problem(
        spec.service ? "service" : spec.ingress ? "ingress" : "verify",
        "needs a deployment: without one the service runs only CronJobs and Jobs, nothing serves",
      );
    if (spec.migrations && !env.databases?.[spec.migrations.database]) {
      problem(
        "migrations.database",
        `the environment has no database "${spec.migrations.database}" (its databases: ${Object.keys(env.databases ?? {}).join(", ") || "none"})`,
      );
    }
    if (spec.migrations?.mode === "job" && !spec.migrations.job) {
      problem(
        "migrations.job",
        'mode "job" needs job.args or job.command: how the image runs its migrations',
      );
    }
    if (
      spec.deployment &&
      spec.service?.port !== undefined &&
      spec.deployment.port === undefined &&
      spec.service.targetPort === undefined
    ) {
      problem("service", "needs deployment.port or service.targetPort to know where to send traffic");
    }
    problems.push(...networkingProblems(service), ...podProblems(service), ...rolloutProblems(service, env));
    for (const [probeName, probe] of [
      ["liveness", spec.deployment?.liveness],
      ["readiness", spec.deployment?.readiness],
    ] as const) {
      if (!probe) continue;
      const kinds = [probe.http, probe.tcp, probe.exec].filter((k) => k !== undefined).length;
      if (kinds !== 1)
        problem(`deployment.${probeName}`, `needs exactly one of http, tcp or exec (found ${kinds})`);
      if ((probe.http && probe.http.port === undefined) || (probe.tcp && probe.tcp.port === undefined)) {
        if (spec.deployment?.port === undefined)
          problem(`deployment.${probeName}`, "needs a port, or deployment.port");
      }
    }
  }

  // Objects from all services share the environment's namespace: names must not collide.
  const owners = new Map<string, string>();
  for (const service of services) {
    for (const [kind, name, path] of objectNames(service)) {
      const key = `${kind}/${name}`;
      const owner = owners.get(key);
      if (owner && owner !== service.file)
        problems.push({
          file: service.file,
          path,
          message: `${kind} "${name}" is also rendered by ${owner}`,
        });
      else owners.set(key, service.file);
    }
  }

  const cycle = findCycle([...byName.values()]);
  if (cycle) {
    const first = byName.get(cycle[0] ?? "");
    problems.push({
      file: first?.file ?? "",
      path: "dependsOn",
      message: `dependency cycle: ${cycle.join(" => ")}`,
    });
  }
  return problems;
}

/** Object names a service claims in its namespace, with the field that chose each. */
function objectNames(service: ServiceModel): [string, string, string][] {
  const { spec } = service;
  return [
    ...Object.keys(spec.configMaps ?? {}).map((n): [string, string, string] => [
      "ConfigMap",
      n,
      `configMaps.${n}`,
    ]),
    ...Object.keys(spec.cronJobs ?? {}).map((n): [string, string, string] => [
      "CronJob",
      `${spec.name}-${n}`,
      `cronJobs.${n}`,
    ]),
    ...Object.keys(spec.volumes ?? {}).map((n): [string, string, string] => [
      "PersistentVolumeClaim",
      `${spec.name}-${n}`,
      `volumes.${n}`,
    ]),
    ...(spec.objects ?? []).map((o, i): [string, string, string] => [
      o.kind,
      o.metadata.name,
      `objects[${i}]`,
    ]),
  ];
}

function findCycle(services: readonly ServiceModel[]): string[] | undefined {
  const deps = new Map(services.map((s) => [s.spec.name, s.spec.dependsOn ?? []]));
  const state = new Map<string, "visiting" | "done">();
  const stack: string[] = [];
  const visit = (name: string): string[] | undefined => {
    if (state.get(name) === "done") return undefined;
    if (state.get(name) === "visiting") return [...stack.slice(stack.indexOf(name)), name];
    state.set(name, "visiting");
    stack.push(name);
    for (const dep of deps.get(name) ?? []) {
      if (!deps.has(dep)) continue;
      const cycle = visit(dep);
      if (cycle) return cycle;
    }
    stack.pop();
    state.set(name, "done");
    return undefined;
  };
  for (const name of [...deps.keys()].sort()) {
    const cycle = visit(name);
    if (cycle) return cycle;
  }
  return undefined;
}

/** Services ordered so that each comes after what it depends on; ties by name. */
export function dependencyOrder(services: readonly ServiceModel[]): ServiceModel[] {
  const byName = new Map(services.map((s) => [s.spec.name, s]));
  // A service that mounts another's shared ConfigMap deploys after it, as if it said dependsOn.
  const owners = sharedConfigMaps(services);
  const dependencies = (s: ServiceModel): string[] => [
    ...new Set([...(s.spec.dependsOn ?? []), ...sharedConfigUsed(s, owners).map((u) => u.owner)]),
  ];
  const ordered: ServiceModel[] = [];
  const placed = new Set<string>();
  const place = (service: ServiceModel, path: Set<string>): void => {
    if (placed.has(service.spec.name) || path.has(service.spec.name)) return;
    path.add(service.spec.name);
    for (const dep of dependencies(service).sort()) {
      const target = byName.get(dep);
      if (target) place(target, path);
    }
    placed.add(service.spec.name);
    ordered.push(service);
  };
  for (const service of [...services].sort((a, b) => a.spec.name.localeCompare(b.spec.name)))
    place(service, new Set());
  return ordered;
}

/** The Service's ports and the Ingress's rules: one form each, and every path going to a port. */
function networkingProblems({ spec, file }: ServiceModel): DefinitionProblem[] {
  const problems: DefinitionProblem[] = [];
  const problem = (path: string, message: string): void => void problems.push({ file, path, message });
  const { service, ingress } = spec;
  if (service) {
    if ((service.port === undefined) === (service.ports === undefined))
      problem("service", "needs either port (one port) or ports (several named ones), not both or neither");
    if (service.ports && service.targetPort !== undefined)
      problem("service.targetPort", "goes with port; with ports, give each its own targetPort");
    const seen = new Map<string, number>();
    service.ports?.forEach((p, i) => {
      for (const key of [`name "${p.name}"`, `port ${p.port}`]) {
        const first = seen.get(key);
        if (first !== undefined) problem(`service.ports[${i}]`, `${key} is also used by ports[${first}]`);
        else seen.set(key, i);
      }
    });
  }
  if (!ingress) return problems;
  if (!service) problem("ingress", "needs a service: an Ingress routes to a Service");
  const short = ingress.host !== undefined || ingress.path !== undefined || ingress.tlsSecret !== undefined;
  if (ingress.rules && short)
    problem("ingress", "needs either host and path (one route) or rules (several), not both");
  else if (!ingress.rules && (ingress.host === undefined || ingress.path === undefined))
    problem("ingress", `needs ${ingress.host === undefined ? "host" : "path"} (or rules)`);
  for (const key of Object.keys(ingress.annotations ?? {}))
    if (key.startsWith("slipway.dev/"))
      problem(`ingress.annotations.${key}`, "slipway.dev/ annotations are Slipway's own");
  const ports = servicePorts(spec);
  const routes = new Map<string, string>();
  ingress.rules?.forEach((rule, i) =>
    rule.paths.forEach((p, j) => {
      const at = `ingress.rules[${i}].paths[${j}]`;
      if (service && !findServicePort(ports, p.port))
        problem(
          `${at}.port`,
          `the service has no port ${JSON.stringify(p.port)} (its ports: ${ports.map((sp) => `${sp.name} ${sp.port}`).join(", ")})`,
        );
      const route = `${rule.host}${p.path}`;
      const first = routes.get(route);
      if (first) problem(at, `${route} is also routed by ${first}`);
      else routes.set(route, at);
    }),
  );
  return problems;
}

/** Pod settings that only make sense together: one ServiceAccount, mounts of defined volumes, ... */
function podProblems({ spec, file }: ServiceModel): DefinitionProblem[] {
  const problems: DefinitionProblem[] = [];
  const problem = (path: string, message: string): void => void problems.push({ file, path, message });
  const { pod, deployment } = spec;
  if (pod?.serviceAccountName && spec.serviceAccount)
    problem(
      "pod.serviceAccountName",
      "names an existing ServiceAccount, but serviceAccount renders one: keep one of them",
    );
  const volumes = Object.keys(pod?.volumes ?? {});
  for (const [name, volume] of Object.entries(pod?.volumes ?? {}))
    if ((volume.emptyDir === undefined) === (volume.projected === undefined))
      problem(`pod.volumes.${name}`, "needs exactly one of emptyDir or projected");
  const containers = new Map<string, string>([[spec.name, "the service's own container"]]);
  for (const kind of ["initContainers", "sidecars"] as const)
    for (const [name, container] of Object.entries(pod?.[kind] ?? {})) {
      const other = containers.get(name);
      if (other) problem(`pod.${kind}.${name}`, `the container name "${name}" is also ${other}`);
      else containers.set(name, `pod.${kind}.${name}`);
      container.mounts?.forEach((m, i) => {
        if (!volumes.includes(m.volume))
          problem(
            `pod.${kind}.${name}.mounts[${i}].volume`,
            `no volume "${m.volume}" in pod.volumes (defined: ${volumes.join(", ") || "none"})`,
          );
      });
    }
  const scale = deployment?.autoscale;
  if (scale) {
    if (deployment?.replicas !== undefined)
      problem(
        "deployment.replicas",
        "the autoscaler owns the replica count: give autoscale.minReplicas instead",
      );
    if (scale.minReplicas > scale.maxReplicas)
      problem(
        "deployment.autoscale",
        `minReplicas ${scale.minReplicas} is above maxReplicas ${scale.maxReplicas}`,
      );
    if (scale.cpu === undefined && scale.memory === undefined)
      problem("deployment.autoscale", "needs a target: cpu or memory (percent of the requests)");
  }
  const budget = deployment?.disruptionBudget;
  if (budget && (budget.minAvailable === undefined) === (budget.maxUnavailable === undefined))
    problem("deployment.disruptionBudget", "needs exactly one of minAvailable or maxUnavailable");
  return problems;
}
