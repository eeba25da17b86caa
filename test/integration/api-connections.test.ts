// Requests to the API server reuse their connections: the kubeconfig's client makes a new agent
// for each request, and with it a TLS handshake per request, which was most of Slipway's CPU in a
// deploy of a thousand services (bench:deploy).
import { createHook } from "node:async_hooks";
import { describe, expect, it } from "vitest";
import { Cluster } from "../../src/clients/kubernetes/cluster.ts";
import { platform } from "../support/platform.ts";

describe("API connections", () => {
  it("opens a connection once for requests one after another, not one per request", async () => {
    const cluster = Cluster.open("local", platform.kubeconfig);
    await cluster.list("ConfigMap", "default", "slipway.dev/none=1");
    let opened = 0;
    // Each new connection is a TCP connect of its own (TCPCONNECTWRAP).
    const connections = createHook({
      init: (_id, type) => {
        if (type === "TCPCONNECTWRAP") opened++;
      },
    }).enable();
    try {
      for (let i = 0; i < 20; i++) await cluster.list("ConfigMap", "default", "slipway.dev/none=1");
      await cluster.get("ConfigMap", "kube-root-ca.crt", "default");
    } finally {
      connections.disable();
    }
    expect(cluster.requests).toBe(22);
    expect(opened).toBe(0);
  });
});
