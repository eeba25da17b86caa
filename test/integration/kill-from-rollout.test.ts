// SIGKILL at each step from the rollout on (apply, rollout, verify, prune, record), and during an
// automatic rollback.
import { killSuite } from "../support/kill-suite.ts";

killSuite("rollout");
