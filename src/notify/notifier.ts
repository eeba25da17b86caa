import { randomUUID } from "node:crypto";
import type { Cluster } from "../clients/kubernetes/cluster.ts";
import type { EnvironmentModel } from "../definitions/model.ts";
import { defaultRepeatWindow, durationMs, type Destination } from "../definitions/notifications.ts";
import type { DeployEvent, DeployEventSink } from "../procedure/events.ts";
import type { ServiceResult } from "../procedure/report.ts";
import type { NotificationDelivery } from "../release/record.ts";
import { Courier, type RetryPolicy, type Takes } from "./courier.ts";
import { sendMail } from "./destinations/email.ts";
import { postSlack } from "./destinations/slack.ts";
import { postWebhook } from "./destinations/webhook.ts";
import { IncidentBook, type IncidentSeen } from "./incidents.ts";
import {
  applyEvent,
  endMessage,
  hasFailed,
  startMessage,
  type MessageStart,
  type ReleaseMessage,
} from "./message.ts";
import { resolveSecret, scrub } from "./secret-reference.ts";

/** How long the end of a command waits for the last updates before it records them as given up. */
export const settleMs = 20_000;

const takes: Readonly<Record<Destination["type"], Takes>> = {
  webhook: "every",
  slack: "first-and-last",
  email: "last",
};

interface Route {
  readonly destination: Destination;
  /** Absent when a secret it needs could not be read: recorded as failed, never sent. */
  readonly courier?: Courier;
  readonly error?: string;
}

export interface NotifierOptions extends Omit<MessageStart, "id" | "environment"> {
  readonly cluster: Cluster;
  readonly env: EnvironmentModel;
  /** Said to the person deploying: a destination whose secret cannot be read, an incident book it cannot write. */
  readonly warn: (text: string) => void;
  readonly retry?: RetryPolicy;
}

/**
 * One message per deploy, kept current: each event of the deploy's stream updates the message,
 * and each destination is offered the update it can take. Sending runs in the background and
 * never fails or slows the deploy; `settle` waits a bounded time for the last updates and says
 * how each destination fared, for the release record.
 */
export class ReleaseNotifier {
  private message: ReleaseMessage;
  private ended = false;
  /** Failures-only destinations, in order: an incident check comes before each alert. */
  private alerts: Promise<void> = Promise.resolve();
  private checkedFailures = -1;
  private incident: IncidentSeen | undefined;

  private constructor(
    start: MessageStart,
    private readonly routes: readonly Route[],
    private readonly book: IncidentBook,
    private readonly warn: (text: string) => void,
    /** settle's deadline: ends the couriers' tries and waits. */
    private readonly stop: AbortController,
  ) {
    this.message = startMessage(start);
    this.publish(false);
  }

  /** Undefined when the environment declares no notifications. */
  static async open(options: NotifierOptions): Promise<ReleaseNotifier | undefined> {
    const destinations = options.env.notifications;
    if (!destinations) return undefined;
    const namespace = options.env.cluster.namespace;
    const stop = new AbortController();
    const secrets: string[] = [];
    const clean = (text: string): string => scrub(text, secrets);
    const routes: Route[] = [];
    for (const destination of destinations) {
      try {
        const send = await sender(options.cluster, namespace, destination, secrets);
        // Belt and braces: a secret value that reached an event never leaves in a message.
        const safe = (message: ReleaseMessage, timeoutMs: number): Promise<void> =>
          send(JSON.parse(clean(JSON.stringify(message))) as ReleaseMessage, timeoutMs);
        routes.push({
          destination,
          courier: new Courier(safe, takes[destination.type], clean, stop.signal, options.retry),
        });
      } catch (error) {
        const text = clean((error as Error).message);
        options.warn(`notifications: ${destination.name} (${destination.type}) will not be sent: ${text}`);
        routes.push({ destination, error: text });
      }
    }
    // The book keeps an incident open for the longest window; each destination judges by its own.
    const book = new IncidentBook(options.cluster, namespace, Math.max(...destinations.map(windowOf)));
    return new ReleaseNotifier(
      { ...options, id: randomUUID(), environment: options.env.name },
      routes,
      book,
      options.warn,
      stop,
    );
  }

  get id(): string {
    return this.message.id;
  }

  /** The deploy's sink with the notifier beside it: the sink first, and nothing here can throw into it. */
  tee(sink: DeployEventSink): DeployEventSink {
    return (event) => {
      sink(event);
      this.event(event);
    };
  }

  event(event: DeployEvent): void {
    if (this.ended) return;
    try {
      const next = applyEvent(this.message, event);
      if (next === this.message) return;
      this.message = { ...next, sequence: this.message.sequence + 1 };
      this.publish(false);
    } catch (error) {
      this.warn(`notifications: ${(error as Error).message}`);
    }
  }

