import { createHash } from "node:crypto";
import { Agent, type AgentOptions } from "node:https";

const agents = new Map<string, Agent>();

/**
 * An idle connection is closed after this long (a free socket's timeout; requests in flight are
 * not cut): well before the API server (90 s) or a load balancer in front of it closes it, so a
 * request is never sent on a connection the other side is closing.
 */
const idleMs = 15_000;

/**
 * One keep-alive agent per set of TLS settings, in place of the new agent the kubeconfig makes
 * for every request: each request then reuses an open connection instead of a TLS handshake of
 * its own (a new secure context, certificate checks, on both sides), which was most of
 * Slipway's CPU in a deploy of a thousand services. A proxy's agent is left as it is.
 */
export function reusedAgent(made: Agent): Agent {
  if (made.constructor !== Agent) return made;
  const options = (made as Agent & { readonly options: AgentOptions }).options;
  const key = createHash("sha256")
    .update(
      JSON.stringify(
        [
          options.ca,
          options.cert,
          options.key,
          options.pfx,
          options.rejectUnauthorized,
          options.servername,
        ].map((v) => (Buffer.isBuffer(v) ? v.toString("base64") : v)),
      ),
    )
    .digest("hex");
  let agent = agents.get(key);
  if (!agent) {
    agent = new Agent({ ...options, keepAlive: true, timeout: idleMs });
    agents.set(key, agent);
  }
  return agent;
}
