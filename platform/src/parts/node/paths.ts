import { join } from "node:path";
import { partDir, type Layout } from "../../layout.ts";

/** Where containers' logs go, instead of /var/log/pods (the kubelet's links to them stay in /var/log/containers). */
export const podLogsDir = (layout: Layout): string => join(partDir(layout, "node/kubelet"), "pod-logs");
