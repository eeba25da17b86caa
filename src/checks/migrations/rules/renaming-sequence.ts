import { renameRule } from "./_rename.ts";

export const renamingSequence = renameRule("renaming-sequence", {
  OBJECT_SEQUENCE:
    "first deploy a version that no longer names the sequence (let the column default call nextval), then rename it",
});
