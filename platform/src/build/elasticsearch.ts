import { createHash } from "node:crypto";
import { execFileSync } from "node:child_process";
import { existsSync, mkdirSync, renameSync, rmSync, writeFileSync } from "node:fs";
import { join } from "node:path";
import { PlatformError } from "../errors.ts";
import { formatElapsed, type Progress } from "../progress.ts";

const mavenCentral = "https://repo1.maven.org/maven2";

/**
 * A real Elasticsearch, resolved from Maven Central: Elastic publishes its
 * integration-test distribution there (a runnable zip without a bundled JDK).
 */
export async function ensureElasticsearch(
  cacheDir: string,
  version: string,
  progress: Progress,
): Promise<string> {
  const home = join(cacheDir, `elasticsearch-${version}`);
  if (existsSync(join(home, "bin", "elasticsearch"))) return home;
  const base = `${mavenCentral}/org/elasticsearch/distribution/integ-test-zip/elasticsearch/${version}/elasticsearch-${version}.zip`;
  progress.step(`downloading Elasticsearch ${version} from Maven Central`);
  const started = Date.now();
  const [zip, sha1] = await Promise.all([download(base), download(`${base}.sha1`)]);
  const expected = sha1.toString("utf8").trim().split(/\s+/)[0];
  const actual = createHash("sha1").update(zip).digest("hex");
  if (expected !== actual) {
    throw new PlatformError(
      "elasticsearch",
      `checksum mismatch for ${base}: expected ${expected}, got ${actual}`,
    );
  }
  const partial = `${home}.partial`;
  rmSync(partial, { recursive: true, force: true });
  mkdirSync(partial, { recursive: true });
  const zipPath = join(partial, "dist.zip");
  writeFileSync(zipPath, zip);
  execFileSync("unzip", ["-q", zipPath, "-d", partial]);
  rmSync(zipPath);
  rmSync(home, { recursive: true, force: true });
  renameSync(join(partial, `elasticsearch-${version}`), home);
  rmSync(partial, { recursive: true, force: true });
  progress.step(`Elasticsearch ${version} unpacked in ${formatElapsed(Date.now() - started)}`);
  return home;
}

async function download(url: string): Promise<Buffer> {
  let response: Response;
  try {
    response = await fetch(url);
  } catch (error) {
    throw new PlatformError("elasticsearch", `cannot download ${url}: ${(error as Error).message}`);
  }
  if (!response.ok)
    throw new PlatformError("elasticsearch", `cannot download ${url}: HTTP ${response.status}`);
  return Buffer.from(await response.arrayBuffer());
}
