import type { V1Secret } from "@kubernetes/client-node";
import type { Cluster } from "../clients/kubernetes/cluster.ts";
import type { SecretReference } from "../definitions/notifications.ts";

/** A secret a destination needs could not be read: said by reference, never by value. */
export class SecretUnavailable extends Error {
  constructor(message: string) {
    super(message);
    this.name = "SecretUnavailable";
  }
}

/** How a reference is said in messages and records: where the value is, never what it is. */
export const describeReference = (ref: SecretReference): string =>
  "env" in ref ? `variable ${ref.env}` : `Secret ${ref.secret} (key ${ref.key})`;

/** Reads the value a reference names: Slipway's process environment, or a Secret in the namespace. */
export async function resolveSecret(
  cluster: Cluster,
  namespace: string,
  ref: SecretReference,
): Promise<string> {
  if ("env" in ref) {
    const value = process.env[ref.env];
    if (!value) throw new SecretUnavailable(`${describeReference(ref)} is not set`);
    return value;
  }
  const secret = (await cluster.get("Secret", ref.secret, namespace)) as V1Secret | undefined;
  const data = secret?.data?.[ref.key];
  if (!data)
    throw new SecretUnavailable(
      `${describeReference(ref)} is ${secret ? "missing that key" : "not found"} in namespace ${namespace}`,
    );
  return Buffer.from(data, "base64").toString("utf8");
}

/** Replaces every known secret value in a text: errors of HTTP and SMTP clients may quote them. */
export function scrub(text: string, secrets: readonly string[]): string {
  return secrets.filter((s) => s.length >= 4).reduce((t, s) => t.split(s).join("***"), text);
}
