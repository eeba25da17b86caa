import assert from "node:assert/strict";
import { test } from "node:test";
import { handle } from "./handler.js";

const post = (path, body) => handle({ method: "POST", path, body });

test("starts an application with one replica for an hour by default, and stops it", () => {
  const started = post("/apps/start", { application: { name: "jupyter", version: "4.1" } });
  assert.equal(started.status, 201);
  assert.deepEqual(
    { application: started.body.application, replicas: started.body.replicas, hours: started.body.hours },
    { application: "jupyter:4.1", replicas: 1, hours: 1 },
  );
  const stopped = post("/apps/stop", { jobId: started.body.jobId });
  assert.equal(stopped.body.state, "stopping");
});

test("refuses replicas or a time allocation out of bounds", () => {
  const application = { name: "jupyter", version: "4.1" };
  assert.equal(post("/apps/start", { application, replicas: 0 }).status, 400);
  assert.equal(post("/apps/start", { application, replicas: 17 }).status, 400);
  assert.equal(post("/apps/start", { application, timeAllocationHours: 100 }).status, 400);
});

test("says which job it cannot stop", () => {
  assert.deepEqual(post("/apps/stop", { jobId: "nope" }), { status: 404, body: { error: "no job nope" } });
});
