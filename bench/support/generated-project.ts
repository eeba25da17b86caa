import { mkdirSync, mkdtempSync, rmSync, writeFileSync } from "node:fs";
import { join } from "node:path";
import { fileURLToPath } from "node:url";

/**
 * A generated project of `count` services (svc-000, svc-001, ...) inside the repository, so
 * `import ... from "slipway"` resolves; removed when the process exits, however it ends.
 * `config` is the body of defineProject; `service` the body of defineService for a name.
 */
export function generatedProject(
  count: number,
  config: string,
  service: (name: string) => string,
): { root: string; config: string } {
  const repo = fileURLToPath(new URL("../..", import.meta.url));
  const root = mkdtempSync(join(repo, "bench", ".project-"));
  process.once("exit", () => rmSync(root, { recursive: true, force: true }));
  writeFileSync(
    join(root, "slipway.config.ts"),
    `import { defineEnvironment, defineProject } from "slipway";\nexport default defineProject(${config});\n`,
  );
  for (let i = 0; i < count; i++) {
    const name = `svc-${String(i).padStart(3, "0")}`;
    mkdirSync(join(root, "services", name), { recursive: true });
    writeFileSync(
      join(root, "services", name, "service.ts"),
      `import { defineService } from "slipway";\nexport default defineService(${service(name)});\n`,
    );
  }
  return { root, config: join(root, "slipway.config.ts") };
}
