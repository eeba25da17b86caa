// SIGKILL at each step from the rollout on (apply, rollout, verify, prune, record), and during an
// automatic rollback (the re-run takes the lock over and resumes that rollback).
import { killSuite } from "../support/kill-suite.ts";

killSuite("rollout");
