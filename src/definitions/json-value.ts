import { z } from "zod";

/** A value that survives JSON unchanged: what environment values and parameters may hold. */
export type JsonValue =
  string | number | boolean | null | readonly JsonValue[] | { readonly [key: string]: JsonValue };

export type JsonObject = { readonly [key: string]: JsonValue };

/**
 * An object of JSON values, checked by walking it rather than by a recursive union, so that a
 * problem names the exact path and what was found there (a union would only say "matches none").
 */
export const jsonObject = z.record(z.string(), z.unknown()).superRefine((value, ctx) => {
  const walk = (v: unknown, path: (string | number)[], ancestors: ReadonlySet<unknown>): void => {
    if (v === null || typeof v === "string" || typeof v === "boolean") return;
    if (typeof v === "number") {
      if (!Number.isFinite(v)) ctx.addIssue({ code: "custom", path, message: "expected a finite number" });
      return;
    }
    const plain =
      Array.isArray(v) ||
      (typeof v === "object" && [Object.prototype, null].includes(Object.getPrototypeOf(v) as object | null));
    if (!plain) {
      ctx.addIssue({
        code: "custom",
        path,
        message: "expected a JSON value (a string, number, boolean, null, array or plain object)",
      });
      return;
    }
    if (ancestors.has(v)) {
      ctx.addIssue({
        code: "custom",
        path,
        message: "contains itself (a reference back to an enclosing value)",
      });
      return;
    }
    const inside = new Set([...ancestors, v]);
    if (Array.isArray(v)) v.forEach((item, i) => walk(item, [...path, i], inside));
    else Object.entries(v as object).forEach(([k, item]) => walk(item, [...path, k], inside));
  };
  Object.entries(value).forEach(([k, v]) => walk(v, [k], new Set([value])));
});

/** A deep, frozen copy: functions of every service read the same values, and none may change them for the next. */
export function frozenCopy<T>(value: T): T {
  const copy = structuredClone(value);
  const freeze = (v: unknown): void => {
    if (v !== null && typeof v === "object") {
      Object.values(v).forEach(freeze);
      Object.freeze(v);
    }
  };
  freeze(copy);
  return copy;
}
