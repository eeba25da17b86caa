import { renameRule } from "./_rename.ts";

/** Procedures, routines and aggregates are called like functions: the same rule. */
export const renamingFunction = renameRule("renaming-function", {
  OBJECT_FUNCTION:
    "create the function under the new name beside the old one (the old one can call it), move the callers, and drop the old one in a later release",
  OBJECT_PROCEDURE:
    "create the procedure under the new name beside the old one (the old one can call it), move the callers, and drop the old one in a later release",
  OBJECT_ROUTINE:
    "create the routine under the new name beside the old one (the old one can call it), move the callers, and drop the old one in a later release",
  OBJECT_AGGREGATE:
    "create the aggregate under the new name beside the old one, move the callers, and drop the old one in a later release",
});
