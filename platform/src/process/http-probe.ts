import { request as httpRequest } from "node:http";
import { request as httpsRequest } from "node:https";

export interface ProbeOptions {
  readonly ca?: Buffer;
  /** Components that serve health on a self-signed certificate only (scheduler, controller-manager). */
  readonly insecure?: boolean;
  readonly bearer?: string;
  readonly basic?: { readonly user: string; readonly password: string };
  readonly timeoutMs?: number;
}

export interface ProbeResponse {
  readonly status: number;
  readonly body: string;
}

/** One GET against a health or version endpoint. */
export function httpGet(url: string, options: ProbeOptions = {}): Promise<ProbeResponse> {
  const target = new URL(url);
  const headers: Record<string, string> = {};
  if (options.bearer) headers.authorization = `Bearer ${options.bearer}`;
  if (options.basic) {
    headers.authorization = `Basic ${Buffer.from(`${options.basic.user}:${options.basic.password}`).toString("base64")}`;
  }
  return new Promise((resolve, reject) => {
    const done = (res: import("node:http").IncomingMessage): void => {
      const chunks: Buffer[] = [];
      res.on("data", (chunk: Buffer) => chunks.push(chunk));
      res.on("end", () =>
        resolve({ status: res.statusCode ?? 0, body: Buffer.concat(chunks).toString("utf8") }),
      );
      res.on("error", reject);
    };
    const req =
      target.protocol === "https:"
        ? httpsRequest(target, { headers, ca: options.ca, rejectUnauthorized: !options.insecure }, done)
        : httpRequest(target, { headers }, done);
    req.setTimeout(options.timeoutMs ?? 3000, () =>
      req.destroy(new Error(`timeout after ${options.timeoutMs ?? 3000} ms`)),
    );
    req.on("error", reject);
    req.end();
  });
}
