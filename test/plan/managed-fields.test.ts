import { describe, expect, it } from "vitest";
import type { KubernetesObject } from "@kubernetes/client-node";
import {
  fieldName,
  foreignFields,
  resolveField,
  slipwayOwned,
  takeOver,
  type FieldSet,
  type ManagedFieldsEntry,
} from "../../src/plan/managed-fields.ts";

// managedFields as kube-apiserver 1.36.3 keeps them after Slipway applied A and AUTH_URL, then
// `kubectl set env deployment/files LOG_LEVEL=debug AUTH_URL=http://elsewhere` ran.
const item = (name: string, fields: FieldSet = { ".": {}, "f:name": {}, "f:value": {} }) => ({
  [`k:{"name":"${name}"}`]: fields,
});
const containerEnv = (env: FieldSet, extra: FieldSet = {}): FieldSet => ({
  "f:spec": {
    "f:template": { "f:spec": { "f:containers": { 'k:{"name":"files"}': { ...extra, "f:env": env } } } },
  },
});
const slipway: ManagedFieldsEntry = {
  manager: "slipway",
  operation: "Apply",
  apiVersion: "apps/v1",
  time: "2026-12-06T02:59:44Z",
  fieldsType: "FieldsV1",
  fieldsV1: containerEnv(
    { ...item("A"), ...item("AUTH_URL", { ".": {}, "f:name": {} }) },
    { ".": {}, "f:image": {}, "f:name": {} },
  ),
};
const controller: ManagedFieldsEntry = {
  manager: "kube-controller-manager",
  operation: "Update",
  apiVersion: "apps/v1",
  fieldsType: "FieldsV1",
  fieldsV1: { "f:metadata": { "f:annotations": { ".": {}, "f:deployment.kubernetes.io/revision": {} } } },
};
const status: ManagedFieldsEntry = {
  manager: "kube-controller-manager",
  operation: "Update",
  subresource: "status",
  fieldsType: "FieldsV1",
  fieldsV1: { "f:status": { "f:replicas": {} } },
};
const kubectlSet: ManagedFieldsEntry = {
  manager: "kubectl-set",
  operation: "Update",
  apiVersion: "apps/v1",
  time: "2026-12-06T02:59:44Z",
  fieldsType: "FieldsV1",
  fieldsV1: containerEnv({ ...item("AUTH_URL", { "f:value": {} }), ...item("LOG_LEVEL") }),
};

const deployment = (env: { name: string; value: string }[], managedFields: ManagedFieldsEntry[]) =>
  ({
    apiVersion: "apps/v1",
    kind: "Deployment",
    metadata: {
      name: "files",
      annotations: { "deployment.kubernetes.io/revision": "2" },
      managedFields,
    },
    spec: { template: { spec: { containers: [{ name: "files", image: "files:1", env }] } } },
  }) as KubernetesObject;

const defined = deployment(
  [
    { name: "A", value: "1" },
    { name: "AUTH_URL", value: "http://auth" },
  ],
  [],
);
const live = deployment(
  [
    { name: "A", value: "1" },
    { name: "AUTH_URL", value: "http://elsewhere" },
    { name: "LOG_LEVEL", value: "debug" },
  ],
  [slipway, controller, status, kubectlSet],
);
const env = "spec.template.spec.containers[0].env";
const field = (name: string) => `.spec.template.spec.containers[name="files"].env[name="${name}"]`;

describe("field sets", () => {
  it("names a field as the API server prints it", () => {
    expect(
      fieldName(["f:spec", "f:template", "f:spec", "f:containers", 'k:{"name":"files"}', "f:image"]),
    ).toBe('.spec.template.spec.containers[name="files"].image');
    expect(fieldName(["f:spec", "f:ports", 'k:{"port":80,"protocol":"TCP"}'])).toBe(
      '.spec.ports[port=80,protocol="TCP"]',
    );
    expect(fieldName(["f:spec", "f:finalizers", 'v:"a"', "f:x"])).toBe('.spec.finalizers[="a"].x');
  });

  it("finds a field in an object by its keys, or says it is not there", () => {
    const keys = [
      "f:spec",
      "f:template",
      "f:spec",
      "f:containers",
      'k:{"name":"files"}',
      "f:env",
      'k:{"name":"LOG_LEVEL"}',
    ];
    expect(resolveField(live, keys)).toEqual({
      path: `${env}[2]`,
      value: { name: "LOG_LEVEL", value: "debug" },
    });
    expect(resolveField(defined, keys)).toBeUndefined();
  });

  it("lists where Slipway's own fields are", () => {
    expect(slipwayOwned(live)).toContain(`${env}[1]`);
    expect(slipwayOwned(live)).not.toContain(`${env}[1].value`);
  });
});

describe("foreignFields", () => {
  it("names what another manager added and what it changed, with the manager; never the controllers' status", () => {
    expect(foreignFields(defined, live, [env])).toEqual([
      {
        field: `${field("AUTH_URL")}.value`,
        path: `${env}[1].value`,
        value: "http://elsewhere",
        managers: ["kubectl-set"],
        how: "changed",
      },
      {
        field: field("LOG_LEVEL"),
        path: `${env}[2]`,
        value: { name: "LOG_LEVEL", value: "debug" },
        managers: ["kubectl-set"],
        how: "added",
      },
    ]);
  });

  it("only where the definition and the object differ: the revision annotation is not a finding", () => {
    expect(foreignFields(defined, live, ["spec.replicas"])).toEqual([]);
  });
});

describe("takeOver", () => {
  it("moves the named fields, whole, from their manager to Slipway's apply, and leaves the rest", () => {
    const moved = takeOver(live, new Set([field("LOG_LEVEL")]));
    expect(moved?.map((e) => e.manager)).toEqual([
      "slipway",
      "kube-controller-manager",
      "kube-controller-manager",
      "kubectl-set",
    ]);
    const [mine, , , theirs] = moved ?? [];
    expect(mine?.fieldsV1).toEqual(
      containerEnv(
        { ...item("A"), ...item("AUTH_URL", { ".": {}, "f:name": {} }), ...item("LOG_LEVEL") },
        { ".": {}, "f:image": {}, "f:name": {} },
      ),
    );
    expect(mine?.operation).toBe("Apply");
    expect(theirs?.fieldsV1).toEqual(containerEnv(item("AUTH_URL", { "f:value": {} })));
  });

  it("drops a manager left with nothing, and is undefined when no other manager owns the fields", () => {
    const both = takeOver(live, new Set([field("LOG_LEVEL"), `${field("AUTH_URL")}.value`]));
    expect(both?.map((e) => e.manager)).toEqual([
      "slipway",
      "kube-controller-manager",
      "kube-controller-manager",
    ]);
    expect(takeOver(live, new Set([field("NOT_THERE")]))).toBeUndefined();
  });
});
