import { etcd } from "./etcd.ts";
import { kubeApiserver } from "./kube-apiserver.ts";
import { kubeControllerManager, kubeScheduler } from "./kube-controllers.ts";
import { kwok } from "./kwok.ts";
import { registry } from "./registry.ts";
import { postgres } from "./postgres.ts";
import { elasticsearch } from "./elasticsearch.ts";
import type { Part } from "./part.ts";

/** Every part, in an order that respects `dependsOn` (used as is for `down`, reversed). */
export const allParts: readonly Part[] = [
  etcd,
  kubeApiserver,
  kubeControllerManager,
  kubeScheduler,
  kwok,
  registry,
  postgres,
  elasticsearch,
];
