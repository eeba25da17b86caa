import { renameRule } from "./_rename.ts";

export const renamingView = renameRule(
  "renaming-view",
  {
    OBJECT_VIEW:
      "create the view under the new name beside the old one, move the readers to it, and drop the old one in a later release",
  },
  ["renaming-table"],
);
