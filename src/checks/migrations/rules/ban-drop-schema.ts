import { dropRule } from "./_drop.ts";

export const banDropSchema = dropRule("ban-drop-schema", { OBJECT_SCHEMA: "uses anything in it" });
