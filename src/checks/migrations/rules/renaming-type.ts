import { renameRule } from "./_rename.ts";

export const renamingType = renameRule(
  "renaming-type",
  {
    OBJECT_TYPE:
      "first deploy a version that no longer names the type (in casts or declarations), then rename it",
  },
  ["renaming-table"],
);
