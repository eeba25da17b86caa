// Migrations that ship in the service's image (`migrations.image`, mode "job"): the example's
// accounting builds its SQL files into /migrations of its image. The plan reads them out of the
// image's layers in the real registry, from the digest it pins, and the deploy checks them as
// it checks local files: a breaking one inside the image is refused, nothing rolled out.
import { readFileSync, writeFileSync } from "node:fs";
import { join } from "node:path";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { ExitCode } from "../../src/cli/exit-codes.ts";
import { Cluster } from "../../src/clients/kubernetes/cluster.ts";
import { parseMigrationName } from "../../src/definitions/flyway.ts";
import { flywayChecksum } from "../../src/migrations/checksum.ts";
import { runDirect } from "../../src/migrations/run-direct.ts";
import type { PlanDocument } from "../../src/output/documents.ts";
import { ReleaseStore } from "../../src/release/store.ts";
import {
  deploySharedConfigOwner,
  isolatedExample,
  provisionExampleDatabases,
  publishDefinedVersions,
  removeExample,
  slipway,
  slipwayUnpublished,
} from "../support/deploy-project.ts";
import { kube, platform } from "../support/platform.ts";
import { copyOfExample } from "../support/project.ts";
import { runSlipway } from "../support/slipway-bin.ts";

const project = isolatedExample("shipped", { node: "real" });
const deploy = ["deploy", "accounting", "--env", "dev", "--yes", "--timeout", "60s"];
const migrationsFolder = join(project.root, "services/accounting/migrations");
const database = `${project.namespace}_accounting`.replace(/[^a-z0-9_]/g, "_");
const { postgresUser: user, postgresPassword: password } = platform.secrets;
const url = `postgresql://${encodeURIComponent(user)}:${encodeURIComponent(password)}@${platform.postgres.host}:${platform.postgres.port}/${database}`;
const store = new ReleaseStore(Cluster.open("local", platform.kubeconfig), project.namespace);
const image = `${platform.registry}/research/accounting`;

const localFiles = (): { name: string; sql: string }[] =>
  ["V1__wallets.sql", "V2__transactions.sql"].map((name) => ({
    name,
    sql: readFileSync(join(migrationsFolder, name), "utf8"),
  }));

const runningVersion = async (): Promise<string | undefined> =>
  (await kube.apps().readNamespacedDeployment({ namespace: project.namespace, name: "accounting" })).metadata
    ?.labels?.["app.kubernetes.io/version"];

// Versions of this file's own: the registry is shared, and a test elsewhere that builds
// accounting's tags from another checkout must not change the images this file reads.
const version = (n: number): string => `2.3.${n}-${project.namespace}`;
project.edit("services/accounting/service.ts", 'version: "2.3.1"', `version: "${version(1)}"`);

beforeAll(async () => {
  await provisionExampleDatabases(project.config, "dev");
  await deploySharedConfigOwner(project.config);
});
afterAll(() => removeExample(project.namespace));

