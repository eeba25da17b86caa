import { mailApiUrl } from "../../platform/src/parts/mailpit.ts";
import { host, ports } from "../../platform/src/versions.ts";

/** The platform's mail server (part mailpit): SMTP for Slipway, its HTTP API for the tests. */
export const mailServer = { smtp: { host, port: ports.mailSmtp }, api: mailApiUrl } as const;

/** Fails clearly when the mail server is not running: `platform up` starts it, as CI does. */
export async function requireMailServer(): Promise<void> {
  const ready = await fetch(`${mailServer.api}readyz`).then(
    (r) => r.ok,
    () => false,
  );
  if (!ready)
    throw new Error(
      `the local mail server (platform part mailpit) is not answering at ${mailServer.api}: run \`npm run platform -- up\``,
    );
}

export interface ReceivedMail {
  readonly id: string;
  readonly subject: string;
  readonly text: string;
  readonly headers: Readonly<Record<string, readonly string[]>>;
}

/** Every mail the server received for one address, oldest first. */
export async function mailTo(address: string): Promise<ReceivedMail[]> {
  const search = (await (
    await fetch(`${mailServer.api}api/v1/search?query=${encodeURIComponent(`to:"${address}"`)}`)
  ).json()) as { messages: { ID: string; Subject: string; Created: string }[] };
  const found = [...search.messages].sort((a, b) => a.Created.localeCompare(b.Created));
  return Promise.all(
    found.map(async (m) => {
      const body = (await (await fetch(`${mailServer.api}api/v1/message/${m.ID}`)).json()) as {
        Text: string;
      };
      const headers = (await (
        await fetch(`${mailServer.api}api/v1/message/${m.ID}/headers`)
      ).json()) as Record<string, string[]>;
      return { id: m.ID, subject: m.Subject, text: body.Text, headers };
    }),
  );
}
