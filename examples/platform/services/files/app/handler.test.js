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

test("uploads a file into a folder, and by its conflict policy refuses, replaces or renames it", () => {
  const upload = (body) => handle({ method: "POST", path: "/files/upload", body });
  assert.deepEqual(upload({ path: "/home/bo/a.txt", size: 3 }), {
    status: 201,
    body: { path: "/home/bo/a.txt", size: 3 },
  });
  assert.equal(upload({ path: "/home/bo/a.txt", size: 4 }).status, 409);
  assert.deepEqual(upload({ path: "/home/bo/a.txt", size: 5, conflictPolicy: "rename" }).body, {
    path: "/home/bo/a (1).txt",
    size: 5,
  });
  assert.equal(upload({ path: "/home/bo/a.txt", size: 6, conflictPolicy: "replace" }).status, 201);
  const listed = handle({ method: "POST", path: "/files/browse", body: { path: "/home/bo" } }).body;
  assert.deepEqual(listed.items, [
    { name: "a (1).txt", size: 5 },
    { name: "a.txt", size: 6 },
  ]);
  assert.equal(upload({ path: "relative.txt", size: 1 }).status, 400);
  assert.equal(upload({ path: "/home/bo/b.txt", size: -1 }).status, 400);
  assert.equal(upload({ path: "/home/bo/b.txt", size: 1, conflictPolicy: "merge" }).status, 400);
});
