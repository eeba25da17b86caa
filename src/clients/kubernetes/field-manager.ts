/** Slipway's field manager in server-side apply: the fields it sets are its own. */
export const fieldManager = "slipway";
