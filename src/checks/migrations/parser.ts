import { loadModule } from "libpg-query";

let loaded: Promise<void> | undefined;
/** The real Postgres parser (libpg_query, compiled to WebAssembly); loaded once. */
export const loadParser = (): Promise<void> => (loaded ??= loadModule());
