import { renameRule } from "./_rename.ts";

export const renamingSchema = renameRule("renaming-schema", {
  OBJECT_SCHEMA:
    "first deploy a version that does not qualify names with the schema and whose search_path lists both names (a missing one is skipped), then rename it",
});
