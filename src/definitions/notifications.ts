import { z } from "zod";

/**
 * Where an environment tells what its deploys do: a signed webhook, a Slack-compatible
 * incoming webhook, e-mail over SMTP. Self-contained (zod only): schema/environment.ts imports it.
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
export const secretReference = z
  .union([
    z.strictObject({
      secret: secretName.meta({
        description: "the Secret (in the environment's namespace) holding it",
        example: 'secret: "ops-hook"',
      }),
      key: z.string().min(1).meta({ description: "its key", example: 'key: "hmac"' }),
    }),
    z.strictObject({
      env: z
        .string()
        .regex(/^[A-Za-z_][A-Za-z0-9_]*$/, { message: "must be an environment variable name" })
        .meta({
          description: "or a variable of Slipway's process holding it",
          example: 'env: "OPS_HOOK_KEY"',
        }),
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
  ])
  .meta({ type: "secret reference: `{ secret, key }` or `{ env }`" });
export type SecretReference = z.infer<typeof secretReference>;

/** "90s", "30m", "1h": how long a failure counts as the same incident. */
export const notificationDuration = z.string().regex(/^\d+(s|m|h)$/, {
  message: 'must be a duration such as "30m" or "1h"',
});

const common = {
  name: name.meta({
    description: "the destination's name in the release record and the deploy's output",
    example: 'name: "ops"',
  }),
  /** all (default): every deploy; failures: only deploys that fail, once per incident. */
  on: z.enum(["all", "failures"]).optional().meta({
    description: "`all`, or `failures`: only failing deploys, one alert per incident",
    default: "`all`",
    example: 'on: "failures"',
  }),
  /** With on: failures, the same service, version and step failing again within it is not alerted again. */
  repeatWindow: notificationDuration.optional().meta({
    description:
      "with `on: failures`: the same service, version and step failing again within it is not alerted",
    default: "`1h`",
    example: 'repeatWindow: "30m"',
  }),
};

const webhook = z.strictObject({
  ...common,
  type: z.literal("webhook").meta({
    description: "`webhook` (signed JSON), `slack` (incoming webhook) or `email` (SMTP)",
    example: 'type: "webhook"',
  }),
  url: z.url().meta({ description: "webhook: its URL", example: 'url: "https://hooks.example.org/slipway"' }),
  /** The HMAC-SHA256 key the body is signed with (X-Slipway-Signature: sha256=<hex>). */
  signingKey: secretReference.meta({
    description: "webhook: the HMAC-SHA256 key the body is signed with, a secret reference",
    example: 'signingKey: { secret: "ops-hook", key: "hmac" }',
  }),
});

const slack = z.strictObject({
  ...common,
  type: z.literal("slack").meta({
    description: "`webhook` (signed JSON), `slack` (incoming webhook) or `email` (SMTP)",
    example: 'type: "slack"',
  }),
  /** An incoming webhook's URL is itself a credential: a reference, like any secret. */
  url: secretReference.meta({
    description: "slack: the incoming webhook's URL, a secret reference",
    example: 'url: { secret: "slack-webhook", key: "url" }',
  }),
});

const email = z.strictObject({
  ...common,
  type: z.literal("email").meta({
    description: "`webhook` (signed JSON), `slack` (incoming webhook) or `email` (SMTP)",
    example: 'type: "email"',
  }),
  smtp: z
    .strictObject({
      host: z.string().min(1).meta({ description: "its host", example: 'host: "smtp.example.org"' }),
      port: z.number().int().min(1).max(65535).meta({ description: "its port", example: "port: 587" }),
      /** none: plain (a local relay); starttls: upgrade (default); tls: TLS from the start (465). */
      tls: z.enum(["none", "starttls", "tls"]).optional().meta({
        description: "`starttls`, `tls` (from the start, port 465) or `none` (a local relay)",
        default: "`starttls`",
        example: 'tls: "none"',
      }),
      username: z
        .string()
        .min(1)
        .optional()
        .meta({ description: "the user to authenticate as", example: 'username: "slipway"' }),
      password: secretReference.optional().meta({
        description: "its password, a secret reference",
        example: 'password: { secret: "smtp", key: "password" }',
      }),
    })
    .meta({
      description: "email: the SMTP server",
      example: 'smtp: { host: "smtp.example.org", port: 587 }',
    }),
  from: z.email().meta({ description: "email: the sender", example: 'from: "slipway@example.org"' }),
  to: z
    .array(z.email())
    .min(1)
    .meta({ description: "email: the recipients", example: 'to: ["platform-team@example.org"]' }),
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
