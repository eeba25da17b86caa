import type { Binaries } from "../build/binaries.ts";
import type { Layout } from "../layout.ts";
import type { Pki, PlatformSecrets } from "../secrets.ts";
import type { ServiceUser } from "../process/service-user.ts";
import type { Progress } from "../progress.ts";

/** What every part may use; `binaries` and `elasticsearchHome` exist only while bringing parts up. */
export interface PartContext {
  readonly layout: Layout;
  readonly secrets: PlatformSecrets;
  readonly pki: Pki;
  readonly serviceUser: ServiceUser;
  readonly progress: Progress;
  readonly binaries?: Binaries;
  readonly elasticsearchHome?: string;
}

export interface Launch {
  readonly executable: string;
  readonly args: readonly string[];
  readonly env?: NodeJS.ProcessEnv;
  /** Run as the unprivileged service user (servers that refuse root). */
  readonly asServiceUser?: boolean;
  readonly marker?: string;
}

/** One server of the local platform: how to prepare, launch, and judge it. */
export interface Part {
  readonly name: string;
  /** Where clients reach it, shown by `up` and `status`. */
  readonly address: string;
  readonly ports: readonly number[];
  readonly dependsOn: readonly string[];
  readonly startTimeoutMs: number;
  /** Creates config and data folders; idempotent. */
  prepare(ctx: PartContext): Promise<void>;
  launch(ctx: PartContext): Launch;
  healthy(ctx: PartContext): Promise<boolean>;
  /** Work that needs the part healthy (extensions, nodes); idempotent. */
  afterStart?(ctx: PartContext): Promise<void>;
  version(ctx: PartContext): Promise<string>;
}

export function requireBinaries(ctx: PartContext): Binaries {
  if (!ctx.binaries) throw new Error("internal: binaries are not built in this context");
  return ctx.binaries;
}
