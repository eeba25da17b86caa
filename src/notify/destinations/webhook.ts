import { createHmac } from "node:crypto";
import type { ReleaseMessage } from "../message.ts";

/** The header the body's HMAC-SHA256 is sent in, as `sha256=<hex>` (as GitHub signs its webhooks). */
export const signatureHeader = "x-slipway-signature";

export const sign = (body: string, key: string): string =>
  `sha256=${createHmac("sha256", key).update(body).digest("hex")}`;

/** The webhook's JSON: the message as it is, with a kind so a receiver can tell what it got. */
export const webhookBody = (message: ReleaseMessage): string =>
  JSON.stringify({ kind: "SlipwayReleaseMessage", ...message });

/**
 * Posts one update of the message. The receiver keeps one message per `id` and replaces it
 * when `sequence` is higher than the one it has: updates may be coalesced, never reordered.
 */
export async function postWebhook(
  url: string,
  key: string,
  message: ReleaseMessage,
  timeoutMs: number,
): Promise<void> {
  const body = webhookBody(message);
  const response = await fetch(url, {
    method: "POST",
    headers: {
      "content-type": "application/json",
      [signatureHeader]: sign(body, key),
      "x-slipway-message-id": message.id,
      "x-slipway-sequence": String(message.sequence),
    },
    body,
    signal: AbortSignal.timeout(timeoutMs),
  });
  await response.body?.cancel();
  if (!response.ok) throw new Error(`the receiver answered HTTP ${response.status}`);
}
