import { dropRule } from "./_drop.ts";

export const banDropType = dropRule("ban-drop-type", { OBJECT_TYPE: "casts to it or stores it" });
