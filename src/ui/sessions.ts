import { randomBytes } from "node:crypto";
import type { Cluster } from "../clients/kubernetes/cluster.ts";
import { clusterWithToken } from "../clients/kubernetes/bearer.ts";
import { KubernetesApiError } from "../clients/kubernetes/request.ts";
import { newCsrfToken } from "./security.ts";

/** Who a signed-in person is, as the API server said when their token was reviewed. */
export interface Person {
  readonly username: string;
  readonly groups: readonly string[];
}

/**
 * A signed-in person: their token (kept in this process's memory only, never written or sent
 * back), the clusters it opens, and a CSRF token of their own, so that a form from one
 * session cannot be posted with another's cookie.
 */
export interface Session {
  readonly id: string;
  readonly person: Person;
  readonly csrf: string;
  readonly expiresAt: number;
  /** The person's client for the kube context of `base`, built once per context. */
  clusterLike(base: Cluster): Cluster;
}

/** An action on a cluster that did not accept the person's token at sign-in. */
export class NotSignedInThere extends Error {
  constructor(readonly context: string) {
    super(
      `your token is not valid on the cluster of context "${context}": sign in with one that is to act there`,
    );
    this.name = "NotSignedInThere";
  }
}

export type SignInResult =
  { readonly ok: true; readonly session: Session } | { readonly ok: false; readonly refusal: string };

const origin = "slipway ui";

/**
 * The dashboard's sessions, in memory: a restart signs everyone out, which is the safe side.
 * A session ends at its expiry, at sign-out, or when the API server stops accepting its token.
 */
export class SessionStore {
  private readonly sessions = new Map<string, Session>();

  constructor(
    /** The clusters the dashboard shows, one per kube context: the token is reviewed on each. */
    private readonly clusters: () => readonly Cluster[],
    private readonly ttlMs: number,
    private readonly now: () => number = Date.now,
  ) {}

  /**
   * Reviews the token with each cluster's API server (a SelfSubjectReview made with the token
   * itself): the server that will judge every action also says who this is. A token is often
   * valid on one cluster only (a ServiceAccount's); the session then acts on the clusters that
   * accepted it, and an action elsewhere is refused saying so. Refused when no cluster accepts
   * it, or when two name different people.
   */
  async signIn(token: string): Promise<SignInResult> {
    const trimmed = token.trim();
    if (!trimmed) return { ok: false, refusal: "no token given" };
    if (/\s/.test(trimmed)) return { ok: false, refusal: "a bearer token has no spaces or line breaks" };
    let person: Person | undefined;
    const accepted = new Set<string>();
    const refusals: string[] = [];
    for (const base of this.clusters()) {
      const reviewed = await review(clusterWithToken(base, trimmed, origin)).catch((error: unknown) => error);
      if (reviewed instanceof KubernetesApiError) {
        refusals.push(
          reviewed.status === 401
            ? `the API server of context "${base.context}" did not accept this token (401 Unauthorized: wrong, expired or revoked)`
            : `the API server of context "${base.context}" refused to say who this token is: ${reviewed.message}`,
        );
        continue;
      }
      if (reviewed instanceof Error) {
        refusals.push(`cannot reach the API server of context "${base.context}": ${reviewed.message}`);
        continue;
      }
      const found = reviewed as Person;
      if (person && person.username !== found.username)
        return {
          ok: false,
          refusal: `this token is ${person.username} on one cluster and ${found.username} on "${base.context}": one identity per session`,
        };
      person = found;
      accepted.add(base.context);
    }
    if (!person)
      return { ok: false, refusal: refusals.join("; ") || "this dashboard shows no cluster to sign in to" };
    this.sweep();
    const clients = new Map<string, Cluster>();
    const session: Session = {
      id: randomBytes(32).toString("base64url"),
      person,
      csrf: newCsrfToken(),
      expiresAt: this.now() + this.ttlMs,
      clusterLike(base) {
        if (!accepted.has(base.context)) throw new NotSignedInThere(base.context);
        let client = clients.get(base.context);
        if (!client) {
          client = clusterWithToken(base, trimmed, origin);
          clients.set(base.context, client);
        }
        return client;
      },
    };
    this.sessions.set(session.id, session);
    return { ok: true, session };
  }

  /** The live session a cookie names, if any. */
  find(id: string | undefined): Session | undefined {
    const session = id ? this.sessions.get(id) : undefined;
    if (!session) return undefined;
    if (session.expiresAt <= this.now()) {
      this.sessions.delete(session.id);
      return undefined;
    }
    return session;
  }

  end(id: string): void {
    this.sessions.delete(id);
  }

  private sweep(): void {
    const now = this.now();
    for (const [id, s] of this.sessions) if (s.expiresAt <= now) this.sessions.delete(id);
  }
}

async function review(cluster: Cluster): Promise<Person> {
  const found = await cluster.identity();
  if (found.username === "unknown") throw new Error("the API server's SelfSubjectReview named no user");
  return found;
}
