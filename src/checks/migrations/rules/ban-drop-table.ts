import { dropRule } from "./_drop.ts";

export const banDropTable = dropRule("ban-drop-table", {
  OBJECT_TABLE: "reads or writes it",
  OBJECT_FOREIGN_TABLE: "reads or writes it",
});
