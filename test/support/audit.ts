/** Today's date as the audit indices' date math writes it (UTC, yyyy.MM.dd). */
export const utcDate = (): string => new Date().toISOString().slice(0, 10).replace(/-/g, ".");
