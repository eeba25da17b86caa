import { describe, expect, it } from "vitest";
import { nonVolatileBuiltins as known } from "../../src/checks/migrations/non-volatile-functions.ts";
import { nonVolatileBuiltins } from "../../scripts/non-volatile-functions.ts";
import { platform } from "../support/platform.ts";

describe("the built-in functions volatile-default counts as IMMUTABLE or STABLE", () => {
  it("are exactly those of the real PostgreSQL's pg_proc (regenerate with tsx scripts/non-volatile-functions.ts)", async () => {
    const url = `postgresql://${platform.secrets.postgresUser}:${encodeURIComponent(platform.secrets.postgresPassword)}@${platform.postgres.host}:${platform.postgres.port}/postgres`;
    const { names } = await nonVolatileBuiltins(url);
    expect([...known]).toEqual(names);
    // What the rule depends on most, both ways.
    for (const name of ["now", "lower", "md5", "to_char"]) expect(known.has(name), name).toBe(true);
    for (const name of ["random", "gen_random_uuid", "clock_timestamp", "nextval", "timeofday"])
      expect(known.has(name), name).toBe(false);
  });
});
