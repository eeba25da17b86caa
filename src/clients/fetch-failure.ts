/**
 * Why a fetch failed, in a few words, for the registry, Jenkins and search clients. undici throws
 * "fetch failed" and keeps the system error (ECONNREFUSED, ENOTFOUND, a TLS failure) in `cause`;
 * a request's AbortSignal.timeout ends it with a TimeoutError.
 */
export function fetchFailure(error: unknown, timeoutMs: number): string {
  if (error instanceof Error && (error.name === "TimeoutError" || error.name === "AbortError"))
    return `no answer within ${timeoutMs / 1000} s`;
  const cause =
    error instanceof Error ? (error.cause as { code?: string; message?: string } | undefined) : undefined;
  const code = cause?.code ?? "";
  // OpenSSL's own messages are long and cryptic; its codes (ERR_SSL_WRONG_VERSION_NUMBER) say it better.
  if (code && cause?.message && !code.startsWith("ERR_SSL")) return `${code} (${cause.message})`;
  return code || cause?.message || (error instanceof Error ? error.message : String(error));
}
