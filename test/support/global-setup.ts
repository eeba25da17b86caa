import { up } from "../../platform/src/platform.ts";

/** Brings the local platform up once per test run; a platform already up is reused as is. */
export default async function setup(): Promise<void> {
  await up();
}