describe("migrations that ship in the image", () => {
  it("the plan reads them from the image's digest and says where from; the deploy checks and records them", async () => {
    const plan = await slipway(project.config, "plan", "accounting", "--env", "dev", "-o", "json");
    expect(plan.code, plan.stderr).toBe(0);
    const service = (JSON.parse(plan.stdout) as PlanDocument).services.find(
      (s) => s.service === "accounting",
    );
    const digest = service?.gate?.digest ?? "";
    expect(digest).toMatch(/^sha256:[0-9a-f]{64}$/);
    expect(service?.shippedMigrations).toEqual({
      image,
      digest,
      folder: "/migrations",
      files: ["V1__wallets.sql", "V2__transactions.sql"],
    });
    const text = await slipway(project.config, "plan", "accounting", "--env", "dev");
    expect(text.stdout).toContain(
      `✓ migration-files: 2 file(s) from image ${image}@${digest}:/migrations (V1__wallets.sql, V2__transactions.sql)`,
    );

    const r = await slipway(project.config, ...deploy);
    expect(r.code, r.stdout + r.stderr).toBe(0);
    expect(r.stderr).toContain(`accounting: 2 migration file(s) from image ${image}@${digest}:/migrations`);
    expect(r.stderr).toMatch(/accounting: migrations checked: 2 pending, \d+ finding\(s\), 0 blocking/);
    // The record keeps the files as it keeps local ones (what history and a rollback's proof read).
    const release = await store.get("accounting", 1);
    expect(release.migrations).toEqual(
      localFiles().map((f) => ({ name: f.name, checksum: flywayChecksum(f.sql) })),
    );
    expect(release.checks).toContainEqual(
      expect.objectContaining({ check: "gate/migration-files", outcome: "passed" }),
    );
    // The Job ran them against the database (on the simulated nodes it completes without running).
    await runDirect(
      url,
      localFiles().map(
        (f) => parseMigrationName(f.name, f.sql) as NonNullable<ReturnType<typeof parseMigrationName>>,
      ),
      { dryRun: false },
    );
  });

  it("refuses a breaking migration inside the image, with the finding; nothing rolled out", async () => {
    writeFileSync(
      join(migrationsFolder, "V3__drop_balance.sql"),
      "set lock_timeout = '5s';\nalter table wallets drop column balance;\n",
    );
    project.edit("services/accounting/service.ts", version(1), version(2));
    const r = await slipway(project.config, ...deploy);
    expect(r.code, r.stdout + r.stderr).toBe(ExitCode.refused);
    expect(r.stderr).toMatch(
      /accounting: 3 migration file\(s\) from image .*accounting@sha256:[0-9a-f]{64}:\/migrations/,
    );
    expect(r.stderr).toContain("V3__drop_balance.sql:2:13: error ban-drop-column");
    expect(r.stderr).toMatch(
      /migration check refused \d+ breaking change\(s\): .*V3__drop_balance\.sql:2 ban-drop-column/,
    );
    expect(r.stdout).toContain("nothing rolled out");
    expect(await runningVersion()).toBe(version(1));
  });

  it("refuses when the image does not hold the folder the definition names", async () => {
    // Built with its migrations in /srv/sql (the example's build copies them where the definition says) ...
    project.edit("services/accounting/service.ts", 'image: "/migrations"', 'image: "/srv/sql"');
    project.edit("services/accounting/service.ts", version(2), version(3));
    await publishDefinedVersions(project.config);
    // ... and deployed by a definition that looks for them in /db.
    project.edit("services/accounting/service.ts", 'image: "/srv/sql"', 'image: "/db"');
    const r = await slipwayUnpublished(project.config, ...deploy);
    expect(r.code, r.stdout + r.stderr).toBe(ExitCode.refused);
    expect(r.stderr).toMatch(
      /✗ migration-files: cannot check the migrations in image .*accounting@sha256:[0-9a-f]{64}:\/db/,
    );
    expect(r.stderr).toMatch(/has no \.sql file in \/db \(migrations\.image\)/);
    expect(r.stderr).toContain("nothing was deployed");
    expect(await runningVersion()).toBe(version(1));
  });
});

describe("validate: where the migrations are, through the installed binary", () => {
  const copy = copyOfExample();
  const service = join(copy.root, "services/accounting/service.ts");
  const original = readFileSync(service, "utf8");
  const cases: [string, (s: string) => string, RegExp][] = [
    [
      "both path and image",
      (s) => s.replace('image: "/migrations",', 'image: "/migrations", path: "./migrations",'),
      /services\/accounting\/service\.ts: migrations\.image: cannot be given with path/,
    ],
    [
      "neither path nor image",
      (s) => s.replace('image: "/migrations",', ""),
      /services\/accounting\/service\.ts: migrations: needs path \(a folder beside the definition\) or image/,
    ],
    [
      "image in direct mode",
      (s) => s.replace('mode: "job",', 'mode: "direct",'),
      /services\/accounting\/service\.ts: migrations\.mode: must be "job" with image/,
    ],
    [
      "image not absolute",
      (s) => s.replace('image: "/migrations"', 'image: "migrations"'),
      /services\/accounting\/service\.ts: migrations\.image: must be an absolute folder inside the image/,
    ],
  ];
  it.each(cases)("%s: a located error, exit 2, no stack trace", async (_name, change, error) => {
    writeFileSync(service, change(original));
    try {
      const r = await runSlipway(["validate", "-c", copy.config]);
      expect(r.code, r.stdout + r.stderr).toBe(ExitCode.usage);
      expect(r.stderr).toMatch(error);
      expect(r.stderr).not.toMatch(/\n\s+at /);
    } finally {
      writeFileSync(service, original);
    }
  });

  it("list says where they are without asking the registry", async () => {
    const r = await runSlipway(["list", "-c", copy.config, "-o", "json"]);
    expect(r.code, r.stderr).toBe(0);
    const accounting = (
      JSON.parse(r.stdout) as {
        services: { name: string; migrations: number | null; migrationsFrom?: string }[];
      }
    ).services.find((s) => s.name === "accounting");
    expect(accounting).toMatchObject({ migrations: null, migrationsFrom: "image:/migrations" });
    const table = await runSlipway(["list", "-c", copy.config]);
    expect(table.stdout).toMatch(/^accounting\s+2\.3\.1\s+1\s+image:\/migrations\s/m);
  });
});
