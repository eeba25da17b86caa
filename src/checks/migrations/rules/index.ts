// Every migration rule. The order is the order of their findings on one statement: the first
// and the last look at the file as a whole, those between at what the statement changes.
import { addingNotNullableField } from "./adding-not-nullable-field.ts";
import { banDropColumn } from "./ban-drop-column.ts";
import { banDropDatabase } from "./ban-drop-database.ts";
import { banDropDomain } from "./ban-drop-domain.ts";
import { banDropExtension } from "./ban-drop-extension.ts";
import { banDropFunction } from "./ban-drop-function.ts";
import { banDropMaterializedView } from "./ban-drop-materialized-view.ts";
import { banDropNotNull } from "./ban-drop-not-null.ts";
import { banDropSchema } from "./ban-drop-schema.ts";
import { banDropSequence } from "./ban-drop-sequence.ts";
import { banDropTable } from "./ban-drop-table.ts";
import { banDropTrigger } from "./ban-drop-trigger.ts";
import { banDropType } from "./ban-drop-type.ts";
import { banDropView } from "./ban-drop-view.ts";
import { banSetSchema } from "./ban-set-schema.ts";
import { changingColumnType } from "./changing-column-type.ts";
import { constraintMissingNotValid } from "./constraint-missing-not-valid.ts";
import { disallowedUniqueConstraint } from "./disallowed-unique-constraint.ts";
import { droppingDefault } from "./dropping-default.ts";
import { missingLockTimeout } from "./missing-lock-timeout.ts";
import { nonTransactionalNotAlone } from "./non-transactional-not-alone.ts";
import { removingEnumValue } from "./removing-enum-value.ts";
import { renamingColumn } from "./renaming-column.ts";
import { renamingDomain } from "./renaming-domain.ts";
import { renamingFunction } from "./renaming-function.ts";
import { renamingMaterializedView } from "./renaming-materialized-view.ts";
import { renamingSchema } from "./renaming-schema.ts";
import { renamingSequence } from "./renaming-sequence.ts";
import { renamingTable } from "./renaming-table.ts";
import { renamingType } from "./renaming-type.ts";
import { renamingView } from "./renaming-view.ts";
import { requireConcurrentIndexCreation } from "./require-concurrent-index-creation.ts";
import { requireConcurrentIndexDeletion } from "./require-concurrent-index-deletion.ts";
import type { MigrationRule } from "./rule.ts";
import { settingNotNull } from "./setting-not-null.ts";
import { volatileDefault } from "./volatile-default.ts";

export type { AlterTableRule, MigrationRule, RuleContext, RuleReport, StatementRule } from "./rule.ts";

export const rules: readonly MigrationRule[] = [
  nonTransactionalNotAlone,
  // DROP
  banDropTable,
  banDropView,
  banDropMaterializedView,
  banDropFunction,
  banDropType,
  banDropDomain,
  banDropSequence,
  banDropSchema,
  banDropExtension,
  banDropTrigger,
  requireConcurrentIndexDeletion,
  banDropDatabase,
  // RENAME and SET SCHEMA
  renamingColumn,
  renamingTable,
  renamingView,
  renamingMaterializedView,
  renamingSequence,
  renamingType,
  renamingDomain,
  renamingSchema,
  renamingFunction,
  banSetSchema,
  removingEnumValue,
  requireConcurrentIndexCreation,
  // ALTER TABLE subcommands: findings in subcommand order, and for one subcommand in this order
  banDropColumn,
  changingColumnType,
  settingNotNull,
  banDropNotNull,
  droppingDefault,
  addingNotNullableField,
  disallowedUniqueConstraint,
  volatileDefault,
  constraintMissingNotValid,
  // last: about the statement as a whole, after what it changes
  missingLockTimeout,
];
