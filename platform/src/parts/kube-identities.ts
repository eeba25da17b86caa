import { join } from "node:path";
import { readFileSync } from "node:fs";
import { KubeConfig } from "@kubernetes/client-node";
import { renderKubeconfigEntries, writeKubeconfig, writeKubeconfigText } from "../kubeconfig.ts";
import {
  controlPlanes,
  localPlane,
  partName,
  planePki,
  planeTokens,
  type ControlPlane,
} from "./control-plane.ts";
import type { PartContext } from "./part.ts";
import { nodeTokenFileLines } from "./node/identity.ts";

export const apiserverUrl = localPlane.apiserverUrl;
export const contextName = "local";

/** The user-facing admin kubeconfig: contexts `local` and `k3s` (first plane), `rancher` (second). */
export const adminKubeconfigPath = (ctx: Pick<PartContext, "layout">): string =>
  join(ctx.layout.stateDir, "kubeconfig");

/** `component` is a part name, so the second plane's land in `kube/rancher/`. */
export const componentKubeconfigPath = (ctx: Pick<PartContext, "layout">, component: string): string =>
  join(ctx.layout.stateDir, "kube", `${component}.kubeconfig`);

/**
 * One static token per identity. Controller-manager and scheduler use the user
 * names Kubernetes' bootstrap RBAC policy already grants; kwok and the admin are masters.
 */
export function tokenFileLines(ctx: PartContext, plane: ControlPlane = localPlane): string {
  const s = planeTokens(ctx.secrets, plane);
  return (
    [
      `${s.adminToken},${plane.adminUser},${plane.adminUser},"system:masters"`,
      `${s.controllerManagerToken},system:kube-controller-manager,system:kube-controller-manager`,
      `${s.schedulerToken},system:kube-scheduler,system:kube-scheduler`,
      `${s.kwokToken},slipway-kwok,slipway-kwok,"system:masters"`,
      // The real node runs on the first plane only.
      ...(plane.name === localPlane.name ? nodeTokenFileLines(ctx.layout) : []),
    ].join("\n") + "\n"
  );
}

/** The admin kubeconfig of every plane; `local` stays the current context. */
export function writeAdminKubeconfig(ctx: Pick<PartContext, "layout" | "pki" | "secrets">): void {
  writeKubeconfigText(
    adminKubeconfigPath(ctx),
    renderKubeconfigEntries({
      clusters: controlPlanes.map((plane) => ({
        name: plane.name,
        server: plane.apiserverUrl,
        caCertPath: planePki(ctx, plane).caCert,
      })),
      users: controlPlanes.map((plane) => ({
        name: plane.adminUser,
        token: planeTokens(ctx.secrets, plane).adminToken,
      })),
      contexts: controlPlanes.flatMap((plane) =>
        plane.contexts.map((name) => ({ name, cluster: plane.name, user: plane.adminUser })),
      ),
      currentContext: contextName,
    }),
  );
}

export function writeComponentKubeconfigs(ctx: PartContext, plane: ControlPlane = localPlane): void {
  const tokens = planeTokens(ctx.secrets, plane);
  const base = { server: plane.apiserverUrl, caCertPath: planePki(ctx, plane).caCert, context: plane.name };
  writeAdminKubeconfig(ctx);
  writeKubeconfig(componentKubeconfigPath(ctx, partName(plane, "kube-controller-manager")), {
    ...base,
    user: "system:kube-controller-manager",
    token: tokens.controllerManagerToken,
  });
  writeKubeconfig(componentKubeconfigPath(ctx, partName(plane, "kube-scheduler")), {
    ...base,
    user: "system:kube-scheduler",
    token: tokens.schedulerToken,
  });
  writeKubeconfig(componentKubeconfigPath(ctx, partName(plane, "kwok")), {
    ...base,
    user: "slipway-kwok",
    token: tokens.kwokToken,
  });
}

/** A plane's admin identity for the parts themselves, built from the credentials (no file needed). */
export function planeAdminKubeConfig(
  ctx: Pick<PartContext, "layout" | "pki" | "secrets">,
  plane: ControlPlane,
): KubeConfig {
  const kc = new KubeConfig();
  kc.loadFromOptions({
    clusters: [{ name: plane.name, server: plane.apiserverUrl, caFile: planePki(ctx, plane).caCert }],
    users: [{ name: plane.adminUser, token: planeTokens(ctx.secrets, plane).adminToken }],
    contexts: [{ name: plane.name, cluster: plane.name, user: plane.adminUser }],
    currentContext: plane.name,
  });
  return kc;
}

export const caBytes = (ctx: Pick<PartContext, "layout" | "pki">, plane: ControlPlane = localPlane): Buffer =>
  readFileSync(planePki(ctx, plane).caCert);
