import assert from "node:assert/strict";
import { test } from "node:test";
import { expired, task } from "./handler.js";

const now = new Date("2026-06-01T00:00:00Z");

test("keeps entries within the retention and returns older ones oldest first", () => {
  const entries = [
    { id: "b", at: "2026-01-02T00:00:00Z" },
    { id: "keep", at: "2026-05-31T00:00:00Z" },
    { id: "a", at: "2025-12-01T00:00:00Z" },
  ];
  assert.deepEqual(
    expired(entries, now, 30).map((e) => e.id),
    ["a", "b"],
  );
});

test("refuses a retention that is not a whole number of days", () => {
  assert.throws(() => expired([], now, 0), /whole number of days/);
});

test("knows the tasks its CronJob and Job run, and refuses others by name", () => {
  assert.equal(task("prune-audit"), "prune-audit");
  assert.throws(() => task("vacuum"), /no task vacuum: the tasks are prune-audit, reindex/);
});
