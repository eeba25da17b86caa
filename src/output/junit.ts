import { mkdirSync, writeFileSync } from "node:fs";
import { dirname } from "node:path";

/**
 * JUnit XML as Jenkins' `junit` step reads it: suites of test cases, a case failing with
 * <failure message="...">details</failure>. Jenkins lists a case as classname › name.
 */
export interface JUnitCase {
  readonly classname: string;
  readonly name: string;
  readonly seconds?: number;
  readonly failure?: { readonly message: string; readonly details: string };
  /** Not run (a service the deploy skipped): shown as skipped, not as passed. */
  readonly skipped?: string;
  /** Shown with the case: warnings and suppressed findings that do not fail it. */
  readonly output?: string;
}

export interface JUnitSuite {
  readonly name: string;
  readonly cases: readonly JUnitCase[];
}

/** XML text and attribute values: the five specials, and the control characters XML 1.0 forbids. */
export function escapeXml(text: string): string {
  return text
    .replace(/&/g, "&amp;")
    .replace(/</g, "&lt;")
    .replace(/>/g, "&gt;")
    .replace(/"/g, "&quot;")
    .replace(/'/g, "&apos;")
    .replace(/\r/g, "&#13;")
    .replace(/\n/g, "&#10;")
    .replace(/\t/g, "&#9;")
    .replace(/[\u0000-\u0008\u000b\u000c\u000e-\u001f\ufffe\uffff]/g, "\ufffd"); // eslint-disable-line no-control-regex
}

/** Text content keeps its line breaks readable; only attributes need them as references. */
const escapeText = (text: string): string => escapeXml(text).replace(/&#10;/g, "\n").replace(/&#9;/g, "\t");

const attributes = (values: Record<string, string | number | undefined>): string =>
  Object.entries(values)
    .flatMap(([k, v]) => (v === undefined ? [] : [` ${k}="${escapeXml(String(v))}"`]))
    .join("");

export function junitXml(suites: readonly JUnitSuite[]): string {
  const count = (s: JUnitSuite, p: (c: JUnitCase) => boolean): number => s.cases.filter(p).length;
  const total = (p: (c: JUnitCase) => boolean): number => suites.reduce((n, s) => n + count(s, p), 0);
  const seconds = (cases: readonly JUnitCase[]): string =>
    cases.reduce((n, c) => n + (c.seconds ?? 0), 0).toFixed(3);
  const lines = [
    '<?xml version="1.0" encoding="UTF-8"?>',
    `<testsuites${attributes({ tests: total(() => true), failures: total((c) => c.failure !== undefined), errors: 0, skipped: total((c) => c.skipped !== undefined), time: seconds(suites.flatMap((s) => s.cases)) })}>`,
  ];
  for (const suite of suites) {
    lines.push(
      `  <testsuite${attributes({ name: suite.name, tests: suite.cases.length, failures: count(suite, (c) => c.failure !== undefined), errors: 0, skipped: count(suite, (c) => c.skipped !== undefined), time: seconds(suite.cases) })}>`,
    );
    for (const c of suite.cases) {
      const open = `    <testcase${attributes({ classname: c.classname, name: c.name, time: (c.seconds ?? 0).toFixed(3) })}`;
      const body: string[] = [];
      if (c.failure)
        body.push(
          `      <failure${attributes({ message: c.failure.message, type: "failure" })}>${escapeText(c.failure.details)}</failure>`,
        );
      if (c.skipped !== undefined) body.push(`      <skipped${attributes({ message: c.skipped })}/>`);
      if (c.output) body.push(`      <system-out>${escapeText(c.output)}</system-out>`);
      lines.push(body.length ? `${open}>\n${body.join("\n")}\n    </testcase>` : `${open}/>`);
    }
    lines.push("  </testsuite>");
  }
  lines.push("</testsuites>", "");
  return lines.join("\n");
}

export function writeJUnit(file: string, suites: readonly JUnitSuite[]): void {
  mkdirSync(dirname(file), { recursive: true });
  writeFileSync(file, junitXml(suites));
}
