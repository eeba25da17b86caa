/**
 * What the pending migrations create, so far: nothing of the running version uses it yet, so a
 * later pending statement may change, rename or drop it freely. Keys are a kind and an
 * unqualified name (schemas aside, the rules match objects by their last name).
 */
export type CreatedKind = "relation" | "column" | "function" | "type" | "schema" | "trigger" | "extension";

export class Created {
  readonly #keys = new Set<string>();

  add(kind: CreatedKind, name: string): void {
    if (name) this.#keys.add(`${kind}:${name}`);
  }

  has(kind: CreatedKind, name: string): boolean {
    return this.#keys.has(`${kind}:${name}`);
  }

  /** A column is new when its table is, or when a pending ADD COLUMN made it. */
  hasColumn(table: string, column: string): boolean {
    return this.has("relation", table) || this.has("column", `${table}.${column}`);
  }

  /** A trigger is new when its table is, or when a pending CREATE TRIGGER made it. */
  hasTrigger(table: string, trigger: string): boolean {
    return this.has("relation", table) || this.has("trigger", `${table}.${trigger}`);
  }

  /** A rename of something new leaves something new under the new name. */
  renamed(kind: CreatedKind, from: string, to: string): void {
    if (this.has(kind, from)) this.add(kind, to);
  }
}
