/** Where the platform says what it is doing. The CLI prints to stderr; tests may collect. */
export interface Progress {
  step(message: string): void;
}

export const stderrProgress: Progress = {
  step: (message) => process.stderr.write(`${message}\n`),
};

export const silentProgress: Progress = { step: () => undefined };

export function formatElapsed(ms: number): string {
  const s = Math.round(ms / 1000);
  return s < 60 ? `${s}s` : `${Math.floor(s / 60)}m${String(s % 60).padStart(2, "0")}s`;
}
