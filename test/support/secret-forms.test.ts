import { describe, expect, it } from "vitest";
import { embeddedBase64, leakedForms, secretForms } from "./secret-forms.ts";

const secret = "canary-0a1b 2c3d4e5f/+=&";
const forms = secretForms(secret, "canary");
const b64 = (text: string): string => Buffer.from(text).toString("base64");

describe("the forms of a secret a leak search looks for", () => {
  it("finds the value as is, URL-encoded and form-encoded", () => {
    expect(leakedForms(`password=${secret}`, forms)).toContain("as is");
    expect(leakedForms(`postgresql://u:${encodeURIComponent(secret)}@h/db`, forms)).toEqual(["URL-encoded"]);
    expect(leakedForms(`password=${secret}`, forms)).not.toContain("URL-encoded");
    expect(leakedForms(`a=1&p=${new URLSearchParams({ p: secret }).toString().slice(2)}`, forms)).toEqual([
      "form-encoded",
    ]);
  });

  it("finds it in base64 at any offset in a longer value, as a Secret's data holds it", () => {
    for (const before of ["", "x", "xy", "postgresql://role:"]) {
      const data = b64(`${before}${secret}@127.0.0.1:5432/db`);
      expect(leakedForms(data, forms), before).toContainEqual(expect.stringMatching(/^as is, in base64/));
    }
    const url = b64(`postgresql://role:${encodeURIComponent(secret)}@127.0.0.1/db`);
    expect(leakedForms(url, forms)).toContainEqual(expect.stringMatching(/^URL-encoded, in base64/));
  });

  it("finds a Basic authorization, and one inside a Secret's .dockerconfigjson", () => {
    expect(leakedForms(`authorization: Basic ${b64(`canary:${secret}`)}`, forms)).toContain(
      "Basic authorization",
    );
    const dockerConfig = JSON.stringify({ auths: { "127.0.0.1:25000": { auth: b64(`canary:${secret}`) } } });
    expect(leakedForms(b64(dockerConfig), forms)).toContainEqual(
      expect.stringMatching(/^user:password in base64, in base64 /),
    );
  });

  it("finds nothing in other text, another secret's forms included", () => {
    const other = "canary-ffff ffffffff/+=&";
    const text = [other, encodeURIComponent(other), b64(`x${other}`), b64(`canary:${other}`)].join("\n");
    expect(leakedForms(text, forms)).toEqual([]);
    expect(embeddedBase64(secret).every((piece) => piece.length >= 24)).toBe(true);
  });
});
