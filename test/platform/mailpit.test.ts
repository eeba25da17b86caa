import { randomBytes } from "node:crypto";
import { createTransport } from "nodemailer";
import { describe, expect, it } from "vitest";
import { mailpit } from "../../platform/src/parts/mailpit.ts";
import { versions } from "../../platform/src/versions.ts";
import { mailServer, mailTo, requireMailServer } from "../support/mail.ts";

describe("the local mail server (part mailpit)", () => {
  it("takes a mail over SMTP with a login and shows it in its API", async () => {
    await requireMailServer();
    const to = `probe-${randomBytes(4).toString("hex")}@example.test`;
    const transport = createTransport({
      ...mailServer.smtp,
      ignoreTLS: true,
      auth: { user: "slipway", pass: randomBytes(8).toString("hex") },
    });
    await transport.sendMail({ from: "slipway@example.test", to, subject: "probe", text: "hello\n" });
    transport.close();
    const [mail] = await mailTo(to);
    expect(mail?.subject).toBe("probe");
    expect(mail?.text.trim()).toBe("hello");
  });

  it("reports the version built from platform/go/mailpit", async () => {
    // Its `version` asks the running server; the part needs no build context for it.
    expect(await mailpit.version({} as Parameters<typeof mailpit.version>[0])).toBe(versions.mailpit);
  });
});
