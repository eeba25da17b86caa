import { html, type Html } from "../html.ts";

/** A confirmation form: the action runs only when this form is posted, with the server's token. */
export function confirmPage(options: {
  readonly title: string;
  readonly explain: string;
  readonly action: string;
  readonly csrf: string;
  readonly fields: Readonly<Record<string, string>>;
  readonly back: string;
  readonly confirm: string;
  readonly note?: boolean;
  /** A reason to give with the action: its label, and whether it is required. */
  readonly reason?: { readonly label: string; readonly required: boolean };
  readonly danger?: boolean;
  /** Text to read before confirming (a promotion's plan). */
  readonly detail?: string;
}): Html {
  return html`<h2>${options.title}</h2>
    <p>${options.explain}</p>
    ${options.detail ? html`<pre class="detail">${options.detail}</pre>` : ""}
    <form method="post" action="${options.action}">
      <input type="hidden" name="csrf" value="${options.csrf}" />
      ${Object.entries(options.fields).map(
        ([k, v]) => html`<input type="hidden" name="${k}" value="${v}" />`,
      )}
      ${
        options.note
          ? html`<label for="note">What was tested (required)</label>
              <textarea id="note" name="note" rows="3" required></textarea>`
          : ""
      }
      ${
        options.reason
          ? html`<label for="reason">${options.reason.label}</label>
              <textarea
                id="reason"
                name="reason"
                rows="3"
                ${options.reason.required ? "required" : ""}
              ></textarea>`
          : ""
      }
      <div class="actions">
        <button type="submit" class="${options.danger ? "danger" : "primary"}">${options.confirm}</button>
        <a class="button" href="${options.back}">Cancel</a>
      </div>
    </form>`;
}

/** What an action did, or why it was refused: the same words the CLI prints. */
export function resultPage(options: {
  readonly title: string;
  readonly ok: boolean;
  readonly text: string;
  readonly back: string;
}): Html {
  return html`<h2>${options.title}</h2>
    <p
      class="said ${options.ok ? "notice" : "error"}"
      role="status"
      data-result="${options.ok ? "ok" : "refused"}"
    >
      ${options.text}
    </p>
    <p><a href="${options.back}">Back</a></p>`;
}
