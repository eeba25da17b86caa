/** Versions of every part the local platform runs. Builds are cached under these keys. */
export const versions = {
  kubernetes: "v1.36.3",
  etcd: "v3.6.16",
  kwok: "v0.8.0",
  containerd: "v2.4.2",
  coredns: "v1.14.7",
  crane: "v0.22.1",
  elasticsearch: "8.19.21",
  /** The local mail server the notification tests send to (built from source). */
  mailpit: "v1.33.1",
  /** Built lazily, only for the deploy bench (Slipway beside Helm); not by `platform up`. */
  helm: "v3.22.0",
  /**
   * Built lazily, only for the deploy bench (Slipway beside kapp). The Go module proxy does not
   * list carvel.dev/kapp, but serves this exact version; v0.64.3 and v0.65.0 it does not.
   */
  kapp: "v0.64.2",
  /** Built lazily, only for the tests that check Slipway's signatures against cosign's own. */
  cosign: "v2.6.5",
} as const;

/** Every port the platform listens on, all on 127.0.0.1. Chosen away from the usual defaults. */
export const ports = {
  etcdClient: 23790,
  etcdPeer: 23800,
  apiserver: 26443,
  controllerManager: 26257,
  scheduler: 26259,
  kwok: 26247,
  registry: 25000,
  postgres: 25432,
  elasticsearchHttp: 29200,
  elasticsearchTransport: 29300,
  /** The real node's kubelet and kube-proxy health and metrics, on loopback. */
  kubeletHealthz: 26250,
  containerdMetrics: 26251,
  kubeProxyHealthz: 26256,
  kubeProxyMetrics: 26249,
  corednsHealth: 26253,
  /** Mailpit: SMTP, and its HTTP API that tests read received mail from. */
  mailSmtp: 25025,
  mailHttp: 28025,
  /** The second, independent control plane (context `rancher`): each port one above the first's. */
  rancher: {
    etcdClient: 23791,
    etcdPeer: 23801,
    apiserver: 26444,
    controllerManager: 26258,
    scheduler: 26260,
    kwok: 26248,
  },
  /** The third control plane (context `edge`): ports between and beside the others'. */
  edge: {
    etcdClient: 23792,
    etcdPeer: 23802,
    apiserver: 26445,
    controllerManager: 26254,
    scheduler: 26255,
    kwok: 26252,
  },
} as const;

export const host = "127.0.0.1";
