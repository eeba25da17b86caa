import type { ResolvedService } from "./schema/service.ts";

/** The container settings every workload of a service shares. */
export type ContainerSettings = NonNullable<ResolvedService["container"]>;

/**
 * Where a service's container settings are written: in its Deployment, or, for a service that
 * runs only CronJobs and Jobs, in `container`. Validation refuses both at once.
 */
export const containerOf = (spec: ResolvedService): ContainerSettings =>
  spec.deployment ?? spec.container ?? {};
