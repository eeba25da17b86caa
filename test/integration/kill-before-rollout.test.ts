// SIGKILL at each step before the rollout (gate, check-migrations, migrate, audit-index), between
// two migration files, after an index rolled over and while a migration Job runs.
import { killSuite } from "../support/kill-suite.ts";

killSuite("before-rollout");
