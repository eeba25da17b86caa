import { writeFileSync } from "node:fs";
import { join } from "node:path";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { ExitCode } from "../../src/cli/exit-codes.ts";
import {
  deploySharedConfigOwner,
  isolatedExample,
  provisionExampleDatabases,
  removeExample,
  slipway,
} from "../support/deploy-project.ts";

// A new service's first deploy: every file is pending (none is in flyway_schema_history), so
// what one creates no running version uses, and a later one may change it. Once applied, the
// same change is a change to what runs.
const project = isolatedExample("firstmig", { node: "simulated" });
const migrations = join(project.root, "services/mail/migrations");
const deploy = ["deploy", "mail", "--env", "dev", "--yes", "--timeout", "60s"];

beforeAll(async () => {
  await provisionExampleDatabases(project.config, "dev");
  await deploySharedConfigOwner(project.config);
});
afterAll(() => removeExample(project.namespace));

describe("migrations a first deploy creates, then changes", () => {
  it("deploys a new service whose V3 renames a column of the table its V2 creates and drops a NOT NULL of it", async () => {
    writeFileSync(
      join(migrations, "V2__templates.sql"),
      "create table templates (id bigserial primary key, name text not null, body text);\n",
    );
    writeFileSync(
      join(migrations, "V3__template_title.sql"),
      "alter table templates rename column name to title;\nalter table templates alter column title drop not null;\n",
    );
    const r = await slipway(project.config, ...deploy);
    expect(r.code, r.stdout + r.stderr).toBe(ExitCode.ok);
    expect(r.stderr).toContain("migrations checked: 3 pending, 0 finding(s), 0 blocking");
    expect(r.stderr).toContain("applied V1__outbox.sql, V2__templates.sql, V3__template_title.sql");
  });

  it("refuses the same kind of change once the table is applied: it is no longer new", async () => {
    project.edit("services/mail/service.ts", 'version: "0.9.2"', 'version: "0.9.3"');
    writeFileSync(
      join(migrations, "V4__template_name.sql"),
      "set lock_timeout = '5s';\nalter table templates rename column title to name;\n",
    );
    const r = await slipway(project.config, ...deploy);
    expect(r.code, r.stdout + r.stderr).toBe(ExitCode.refused);
    expect(r.stderr).toContain("V4__template_name.sql:2:13: error renaming-column");
  });
});
