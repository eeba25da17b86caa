import { createTransport } from "nodemailer";
import type { EmailDestination } from "../../definitions/notifications.ts";
import { headline, messageText, type ReleaseMessage } from "../message.ts";

/**
 * Sends the message as one mail. Mail cannot be edited, so it is sent once, with the outcome:
 * the one mail a reader needs, and the same Message-ID for the one deploy.
 */
export async function sendMail(
  destination: EmailDestination,
  password: string | undefined,
  message: ReleaseMessage,
  timeoutMs: number,
): Promise<void> {
  const { smtp } = destination;
  const tls = smtp.tls ?? "starttls";
  const transport = createTransport({
    host: smtp.host,
    port: smtp.port,
    secure: tls === "tls",
    requireTLS: tls === "starttls",
    ignoreTLS: tls === "none",
    ...(smtp.username ? { auth: { user: smtp.username, pass: password ?? "" } } : {}),
    connectionTimeout: timeoutMs,
    greetingTimeout: timeoutMs,
    socketTimeout: timeoutMs,
  });
  try {
    await transport.sendMail({
      from: destination.from,
      to: destination.to,
      subject: headline(message),
      text: messageText(message),
      messageId: `<${message.id}@slipway>`,
      headers: { "X-Slipway-Message-Id": message.id, "X-Slipway-Sequence": String(message.sequence) },
    });
  } finally {
    transport.close();
  }
}
