import assert from "node:assert/strict";
import { test } from "node:test";
import { handle } from "./handler.js";

const browse = (body) => handle({ method: "POST", path: "/files/browse", body });

test("answers the health probe", () => {
  assert.equal(handle({ method: "GET", path: "/healthz" }).status, 200);
});

test("lists a folder one page at a time, 25 items by default", () => {
  const r = browse({ path: "/home/ada" });
  assert.equal(r.status, 200);
  assert.equal(r.body.items.length, 25);
  assert.equal(r.body.total, 45);
  assert.equal(browse({ path: "/home/ada", itemsPerPage: 10 }).body.items.length, 10);
});

test("sorts by the key asked for", () => {
  const r = browse({ path: "/home/ada", sortBy: "size", itemsPerPage: 2 });
  assert.deepEqual(
    r.body.items.map((i) => i.size),
    [100, 101],
  );
});

test("refuses an unknown sort key or a page size that is not a positive integer", () => {
  assert.equal(browse({ path: "/home/ada", sortBy: "colour" }).status, 400);
  assert.equal(browse({ path: "/home/ada", itemsPerPage: 0 }).status, 400);
  assert.equal(browse({ path: "/home/ada", itemsPerPage: "10" }).status, 400);
});

test("says which folder does not exist", () => {
  assert.deepEqual(browse({ path: "/home/bob" }), { status: 404, body: { error: "no folder /home/bob" } });
});
