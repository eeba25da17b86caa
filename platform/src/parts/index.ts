import { edgePlane, localPlane, rancherPlane, type ControlPlane } from "./control-plane.ts";
import { etcdPart } from "./etcd.ts";
import { kubeApiserverPart } from "./kube-apiserver.ts";
import { kubeControllerManagerPart, kubeSchedulerPart } from "./kube-controllers.ts";
import { kwokPart } from "./kwok.ts";
import { registry } from "./registry.ts";
import { postgres } from "./postgres.ts";
import { elasticsearch } from "./elasticsearch.ts";
import { jenkinsStandIn } from "./jenkins-stand-in.ts";
import { mailpit } from "./mailpit.ts";
import type { Part } from "./part.ts";
import { realNodeParts } from "./node/index.ts";

/** A Kubernetes control plane's parts, in dependency order. */
export const controlPlaneParts = (plane: ControlPlane): Part[] => [
  etcdPart(plane),
  kubeApiserverPart(plane),
  kubeControllerManagerPart(plane),
  kubeSchedulerPart(plane),
  kwokPart(plane),
];

/**
 * Every part, in an order that respects `dependsOn` (used as is for `down`, reversed):
 * the first control plane (contexts local, k3s), the second (`rancher/...`, context rancher),
 * the third (`edge/...`, context edge), then the shared services.
 */
export const allParts: readonly Part[] = [
  ...controlPlaneParts(localPlane),
  ...realNodeParts,
  ...controlPlaneParts(rancherPlane),
  ...controlPlaneParts(edgePlane),
  registry,
  postgres,
  elasticsearch,
  jenkinsStandIn,
  mailpit,
];
