import { headline, messageText, type ReleaseMessage } from "../message.ts";

/** The text of a Slack-compatible post: the headline in bold, the rest as a code block. */
export function slackPayload(message: ReleaseMessage): { text: string } {
  const [, ...rest] = messageText(message).trimEnd().split("\n");
  return { text: `*${headline(message)}*\n\`\`\`\n${rest.join("\n").trim()}\n\`\`\`` };
}

/**
 * Posts to an incoming webhook. It cannot edit a post, so a deploy's message is posted when it
 * starts and again when it ends (see docs/guides/notifications.md on chat.update for editing in place).
 * The URL is a credential: errors never quote it.
 */
export async function postSlack(url: string, message: ReleaseMessage, timeoutMs: number): Promise<void> {
  let response: Response;
  try {
    response = await fetch(url, {
      method: "POST",
      headers: { "content-type": "application/json" },
      body: JSON.stringify(slackPayload(message)),
      signal: AbortSignal.timeout(timeoutMs),
    });
  } catch (error) {
    const cause = (error as Error & { cause?: { code?: string } }).cause?.code;
    throw new Error(`the incoming webhook could not be reached${cause ? ` (${cause})` : ""}`);
  }
  await response.body?.cancel();
  if (!response.ok) throw new Error(`the incoming webhook answered HTTP ${response.status}`);
}
