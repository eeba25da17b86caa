import { isMap, isScalar, isSeq, LineCounter, parseDocument, type Node } from "yaml";

/**
 * Where a JSON pointer's field is written in a JSON file, for annotations on its line. JSON is
 * YAML, and the yaml library keeps every node's offset. A pointer the file does not have (a
 * removed field points into the old schema) lands on its deepest ancestor the file has.
 */
export function pointerPosition(text: string, pointer: string): { line: number; column: number } {
  const lineCounter = new LineCounter();
  const doc = parseDocument(text, { lineCounter });
  const segments = pointer
    .split("/")
    .slice(1)
    .map((s) => s.replace(/~1/g, "/").replace(/~0/g, "~"));
  let node: unknown = doc.contents;
  let offset = (doc.contents as Node | null)?.range?.[0] ?? 0;
  for (const segment of segments) {
    if (isMap(node)) {
      const pair = node.items.find((p) => isScalar(p.key) && String(p.key.value) === segment);
      if (!pair) break;
      offset = (pair.key as Node).range?.[0] ?? offset;
      node = pair.value;
    } else if (isSeq(node)) {
      const item: unknown = node.items[Number(segment)];
      if (!item || !/^\d+$/.test(segment)) break;
      offset = (item as Node).range?.[0] ?? offset;
      node = item;
    } else break;
  }
  const { line, col } = lineCounter.linePos(offset);
  return { line, column: col };
}
