import { renameRule } from "./_rename.ts";

export const renamingMaterializedView = renameRule("renaming-materialized-view", {
  OBJECT_MATVIEW:
    "create a view with the new name over the old one (or a second materialized view), move the readers to it, and rename or drop the old one in a later release",
});
