import { dropRule } from "./_drop.ts";

export const banDropExtension = dropRule("ban-drop-extension", {
  OBJECT_EXTENSION: "uses its functions, types or operators",
});
