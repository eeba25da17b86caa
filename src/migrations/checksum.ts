import { crc32 } from "node:zlib";

/**
 * Flyway's checksum of a SQL file: CRC-32 over its lines read one by one (line endings
 * dropped, a leading byte-order mark removed), as a signed 32-bit integer. Matching it is
 * what lets Slipway recognise databases Flyway migrated, and notice a file edited since.
 */
export function flywayChecksum(sql: string): number {
  const lines = sql.replace(/^\uFEFF/, "").split(/\r\n|\n|\r/);
  if (lines.length > 0 && lines[lines.length - 1] === "") lines.pop();
  let crc = 0;
  for (const line of lines) crc = crc32(Buffer.from(line, "utf8"), crc);
  return crc | 0;
}
