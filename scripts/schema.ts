/**
 * Generates schema/slipway.v1.schema.json, the JSON Schema of every document Slipway prints,
 * from the TypeScript type `SlipwayDocument`: `npm run schema`. test/output/schema.test.ts
 * regenerates it and fails when the committed file differs, so it cannot go stale.
 */
import { writeFileSync } from "node:fs";
import { fileURLToPath } from "node:url";
import { createGenerator } from "ts-json-schema-generator";

const root = fileURLToPath(new URL("..", import.meta.url));
export const schemaFile = `${root}schema/slipway.v1.schema.json`;

/** The schema as the committed file holds it: sorted, two-space indented, one final newline. */
export function generateSchema(): string {
  const schema = createGenerator({
    path: `${root}src/output/documents.ts`,
    tsconfig: `${root}tsconfig.json`,
    type: "SlipwayDocument",
    // tsc checks the sources already; the generator only reads the types (seconds faster).
    skipTypeCheck: true,
    // A property that no type declares is a break of the schema, not an extension.
    additionalProperties: false,
    sortProps: true,
    schemaId: "https://slipway.dev/schema/slipway.v1.schema.json",
  }).createSchema("SlipwayDocument");
  return `${JSON.stringify(schema, null, 2)}\n`;
}

if (process.argv[1] === fileURLToPath(import.meta.url)) {
  writeFileSync(schemaFile, generateSchema());
  console.log(`wrote ${schemaFile}`);
}
