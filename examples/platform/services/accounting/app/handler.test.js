import assert from "node:assert/strict";
import { test } from "node:test";
import { handle } from "./handler.js";

const charge = (body) => handle({ method: "POST", path: "/accounting/charge", body });

test("answers the readiness probe", () => {
  assert.equal(handle({ method: "GET", path: "/ready" }).status, 200);
});

test("charges a wallet in cents, without rounding errors", () => {
  const first = charge({ walletId: 1, amount: 0.1 });
  assert.deepEqual(first, { status: 200, body: { walletId: 1, balance: 99.9 } });
  assert.equal(charge({ walletId: 1, amount: 0.2 }).body.balance, 99.7);
});

test("refuses a charge above the balance, and leaves the balance as it was", () => {
  const r = charge({ walletId: 1, amount: 1_000_000 });
  assert.equal(r.status, 402);
  assert.equal(charge({ walletId: 1, amount: 0.01 }).status, 200);
});

test("refuses a malformed charge or an unknown wallet", () => {
  assert.equal(charge({ walletId: "1", amount: 5 }).status, 400);
  assert.equal(charge({ walletId: 1, amount: -5 }).status, 400);
  assert.equal(charge({ walletId: 7, amount: 5 }).status, 404);
});
