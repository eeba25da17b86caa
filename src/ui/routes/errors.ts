import type { ErrorHandler } from "hono";
import { KubernetesApiError } from "../../clients/kubernetes/request.ts";
import type { Dashboard } from "../dashboard.ts";
import { NotSignedInThere } from "../sessions.ts";
import { resultPage } from "../views/actions.ts";
import type { DashboardEnv, RouteKit } from "./kit.ts";

/**
 * What a route's error shows: a refusal in the API server's words when it judged the person's
 * own credentials, sign-in again when it no longer accepts their token, else the error.
 */
export function errorPage(d: Dashboard, { render }: RouteKit): ErrorHandler<DashboardEnv> {
  const sessions = d.sessions;
  return async (error, c) => {
    if (error instanceof NotSignedInThere)
      return render(
        c,
        "Refused",
        resultPage({ title: "Refused", ok: false, text: `refused: ${error.message}`, back: "/" }),
        403,
      );
    // The API server judged the person's own credentials: its words are the answer.
    if (error instanceof KubernetesApiError && error.status === 403)
      return render(
        c,
        "Refused",
        resultPage({
          title: "Refused",
          ok: false,
          text: `refused by the API server: ${error.message}`,
          back: "/",
        }),
        403,
      );
    const session = c.get("actor")?.session;
    if (error instanceof KubernetesApiError && error.status === 401 && session) {
      sessions?.end(session.id);
      return render(
        c,
        "Signed out",
        resultPage({
          title: "Signed out",
          ok: false,
          text: "the API server no longer accepts your token (expired or revoked): sign in again",
          back: "/sign-in",
        }),
        401,
      );
    }
    return render(
      c,
      "Error",
      resultPage({ title: "Error", ok: false, text: `error: ${error.message}`, back: "/" }),
      500,
    );
  };
}
