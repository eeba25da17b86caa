import assert from "node:assert/strict";
import { test } from "node:test";
import { handle } from "./handler.js";

const send = (body) => handle({ method: "POST", path: "/mail/send", body });

test("queues a mail with its subject filled in from the template", () => {
  const r = send({
    recipient: "ada@example.org",
    template: "quota-warning",
    params: { name: "Ada", percent: "91" },
  });
  assert.equal(r.status, 202);
  assert.equal(r.body.subject, "Ada, your storage is 91% full");
});

test("refuses a recipient that is not an e-mail address", () => {
  assert.equal(send({ recipient: "ada", template: "welcome", params: { name: "Ada" } }).status, 400);
});

test("names the parameters a template is missing", () => {
  const r = send({ recipient: "ada@example.org", template: "quota-warning", params: { name: "Ada" } });
  assert.deepEqual(r, { status: 400, body: { error: "template quota-warning needs percent" } });
});
