import { z } from "zod";

/**
 * Where an environment tells what its deploys do: a signed webhook, a Slack-compatible
 * incoming webhook, e-mail over SMTP. Self-contained (zod only): schema.ts imports it.
 */

const name = z.string().regex(/^[a-z0-9]([-a-z0-9]*[a-z0-9])?$/, {
  message: "must be a DNS-1123 label: lower-case letters, digits and '-'",
});
const secretName = z.string().regex(/^[a-z0-9]([-a-z0-9]*[a-z0-9])?(\.[a-z0-9]([-a-z0-9]*[a-z0-9])?)*$/, {
  message: "must be a DNS-1123 subdomain: lower-case letters, digits, '-' and '.'",
});

/**
 * A secret value by reference, never the value: a key of a Secret in the environment's
 * namespace, or a variable of Slipway's own process (a CI job's masked variable).
 */
export const secretReference = z.union([
  z.strictObject({ secret: secretName, key: z.string().min(1) }),
  z.strictObject({
    env: z.string().regex(/^[A-Za-z_][A-Za-z0-9_]*$/, { message: "must be an environment variable name" }),
  }),
  // A value written in place of a reference: refused, and never repeated (params.secret).
  z.string().transform((_value, ctx): never => {
    ctx.issues.push({
      code: "custom",
      input: "",
      params: { secret: true },
      message:
        'is a secret written as a value: name a Secret\'s key ({ secret: "name", key: "key" }) or a variable ({ env: "NAME" }) instead',
    });
    return z.NEVER;
  }),
]);
export type SecretReference = z.infer<typeof secretReference>;

/** "90s", "30m", "1h": how long a failure counts as the same incident. */
export const notificationDuration = z.string().regex(/^\d+(s|m|h)$/, {
  message: 'must be a duration such as "30m" or "1h"',
});

const common = {
  name,
  /** all (default): every deploy; failures: only deploys that fail, once per incident. */
  on: z.enum(["all", "failures"]).optional(),
  /** With on: failures, the same service, version and step failing again within it is not alerted again. */
  repeatWindow: notificationDuration.optional(),
};

const webhook = z.strictObject({
  ...common,
  type: z.literal("webhook"),
  url: z.url(),
  /** The HMAC-SHA256 key the body is signed with (X-Slipway-Signature: sha256=<hex>). */
  signingKey: secretReference,
});

const slack = z.strictObject({
  ...common,
  type: z.literal("slack"),
  /** An incoming webhook's URL is itself a credential: a reference, like any secret. */
  url: secretReference,
});

const email = z.strictObject({
  ...common,
  type: z.literal("email"),
  smtp: z.strictObject({
    host: z.string().min(1),
    port: z.number().int().min(1).max(65535),
    /** none: plain (a local relay); starttls: upgrade (default); tls: TLS from the start (465). */
    tls: z.enum(["none", "starttls", "tls"]).optional(),
    username: z.string().min(1).optional(),
    password: secretReference.optional(),
  }),
  from: z.email(),
  to: z.array(z.email()).min(1),
});

/** The environment's destinations: each deploy's message goes to each of them. */
export const notificationsSchema = z.array(z.discriminatedUnion("type", [webhook, slack, email])).min(1);

export type Destination = z.infer<typeof notificationsSchema>[number];
export type WebhookDestination = Extract<Destination, { type: "webhook" }>;
export type SlackDestination = Extract<Destination, { type: "slack" }>;
export type EmailDestination = Extract<Destination, { type: "email" }>;

/** The default `repeatWindow`. */
export const defaultRepeatWindow = "1h";

export const durationMs = (text: string): number => {
  const unit = { s: 1000, m: 60_000, h: 3_600_000 }[text.slice(-1) as "s" | "m" | "h"];
  return Number(text.slice(0, -1)) * unit;
};