  /** The deploy ended (or stopped with an error): the last update, with the outcome. */
  end(end: {
    readonly ok: boolean;
    readonly services: readonly ServiceResult[];
    readonly stopped?: string;
  }): void {
    if (this.ended) return;
    this.ended = true;
    this.message = { ...endMessage(this.message, end), sequence: this.message.sequence + 1 };
    this.publish(true);
    const deployed = end.services.filter((s) => s.outcome === "deployed" || s.outcome === "rolled-back");
    if (end.ok)
      this.alerts = this.alerts.then(() =>
        this.book.resolve(deployed.map((s) => s.service)).catch((error: unknown) => {
          this.warn(`notifications: open incidents not cleared: ${(error as Error).message}`);
        }),
      );
  }

  /** Waits for the last updates, at most `settleMs`, and says how each destination fared. */
  async settle(deadlineMs = settleMs): Promise<NotificationDelivery[]> {
    const timer = setTimeout(() => this.stop.abort(), deadlineMs);
    try {
      await Promise.race([
        this.alerts.then(() => Promise.all(this.routes.map((r) => r.courier?.idle()))),
        new Promise((resolve) => this.stop.signal.addEventListener("abort", resolve, { once: true })),
      ]);
    } finally {
      clearTimeout(timer);
      this.stop.abort();
    }
    return this.routes.map((route) => this.delivery(route));
  }

  private delivery(route: Route): NotificationDelivery {
    const { destination } = route;
    const base = { destination: destination.name, type: destination.type, messageId: this.message.id };
    if (!route.courier) return { ...base, outcome: "failed", sent: 0, attempts: 0, error: route.error ?? "" };
    const state = route.courier.current;
    const counts = {
      sent: state.sent,
      attempts: state.attempts,
      ...(state.lastSequence !== undefined ? { lastSequence: state.lastSequence } : {}),
    };
    if (!state.offered)
      return {
        ...base,
        ...counts,
        outcome: destination.on === "failures" && hasFailed(this.message) ? "deduplicated" : "filtered",
      };
    if (state.delivered) return { ...base, ...counts, outcome: "delivered" };
    return {
      ...base,
      ...counts,
      outcome: "failed",
      error: state.lastError ?? `still sending after ${settleMs / 1000}s: given up`,
    };
  }

  private publish(final: boolean): void {
    const snapshot = this.withIncident(this.message);
    for (const route of this.routes)
      if (route.courier && route.destination.on !== "failures") route.courier.offer(snapshot, final);
    if (!hasFailed(this.message) || !this.routes.some((r) => r.destination.on === "failures")) return;
    // An alert: once per incident. The book is asked again when more has failed, and at the end.
    const failures = this.message.failures.length;
    const ask = failures !== this.checkedFailures || final;
    this.checkedFailures = failures;
    const message = this.message;
    this.alerts = this.alerts.then(async () => {
      if (ask) this.incident = await this.checkIncident(message);
      const seen = this.incident;
      const current = this.withIncident(this.message);
      for (const route of this.routes) {
        if (!route.courier || route.destination.on !== "failures") continue;
        // Alerted already by another deploy within this destination's window: one alert per incident.
        if (seen?.repeat && (seen.sinceMs ?? 0) <= windowOf(route.destination)) continue;
        route.courier.offer(current, this.ended);
      }
    });
  }

  private async checkIncident(message: ReleaseMessage): Promise<IncidentSeen | undefined> {
    const failures = message.failures.length
      ? message.failures
      : message.services
          .filter((s) => s.outcome === "failed" || s.outcome === "rolled-back")
          .map((s) => ({ service: s.service, version: s.to, step: s.step ?? "deploy" }));
    try {
      return await this.book.seen(failures, message.id);
    } catch (error) {
      // Better a repeated alert than a silent one.
      this.warn(`notifications: incidents not checked: ${(error as Error).message}`);
      return undefined;
    }
  }

  private withIncident(message: ReleaseMessage): ReleaseMessage {
    const seen = this.incident;
    return seen
      ? { ...message, incident: { key: seen.key, count: seen.count, firstSeen: seen.firstSeen } }
      : message;
  }
}

const windowOf = (destination: Destination): number =>
  durationMs(destination.repeatWindow ?? defaultRepeatWindow);

/** How one destination sends, its secrets read now (each added to `secrets`, for scrubbing). */
async function sender(
  cluster: Cluster,
  namespace: string,
  destination: Destination,
  secrets: string[],
): Promise<(message: ReleaseMessage, timeoutMs: number) => Promise<void>> {
  const read = async (ref: Parameters<typeof resolveSecret>[2]): Promise<string> => {
    const value = await resolveSecret(cluster, namespace, ref);
    secrets.push(value);
    return value;
  };
  switch (destination.type) {
    case "webhook": {
      const key = await read(destination.signingKey);
      return (message, timeoutMs) => postWebhook(destination.url, key, message, timeoutMs);
    }
    case "slack": {
      const url = await read(destination.url);
      return (message, timeoutMs) => postSlack(url, message, timeoutMs);
    }
    case "email": {
      const password = destination.smtp.password ? await read(destination.smtp.password) : undefined;
      return (message, timeoutMs) => sendMail(destination, password, message, timeoutMs);
    }
  }
}
