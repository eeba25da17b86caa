import { dropRule } from "./_drop.ts";

export const banDropMaterializedView = dropRule("ban-drop-materialized-view", { OBJECT_MATVIEW: "reads it" });
