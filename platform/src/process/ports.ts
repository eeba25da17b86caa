import { createServer } from "node:net";

/** Whether something already listens on host:port. */
export function isPortTaken(host: string, port: number): Promise<boolean> {
  return new Promise((resolve) => {
    const server = createServer();
    server.once("error", () => resolve(true));
    server.listen({ host, port, exclusive: true }, () => server.close(() => resolve(false)));
  });
}

/** Which process listens on a port, from /proc, or undefined when it cannot be told. */
export async function describePortOwner(port: number): Promise<string | undefined> {
  const { execFile } = await import("node:child_process");
  return new Promise((resolve) => {
    execFile("ss", ["-ltnpH", `sport = :${port}`], (error, stdout) => {
      if (error) return resolve(undefined);
      const match = /users:\(\("([^"]+)",pid=(\d+)/.exec(stdout);
      resolve(match ? `${match[1]} (PID ${match[2]})` : undefined);
    });
  });
}
