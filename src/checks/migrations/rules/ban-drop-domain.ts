import { dropRule } from "./_drop.ts";

export const banDropDomain = dropRule("ban-drop-domain", { OBJECT_DOMAIN: "casts to it or stores it" });
