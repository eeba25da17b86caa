import { dropRule } from "./_drop.ts";

/** Procedures, routines and aggregates are called like functions: the same rule. */
export const banDropFunction = dropRule("ban-drop-function", {
  OBJECT_FUNCTION: "calls it",
  OBJECT_PROCEDURE: "calls it",
  OBJECT_ROUTINE: "calls it",
  OBJECT_AGGREGATE: "calls it",
});
