import { mkdirSync, writeFileSync } from "node:fs";
import { join } from "node:path";
import { RbacAuthorizationV1Api } from "@kubernetes/client-node";
import { apiStatusCode } from "../../kube-client.ts";
import { httpGet } from "../../process/http-probe.ts";
import { partDir } from "../../layout.ts";
import { host, ports, versions } from "../../versions.ts";
import { localPlane, partName } from "../control-plane.ts";
import { planeAdminKubeConfig } from "../kube-identities.ts";
import { goBuilt, requireBinaries, type Part, type PartContext } from "../part.ts";
import { corednsKubeconfig, corednsUser, writeNodeKubeconfigs } from "./identity.ts";
import { realNode } from "./network.ts";
import { ensurePlatformServices } from "./platform-services.ts";

export const corednsPartName = "node/coredns";
const corednsDir = (ctx: Pick<PartContext, "layout">): string => partDir(ctx.layout, corednsPartName);

/**
 * Cluster DNS, run beside the node rather than in a pod: the API server listens on loopback
 * only, which a pod cannot reach. Pods ask it on the node's bridge address; it answers
 * `cluster.local` names from the API server and nothing else (there is no upstream here).
 */
function corefile(ctx: PartContext): string {
  return `cluster.local:53 in-addr.arpa:53 {
    bind ${realNode.address}
    errors
    health ${host}:${ports.corednsHealth}
    kubernetes cluster.local in-addr.arpa {
        kubeconfig ${corednsKubeconfig(ctx)} ${localPlane.name}
        pods insecure
    }
    cache 5
}
.:53 {
    bind ${realNode.address}
    errors
}
`;
}

/** What CoreDNS's kubernetes plugin reads, and nothing more. */
async function grantRead(ctx: PartContext): Promise<void> {
  const rbac = planeAdminKubeConfig(ctx, localPlane).makeApiClient(RbacAuthorizationV1Api);
  const name = "slipway:coredns";
  const create = async (fn: () => Promise<unknown>): Promise<void> => {
    try {
      await fn();
    } catch (error) {
      if (apiStatusCode(error) !== 409) throw error;
    }
  };
  await create(() =>
    rbac.createClusterRole({
      body: {
        metadata: { name },
        rules: [
          {
            apiGroups: [""],
            resources: ["endpoints", "services", "pods", "namespaces"],
            verbs: ["list", "watch"],
          },
          { apiGroups: ["discovery.k8s.io"], resources: ["endpointslices"], verbs: ["list", "watch"] },
        ],
      },
    }),
  );
  await create(() =>
    rbac.createClusterRoleBinding({
      body: {
        metadata: { name },
        roleRef: { apiGroup: "rbac.authorization.k8s.io", kind: "ClusterRole", name },
        subjects: [{ apiGroup: "rbac.authorization.k8s.io", kind: "User", name: corednsUser }],
      },
    }),
  );
}

export const corednsPart: Part = {
  name: corednsPartName,
  install: goBuilt("coredns"),
  address: `${realNode.address}:53 (cluster.local)`,
  ports: [ports.corednsHealth],
  dependsOn: [partName(localPlane, "kube-apiserver")],
  startTimeoutMs: 60_000,
  async prepare(ctx) {
    mkdirSync(corednsDir(ctx), { recursive: true });
    writeNodeKubeconfigs(ctx);
    await grantRead(ctx);
    writeFileSync(join(corednsDir(ctx), "Corefile"), corefile(ctx));
  },
  async afterStart(ctx) {
    await ensurePlatformServices(ctx);
  },
  launch(ctx) {
    const corefilePath = join(corednsDir(ctx), "Corefile");
    return {
      executable: requireBinaries(ctx).coredns,
      marker: corefilePath,
      args: ["-conf", corefilePath],
    };
  },
  async healthy() {
    const res = await httpGet(`http://${host}:${ports.corednsHealth}/health`, {});
    return res.status === 200;
  },
  async version() {
    return versions.coredns;
  },
};
