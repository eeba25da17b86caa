import { html, raw } from "hono/html";

/** Server-rendered HTML: hono's tagged template escapes every value put into it. */
export { html, raw };
export type Html = ReturnType<typeof html>;

/** A list of fragments as one (an empty list renders nothing). */
export const each = <T>(items: readonly T[], render: (item: T, index: number) => Html): Html =>
  html`${items.map(render)}`;

export async function textOf(fragment: Html): Promise<string> {
  return String(await fragment);
}
