import type { NotificationDelivery } from "../release/record.ts";
import type { ReleaseStore } from "../release/store.ts";

/**
 * Writes how the message fared into each release the deploy recorded. After the deploy, so
 * delivery never holds the lock; a record gone or changed meanwhile is left as it is.
 */
export async function recordDeliveries(
  store: ReleaseStore,
  releases: readonly { readonly service: string; readonly revision?: number }[],
  deliveries: readonly NotificationDelivery[],
): Promise<void> {
  for (const { service, revision } of releases) {
    if (revision === undefined) continue;
    try {
      const record = await store.get(service, revision);
      record.notifications = [...deliveries];
      await store.update(record);
    } catch {
      // Trimmed or rewritten by a newer deploy: its own deliveries are its own to record.
    }
  }
}

/** One line per destination, for the person deploying. */
export const deliveryLine = (d: NotificationDelivery): string =>
  `notification ${d.destination} (${d.type}): ${d.outcome}` +
  (d.outcome === "delivered" || d.outcome === "failed"
    ? `, ${d.sent} update(s) sent in ${d.attempts} attempt(s)`
    : "") +
  (d.error ? `: ${d.error}` : "");
