import { renameRule } from "./_rename.ts";

export const renamingTable = renameRule("renaming-table", {
  OBJECT_TABLE:
    "expand/contract: create the new table (or a view with the new name), write to both, move readers, then drop the old one",
  OBJECT_FOREIGN_TABLE:
    "create the foreign table under the new name beside the old one, move the running version to it, and drop the old one in a later release",
});
