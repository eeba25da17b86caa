import { join } from "node:path";
import { readFileSync } from "node:fs";
import { writeKubeconfig } from "../kubeconfig.ts";
import { host, ports } from "../versions.ts";
import type { PartContext } from "./part.ts";

export const apiserverUrl = `https://${host}:${ports.apiserver}`;
export const contextName = "local";

/** The user-facing admin kubeconfig (context `local`). */
export const adminKubeconfigPath = (ctx: Pick<PartContext, "layout">): string =>
  join(ctx.layout.stateDir, "kubeconfig");

export const componentKubeconfigPath = (ctx: Pick<PartContext, "layout">, component: string): string =>
  join(ctx.layout.stateDir, "kube", `${component}.kubeconfig`);

/**
 * One static token per identity. Controller-manager and scheduler use the user
 * names Kubernetes' bootstrap RBAC policy already grants; kwok and the admin are masters.
 */
export function tokenFileLines(ctx: PartContext): string {
  const s = ctx.secrets;
  return (
    [
      `${s.adminToken},slipway-admin,slipway-admin,"system:masters"`,
      `${s.controllerManagerToken},system:kube-controller-manager,system:kube-controller-manager`,
      `${s.schedulerToken},system:kube-scheduler,system:kube-scheduler`,
      `${s.kwokToken},slipway-kwok,slipway-kwok,"system:masters"`,
    ].join("\n") + "\n"
  );
}

export function writeComponentKubeconfigs(ctx: PartContext): void {
  const base = { server: apiserverUrl, caCertPath: ctx.pki.caCert, context: contextName };
  writeKubeconfig(adminKubeconfigPath(ctx), {
    ...base,
    user: "slipway-admin",
    token: ctx.secrets.adminToken,
  });
  writeKubeconfig(componentKubeconfigPath(ctx, "kube-controller-manager"), {
    ...base,
    user: "system:kube-controller-manager",
    token: ctx.secrets.controllerManagerToken,
  });
  writeKubeconfig(componentKubeconfigPath(ctx, "kube-scheduler"), {
    ...base,
    user: "system:kube-scheduler",
    token: ctx.secrets.schedulerToken,
  });
  writeKubeconfig(componentKubeconfigPath(ctx, "kwok"), {
    ...base,
    user: "slipway-kwok",
    token: ctx.secrets.kwokToken,
  });
}

export const caBytes = (ctx: Pick<PartContext, "pki">): Buffer => readFileSync(ctx.pki.caCert);
