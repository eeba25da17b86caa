import { randomBytes, timingSafeEqual } from "node:crypto";
import type { MiddlewareHandler } from "hono";

/** A token per server start: a page from this server carries it, a forged form does not. */
export const newCsrfToken = (): string => randomBytes(24).toString("base64url");

export function sameToken(given: string | undefined, expected: string): boolean {
  if (!given) return false;
  const a = Buffer.from(given);
  const b = Buffer.from(expected);
  return a.length === b.length && timingSafeEqual(a, b);
}

/**
 * Requests must name this server in Host (a rebound DNS name does not), and a POST must come
 * from one of its pages: Origin (or Referer) on this host. The CSRF token is checked by each
 * action, after this.
 */
export function sameOrigin(hosts: () => readonly string[]): MiddlewareHandler {
  return async (c, next) => {
    const allowed = new Set(hosts().map((h) => h.toLowerCase()));
    const host = (c.req.header("host") ?? "").toLowerCase();
    if (!allowed.has(host)) return c.text(`refused: unexpected Host header "${host}"`, 421);
    if (c.req.method !== "GET" && c.req.method !== "HEAD") {
      const origin = c.req.header("origin") ?? c.req.header("referer");
      let from: string | undefined;
      try {
        from = origin ? new URL(origin).host.toLowerCase() : undefined;
      } catch {
        from = undefined;
      }
      if (!from || !allowed.has(from))
        return c.text("refused: the request did not come from this dashboard", 403);
    }
    await next();
  };
}
