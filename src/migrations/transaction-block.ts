import type { Node } from "libpg-query";

/** A statement Postgres refuses inside a transaction block, named as SQL; undefined for any other. */
export function outsideTransactionOnly(node: Node | undefined): string | undefined {
  if (!node) return undefined;
  if ("IndexStmt" in node && node.IndexStmt.concurrent) return "CREATE INDEX CONCURRENTLY";
  if ("DropStmt" in node && node.DropStmt.concurrent) return "DROP INDEX CONCURRENTLY";
  if ("ReindexStmt" in node) {
    const r = node.ReindexStmt;
    if ((r.params ?? []).some((p) => "DefElem" in p && p.DefElem.defname === "concurrently"))
      return "REINDEX CONCURRENTLY";
    if (r.kind === "REINDEX_OBJECT_SYSTEM" || r.kind === "REINDEX_OBJECT_DATABASE") return "REINDEX DATABASE";
  }
  if ("VacuumStmt" in node && node.VacuumStmt.is_vacuumcmd) return "VACUUM";
  if ("CreatedbStmt" in node) return "CREATE DATABASE";
  if ("DropdbStmt" in node) return "DROP DATABASE";
  if ("CreateTableSpaceStmt" in node) return "CREATE TABLESPACE";
  if ("DropTableSpaceStmt" in node) return "DROP TABLESPACE";
  if ("AlterSystemStmt" in node) return "ALTER SYSTEM";
  if (
    "AlterTableStmt" in node &&
    (node.AlterTableStmt.cmds ?? []).some(
      (c) =>
        "AlterTableCmd" in c &&
        c.AlterTableCmd.def !== undefined &&
        "PartitionCmd" in c.AlterTableCmd.def &&
        c.AlterTableCmd.def.PartitionCmd.concurrent === true,
    )
  )
    return "DETACH PARTITION CONCURRENTLY";
  return undefined;
}

/** Such a statement in a file with others: the whole file is one query string, which Postgres runs as one transaction. */
export interface NotAlone {
  /** The statement, named as SQL (CREATE INDEX CONCURRENTLY, VACUUM, ...). */
  readonly what: string;
  /** Its byte offset in the file. */
  readonly offset: number;
  /** How many statements the file has. */
  readonly statements: number;
}

/**
 * How a file can run: in a transaction; outside one (its only statement needs that); or not at
 * all, when such a statement shares the file with others. Both the static check and the direct
 * runner decide by this, so they agree; Flyway refuses such "mixed" files by default too.
 */
export type FileTransaction =
  { readonly mode: "transaction" } | { readonly mode: "none" } | ({ readonly mode: "refused" } & NotAlone);

/** What `fileTransaction` decides for already parsed statements. */
export function transactionOf(stmts: readonly { stmt?: Node; stmt_location?: number }[]): FileTransaction {
  const lonely = stmts.find((s) => outsideTransactionOnly(s.stmt) !== undefined);
  if (!lonely) return { mode: "transaction" };
  if (stmts.length === 1) return { mode: "none" };
  return {
    mode: "refused",
    what: outsideTransactionOnly(lonely.stmt) ?? "",
    offset: lonely.stmt_location ?? 0,
    statements: stmts.length,
  };
}

/**
 * Parses the file to decide. The parser (WebAssembly) is imported here, when asked, not with the
 * module: programs that bundle the runner without it (the example images) pass their own rule.
 */
export async function fileTransaction(sql: string): Promise<FileTransaction> {
  const { loadModule, parseSync } = await import("libpg-query");
  await loadModule();
  try {
    return transactionOf(parseSync(sql).stmts ?? []);
  } catch {
    // Postgres reports what it cannot parse better than a guess here: it runs, and fails.
    return { mode: "transaction" };
  }
}

/** Why such a file cannot run, for the check's finding and the runner's refusal alike. */
export const notAloneMessage = (n: NotAlone): string =>
  `${n.what} cannot run inside a transaction block, and this file has ${n.statements - 1} other statement(s): a file is sent as one query, which Postgres runs as one transaction, so it would fail ("cannot run inside a transaction block"); Flyway refuses such a mixed file too`;

export const notAloneHint = (n: NotAlone): string =>
  `put ${n.what} in a file of its own: Slipway runs a file whose only statement it is outside a transaction${n.what === "CREATE INDEX CONCURRENTLY" ? " (if it fails, it leaves an INVALID index: drop it before the retry)" : ""}`;
