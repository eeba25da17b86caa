// What the image build hands the runtime: the service's name and calls from its definition, and
// its own modules (handler.js, store.js). Everything else the runtime reads at run time.

/** One HTTP request as a service's handle() takes it. */
export interface Request {
  readonly method: string;
  readonly path: string;
  readonly query: Readonly<Record<string, string>>;
  readonly body: unknown;
}

/** What handle() (or a store call) answers: a status and a JSON body. */
export interface Response {
  readonly status: number;
  readonly body: unknown;
}

/** A database as a store sees it: queries, and work in one transaction. */
export interface Db {
  query<R = Record<string, unknown>>(
    text: string,
    params?: readonly unknown[],
  ): Promise<{ rows: R[]; rowCount: number }>;
  transaction<T>(work: (db: Db) => Promise<T>): Promise<T>;
}

/** What a script gets: the database when DATABASE_URL is set, the environment, and output. */
export interface ScriptContext {
  readonly db: Db | undefined;
  readonly env: Readonly<Record<string, string | undefined>>;
  readonly log: (line: string) => void;
}

/**
 * A service's store.js: the real queries of its calls and its scripts. A call's function gets
 * the request body handle() accepted and handle()'s own answer, and answers in its place.
 */
export interface Store {
  readonly calls?: Readonly<Record<string, (db: Db, body: unknown, handled: Response) => Promise<Response>>>;
  /** Script name → the script; it returns its exit code (0 when it returns nothing). */
  readonly scripts?: Readonly<Record<string, (context: ScriptContext) => Promise<number | void>>>;
}

/** The request the smoke test sends through the Service, and the statuses that pass. */
export interface SmokeRequest {
  readonly call: string;
  readonly body: unknown;
  readonly expect: readonly number[];
}

/** A service's handler.js: handle() when it serves HTTP, smoke when it has a smoke test. */
export interface Handler {
  readonly handle?: (request: Request) => Response;
  readonly smoke?: SmokeRequest;
}

export interface Call {
  readonly name: string;
  /** Whether each call writes an audit entry (the definition's `audited`). */
  readonly audited: boolean;
}

export interface ServiceProgram {
  readonly name: string;
  readonly calls: readonly Call[];
  /** The port of the service's Kubernetes Service (the smoke test calls it); none without one. */
  readonly servicePort?: number;
  /** Absolute folders of the image to look for migrations in, in order. */
  readonly migrationFolders: readonly string[];
  readonly handler: Handler;
  readonly store: Store;
}

/** The HTTP path of a call: accounting.charge → /accounting/charge. */
export const callPath = (call: string): string => `/${call.split(".").join("/")}`;
