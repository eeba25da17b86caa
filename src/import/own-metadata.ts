/** What of a live object's metadata the team wrote, without what the server, kubectl or Slipway added. */

/** Labels a team put on its pods besides the ones Slipway sets itself. */
export const ownLabels = (labels: Readonly<Record<string, string>> | undefined): Record<string, string> =>
  Object.fromEntries(
    Object.entries(labels ?? {}).filter(
      ([k]) =>
        ![
          "app.kubernetes.io/name",
          "app.kubernetes.io/part-of",
          "app.kubernetes.io/version",
          "app.kubernetes.io/managed-by",
          "app.kubernetes.io/component",
        ].includes(k) && !k.startsWith("slipway.dev/"),
    ),
  );

/** Annotations the server or kubectl write: never part of a definition. */
export const machineAnnotations = new Set([
  "kubectl.kubernetes.io/last-applied-configuration",
  "deployment.kubernetes.io/revision",
]);
export const ownAnnotations = (a: Readonly<Record<string, string>> | undefined): Record<string, string> =>
  Object.fromEntries(
    Object.entries(a ?? {}).filter(([k]) => !machineAnnotations.has(k) && !k.startsWith("slipway.dev/")),
  );

export const nonEmpty = <T extends object>(value: T | undefined): T | undefined =>
  value && Object.keys(value).length ? value : undefined;
