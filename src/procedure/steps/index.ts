// The procedure Slipway enforces, per service, in this order. The plan lists these steps and
// the runner runs them: nothing can be listed that does not run, or run that is not listed.
import type { Step } from "../step.ts";
import { apply } from "./apply.ts";
import { auditIndex } from "./audit-index.ts";
import { canary } from "./canary.ts";
import { checkMigrations } from "./check-migrations.ts";
import { gate } from "./gate.ts";
import { migrate } from "./migrate.ts";
import { prune } from "./prune.ts";
import { reclaim } from "./reclaim.ts";
import { record } from "./record.ts";
import { rollout } from "./rollout.ts";
import { verify } from "./verify.ts";

export const procedure: readonly Step[] = [
  gate, // 1. built and tested: image digest, CI build, promotion (checked by the plan)
  checkMigrations, // 2. old and new co-exist on the migrated schema
  migrate, // 3. migrations run and finish before the rollout
  auditIndex, // 4. a breaking call's audit index is updated before the new version writes
  reclaim, // 5. with --reclaim: fields other managers added become Slipway's, for the apply to remove
  apply, // 6. server-side apply
  rollout, // 7. watch the rollout
  canary, // 7'. or, for a canary, its steps: weights, analyses, pauses (verifying against it)
  verify, // 8. the new version's own verification Jobs
  prune, // 9. remove what is no longer defined
  record, // 10. the release is recorded as deployed
];
