import { renameRule } from "./_rename.ts";

export const renamingDomain = renameRule("renaming-domain", {
  OBJECT_DOMAIN:
    "first deploy a version that no longer names the domain (in casts or declarations), then rename it",
});
