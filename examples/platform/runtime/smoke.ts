// --run-script smoke-test: calls the running service through its Kubernetes Service, as another
// service would: /ready, then one real call (the handler's `smoke` request).
import { injected } from "./faults.ts";
import { callPath, type ServiceProgram } from "./program.ts";
import type { Output } from "./server.ts";
import type { Settings } from "./settings.ts";

/** Where the Service answers: SMOKE_TEST_URL, else its cluster DNS name and port. */
export function smokeTarget(program: ServiceProgram, settings: Settings): string {
  if (settings.smokeTestUrl) return settings.smokeTestUrl;
  if (program.servicePort === undefined) throw new Error(`${program.name} has no Service to call`);
  if (!settings.namespace)
    throw new Error(
      "the namespace is unknown: set POD_NAMESPACE (fieldRef metadata.namespace) or mount the ServiceAccount token",
    );
  return `http://${program.name}.${settings.namespace}.svc.cluster.local:${program.servicePort}`;
}

/** Runs the smoke test; returns the exit code. */
export async function smokeTest(
  program: ServiceProgram,
  settings: Settings,
  out: Output,
  fetchImpl: typeof fetch = fetch,
): Promise<number> {
  const fail = (reason: string): number => {
    out.warn(`smoke-test: FAILED: ${reason}`);
    return 1;
  };
  const smoke = program.handler.smoke;
  if (!smoke) return fail(`${program.name} defines no smoke request`);
  let base: string;
  try {
    base = smokeTarget(program, settings);
  } catch (error) {
    return fail((error as Error).message);
  }
  const call = async (method: string, path: string, body?: unknown) => {
    try {
      const response = await fetchImpl(`${base}${path}`, {
        method,
        headers: { "content-type": "application/json", "x-user": "smoke-test" },
        ...(body === undefined ? {} : { body: JSON.stringify(body) }),
        signal: AbortSignal.timeout(10_000),
      });
      return { status: response.status, text: (await response.text()).slice(0, 300) };
    } catch (error) {
      const cause = (error as { cause?: Error }).cause?.message;
      return { status: 0, text: `${(error as Error).message}${cause ? `: ${cause}` : ""}` };
    }
  };
  out.log(`smoke-test: ${program.name} ${settings.version} at ${base}`);
  const ready = await call("GET", "/ready");
  if (ready.status !== 200)
    return fail(`GET ${base}/ready answered ${ready.status || "nothing"}: ${ready.text}`);
  out.log(`smoke-test: GET /ready 200`);
  const path = callPath(smoke.call);
  const answer = await call("POST", path, smoke.body);
  if (!smoke.expect.includes(answer.status))
    return fail(
      `${smoke.call} (POST ${path}) answered ${answer.status || "nothing"}, expected ${smoke.expect.join(" or ")}: ${answer.text}`,
    );
  out.log(`smoke-test: ${smoke.call} (POST ${path}) ${answer.status}: ${answer.text}`);
  if (settings.faults.has("smoke-fails"))
    return fail(`${injected("smoke-fails")}: the answers above are taken as wrong`);
  out.log("smoke-test: passed");
  return 0;
}
