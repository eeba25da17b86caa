import { html, type Html } from "../html.ts";

/**
 * Sign-in with a Kubernetes bearer token: a ServiceAccount's token, or an OIDC ID token where
 * the API server trusts its issuer. The API server says who it is and judges every action.
 */
export function signInPage(options: { readonly next: string; readonly refusal?: string }): Html {
  return html`<h2>Sign in</h2>
    <p>
      Paste a Kubernetes bearer token. Every action then runs with it, so your own RBAC applies, and records
      carry your identity. An OIDC ID token works where the cluster trusts its issuer (for example from
      <code>kubectl oidc-login get-token</code>); a ServiceAccount's from
      <code>kubectl create token NAME</code>.
    </p>
    ${
      options.refusal
        ? html`<p class="said error" role="alert" data-result="refused">
            sign-in refused: ${options.refusal}
          </p>`
        : ""
    }
    <form method="post" action="/sign-in">
      <input type="hidden" name="next" value="${options.next}" />
      <label for="token">Bearer token</label>
      <input id="token" name="token" type="password" autocomplete="off" required />
      <div class="actions"><button type="submit" class="primary">Sign in</button></div>
    </form>`;
}
