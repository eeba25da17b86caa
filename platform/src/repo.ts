import { fileURLToPath } from "node:url";
import { join } from "node:path";

/** The platform folder of this repository (holds the Go wrapper modules). */
export const platformRoot = fileURLToPath(new URL("..", import.meta.url));
export const goModuleDir = (
  name: "kubernetes" | "etcd" | "tools" | "helm" | "kapp" | "node" | "coredns" | "mailpit" | "cosign",
): string => join(platformRoot, "go", name);
