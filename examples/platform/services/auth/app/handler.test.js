import assert from "node:assert/strict";
import { once } from "node:events";
import { test } from "node:test";
import { handle, serve } from "./handler.js";

test("answers the health and readiness probes", () => {
  assert.equal(handle({ method: "GET", path: "/healthz" }).status, 200);
  assert.equal(handle({ method: "GET", path: "/ready" }).status, 200);
});

test("logs a user in with a known provider and hands out a token", () => {
  const r = handle({ method: "POST", path: "/auth/login", body: { username: "ada", provider: "orcid" } });
  assert.equal(r.status, 200);
  assert.equal(r.body.username, "ada");
  assert.match(r.body.token, /^[0-9a-f-]{36}$/);
});

test("refuses a login without a username or with an unknown provider", () => {
  assert.equal(handle({ method: "POST", path: "/auth/login", body: { provider: "wayf" } }).status, 400);
  const r = handle({ method: "POST", path: "/auth/login", body: { username: "ada", provider: "ldap" } });
  assert.equal(r.status, 400);
  assert.match(r.body.error, /provider must be one of password, wayf, orcid/);
});

test("refreshes a token only with a refresh token", () => {
  assert.equal(handle({ method: "POST", path: "/auth/refresh", body: { refreshToken: "r" } }).status, 200);
  assert.equal(handle({ method: "POST", path: "/auth/refresh", body: {} }).status, 400);
});

test("serves the same over HTTP", async () => {
  const server = serve(0);
  await once(server, "listening");
  try {
    const response = await globalThis.fetch(`http://127.0.0.1:${server.address().port}/auth/login`, {
      method: "POST",
      body: JSON.stringify({ username: "ada", provider: "password" }),
    });
    assert.equal(response.status, 200);
    assert.equal((await response.json()).username, "ada");
  } finally {
    server.close();
  }
});
