/**
 * An API request named without its namespace and object name, so requests can be counted by
 * what they do ("PATCH deployments/NAME", "GET secrets (list)", "WATCH deployments"): a count that
 * grows with services shows at once which request it is.
 */
export function requestKey(method: string, path: string, query: URLSearchParams): string {
  const parts = path.split("?")[0]!.split("/").filter(Boolean);
  // /api/v1/... or /apis/GROUP/VERSION/...
  const rest = parts[0] === "api" ? parts.slice(2) : parts[0] === "apis" ? parts.slice(3) : parts;
  if (parts[0] !== "api" && parts[0] !== "apis") return `${method} /${parts.slice(0, 2).join("/")}`;
  if (rest.length === 0) return `${method} (discovery)`;
  const inNamespace = rest[0] === "namespaces" && rest.length >= 3 ? rest.slice(2) : rest;
  const [plural, name, sub] = inNamespace;
  const verb = query.get("watch") === "true" || query.get("watch") === "1" ? "WATCH" : method;
  return `${verb} ${plural}${name ? "/NAME" : verb === "GET" ? " (list)" : ""}${sub ? `/${sub}` : ""}`;
}

/** Counts by key, most frequent first. */
export function countsByKey(keys: Iterable<string>): Record<string, number> {
  const counts = new Map<string, number>();
  for (const key of keys) counts.set(key, (counts.get(key) ?? 0) + 1);
  return Object.fromEntries([...counts].sort((a, b) => b[1] - a[1]));
}
