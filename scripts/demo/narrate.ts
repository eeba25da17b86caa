// How the demo speaks: a heading per step, a sentence or two of narration, and one line per
// expectation it checks. An unmet expectation ends the demo with that line.

const styled = (code: number) => (text: string) =>
  process.stdout.isTTY && !process.env.NO_COLOR ? `\u001b[${code}m${text}\u001b[0m` : text;
export const bold = styled(1);
export const dim = styled(2);
const green = styled(32);

export function heading(title: string): void {
  console.log(`\n${bold(`== ${title}`)}`);
}

export function say(text: string): void {
  console.log(text);
}

/** An expectation of the demo that did not hold. */
export class Unmet extends Error {}

export function expect(holds: boolean, expectation: string): void {
  if (!holds) throw new Unmet(expectation);
  console.log(green(`   ok: ${expectation}`));
}

export function formatSeconds(ms: number): string {
  const s = Math.round(ms / 1000);
  return s < 60 ? `${s}s` : `${Math.floor(s / 60)}m${String(s % 60).padStart(2, "0")}s`;
}
