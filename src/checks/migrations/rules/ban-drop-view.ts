import { dropRule } from "./_drop.ts";

export const banDropView = dropRule("ban-drop-view", { OBJECT_VIEW: "reads it" });
