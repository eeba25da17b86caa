import { dropRule } from "./_drop.ts";

export const banDropSequence = dropRule("ban-drop-sequence", {
  OBJECT_SEQUENCE: "takes numbers from it (nextval, and the column defaults that call it)",
});
