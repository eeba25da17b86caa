import type { Annotation, RuleDescription } from "./annotations.ts";
import { repositoryPath } from "./annotations.ts";

/**
 * SARIF 2.1.0, the format GitHub code scanning (upload-sarif) and other dashboards take. Only
 * the parts they read: the tool and its rules, and per finding its rule, level, message and
 * place. Paths are relative to the working folder, where CI checks the repository out.
 */
export interface SarifLog {
  readonly $schema: string;
  readonly version: "2.1.0";
  readonly runs: readonly SarifRun[];
}

interface SarifRun {
  readonly tool: {
    readonly driver: {
      readonly name: "slipway";
      readonly version: string;
      readonly rules: readonly SarifRule[];
    };
  };
  readonly results: readonly SarifResult[];
}

interface SarifRule {
  readonly id: string;
  readonly shortDescription: { readonly text: string };
  readonly help: { readonly text: string };
  readonly defaultConfiguration: { readonly level: Annotation["level"] };
}

interface SarifResult {
  readonly ruleId: string;
  readonly ruleIndex: number;
  readonly level: Annotation["level"];
  readonly message: { readonly text: string };
  readonly locations: readonly {
    readonly physicalLocation: {
      readonly artifactLocation: { readonly uri: string; readonly uriBaseId: "%SRCROOT%" };
      readonly region: { readonly startLine: number; readonly startColumn: number };
    };
  }[];
  readonly suppressions?: readonly { readonly kind: "inSource"; readonly justification: string }[];
}

export interface SarifTool {
  readonly version: string;
}

export function sarifLog(
  annotations: readonly Annotation[],
  rules: readonly RuleDescription[],
  tool: SarifTool,
  cwd: string = process.cwd(),
): SarifLog {
  const index = new Map(rules.map((r, i) => [r.id, i]));
  return {
    $schema: "https://docs.oasis-open.org/sarif/sarif/v2.1.0/errata01/os/schemas/sarif-schema-2.1.0.json",
    version: "2.1.0",
    runs: [
      {
        tool: {
          driver: {
            name: "slipway",
            version: tool.version,
            rules: rules.map((r) => ({
              id: r.id,
              shortDescription: { text: r.description },
              help: { text: helpFor(r.id, annotations) },
              defaultConfiguration: { level: annotations.find((a) => a.rule === r.id)?.level ?? "warning" },
            })),
          },
        },
        results: annotations.map((a) => ({
          ruleId: a.rule,
          ruleIndex: index.get(a.rule) ?? -1,
          level: a.level,
          message: { text: a.hint ? `${a.message}\nfix: ${a.hint}` : a.message },
          locations: [
            {
              physicalLocation: {
                artifactLocation: { uri: encodeURI(repositoryPath(a.file, cwd)), uriBaseId: "%SRCROOT%" },
                region: { startLine: a.line, startColumn: a.column },
              },
            },
          ],
          ...(a.suppressed !== undefined
            ? { suppressions: [{ kind: "inSource", justification: a.suppressed }] }
            : {}),
        })),
      },
    ],
  };
}

/** The rule's fix, as its first finding states it: the check words its hints per statement. */
function helpFor(rule: string, annotations: readonly Annotation[]): string {
  return annotations.find((a) => a.rule === rule && a.hint)?.hint ?? "see the message of each finding";
}
