import { appendFileSync } from "node:fs";
import { repositoryPath, type Annotation } from "./annotations.ts";

/**
 * GitHub Actions workflow commands: `::error file=F,line=L,col=C,title=RULE::message` puts a
 * finding on the pull request's line. Escaping as the runner's own toolkit does it
 * (@actions/core): the message loses %, CR and LF to %-codes, a property also : and ,.
 */
export function escapeData(text: string): string {
  return text.replace(/%/g, "%25").replace(/\r/g, "%0D").replace(/\n/g, "%0A");
}

export function escapeProperty(text: string): string {
  return escapeData(text).replace(/:/g, "%3A").replace(/,/g, "%2C");
}

const command = (a: Annotation): "error" | "warning" | "notice" =>
  a.suppressed !== undefined ? "notice" : a.level === "note" ? "notice" : a.level;

export function workflowCommand(a: Annotation, cwd: string = process.cwd()): string {
  const properties = [
    `file=${escapeProperty(repositoryPath(a.file, cwd))}`,
    `line=${a.line}`,
    `col=${a.column}`,
    `title=${escapeProperty(a.rule)}`,
  ].join(",");
  const suppressed = a.suppressed !== undefined ? ` (suppressed: ${a.suppressed})` : "";
  const hint = a.hint && a.suppressed === undefined ? `\nfix: ${a.hint}` : "";
  return `::${command(a)} ${properties}::${escapeData(`${a.message}${suppressed}${hint}`)}`;
}

/** Text in a Markdown table cell: one line, no pipe or HTML of its own. */
export function cell(text: string): string {
  return text
    .replace(/&/g, "&amp;")
    .replace(/</g, "&lt;")
    .replace(/>/g, "&gt;")
    .replace(/\|/g, "\\|")
    .replace(/\r?\n/g, "<br>");
}

/**
 * Every finding as a Markdown table, for $GITHUB_STEP_SUMMARY: GitHub shows at most 10
 * annotations of each kind per step, the summary shows them all.
 */
export function annotationsMarkdown(
  title: string,
  annotations: readonly Annotation[],
  cwd = process.cwd(),
): string {
  const lines = [`### ${title}`, ""];
  if (annotations.length === 0) return [...lines, "No findings.", ""].join("\n") + "\n";
  lines.push("| level | rule | where | finding |", "| --- | --- | --- | --- |");
  for (const a of annotations) {
    const level = a.suppressed !== undefined ? `suppressed (${a.level})` : a.level;
    const where = `${repositoryPath(a.file, cwd)}:${a.line}:${a.column}`;
    const finding =
      a.suppressed !== undefined
        ? `${cell(a.message)}<br>suppressed: ${cell(a.suppressed)}`
        : a.hint
          ? `${cell(a.message)}<br>fix: ${cell(a.hint)}`
          : cell(a.message);
    lines.push(`| ${cell(level)} | ${cell(a.rule)} | ${cell(where)} | ${finding} |`);
  }
  return lines.join("\n") + "\n\n";
}

/** Appends to the step summary file when GitHub set one; false when not in a GitHub job. */
export function appendStepSummary(markdown: string, env: NodeJS.ProcessEnv = process.env): boolean {
  const file = env.GITHUB_STEP_SUMMARY;
  if (!file) return false;
  appendFileSync(file, markdown);
  return true;
}
