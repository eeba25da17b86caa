/**
 * The forms a secret takes on its way through a program, to search for as well as the value:
 * URL-encoded (in a connection URL), base64 (a Secret's `data`, a config file), and a Basic
 * authorization (`user:password` in base64, as a registry or Jenkins client sends it).
 */
export interface SecretForm {
  readonly name: string;
  readonly text: string;
}

/**
 * The base64 text that `value` becomes wherever it sits inside a longer encoded string: one
 * piece per alignment (its offset mod 3), without the characters its neighbours share.
 */
export function embeddedBase64(value: string, url = false): string[] {
  const bytes = Buffer.from(value, "utf8");
  return [0, 1, 2].map((offset) => {
    const text = Buffer.concat([Buffer.alloc(offset), bytes]).toString(url ? "base64url" : "base64");
    return text.slice(offset ? 4 : 0, Math.floor((offset + bytes.length) / 3) * 4);
  });
}

export function secretForms(secret: string, basicUser: string): SecretForm[] {
  const plain: SecretForm[] = [
    { name: "as is", text: secret },
    { name: "URL-encoded", text: encodeURIComponent(secret) },
    { name: "form-encoded", text: new URLSearchParams({ s: secret }).toString().slice(2) },
    {
      name: "Basic authorization",
      text: `Basic ${Buffer.from(`${basicUser}:${secret}`).toString("base64")}`,
    },
  ];
  const encoded = plain
    .filter((f) => f.name !== "Basic authorization")
    .flatMap((f) =>
      [false, true].flatMap((url) =>
        embeddedBase64(f.text, url).map((text, offset) => ({
          name: `${f.name}, in ${url ? "base64url" : "base64"} (offset ${offset} mod 3)`,
          text,
        })),
      ),
    );
  // A Basic credential inside a Secret's data (a .dockerconfigjson's "auth"): base64 twice.
  const basic = Buffer.from(`${basicUser}:${secret}`).toString("base64");
  const twice = embeddedBase64(basic).map((text, offset) => ({
    name: `user:password in base64, in base64 (offset ${offset} mod 3)`,
    text,
  }));
  // One entry a text, under the first name that finds it (a value URL encoding leaves alone is "as is").
  const all = [...plain, ...encoded, ...twice];
  return all.filter((f, i) => all.findIndex((g) => g.text === f.text) === i);
}

/** The forms of the secret that `text` contains, by name. */
export const leakedForms = (text: string, forms: readonly SecretForm[]): string[] =>
  forms.filter((f) => text.includes(f.text)).map((f) => f.name);
