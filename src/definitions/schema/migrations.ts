import { z } from "zod";
import { labelName } from "./formats.ts";

/** A service's database migrations: where its Flyway files are, and how they run. */

export const migrations = z
  .strictObject({
    /** Folder of Flyway-named SQL files (V1__init.sql, R__views.sql), relative to the definition. */
    path: z.string().optional().meta({
      description: "the folder of Flyway-named SQL files, relative to the definition (or `image`)",
      example: 'path: "./migrations"',
    }),
    /**
     * Or: the absolute folder inside the service's own image where they ship (mode "job"). Read
     * from the image's layers through the registry once the plan has resolved its digest.
     */
    image: z.string().optional().meta({
      description: 'or, with `mode: "job"`: the absolute folder in the service\'s image where they ship',
      example: 'image: "/migrations"',
    }),
    database: labelName().meta({
      description: "the environment's database they run on (with `image` too: the dynamic proof reads it)",
      example: 'database: "files"',
    }),
    /** direct: Slipway applies the files; job: a Job from the new image runs the service's own command. */
    mode: z.enum(["direct", "job"]).optional().meta({
      description: "`direct` (Slipway applies them) or `job` (a Job from the new image runs them)",
      default: "`direct`",
      example: 'mode: "job"',
    }),
    job: z
      .strictObject({
        args: z
          .array(z.string())
          .optional()
          .meta({ description: "its arguments", example: 'args: ["--run-script", "migrate-db"]' }),
        command: z
          .array(z.string())
          .optional()
          .meta({ description: "its command", example: 'command: ["flyway", "migrate"]' }),
      })
      .optional()
      .meta({
        description: "that Job's container (`command`, `args`)",
        example: 'job: { args: ["--run-script", "migrate-db"] }',
      }),
    /** A file of the statements this version runs (";"-separated), proven beside the live ones. */
    queries: z.string().optional().meta({
      description: "a file of the statements this version runs, proven beside the live ones",
      example: 'queries: "./queries.sql"',
    }),
    /** The database role the service connects as: only its statements in pg_stat_statements count. */
    role: z.string().optional().meta({
      description: "the database role the service connects as: only its live statements count",
      example: 'role: "mail"',
    }),
  })
  .superRefine((m, ctx) => {
    if (m.path === undefined && m.image === undefined)
      ctx.addIssue({
        code: "custom",
        path: [],
        message:
          'needs path (a folder beside the definition) or image (a folder inside the service\'s image, with mode "job")',
      });
    if (m.path !== undefined && m.image !== undefined)
      ctx.addIssue({
        code: "custom",
        path: ["image"],
        message:
          "cannot be given with path: the files are beside the definition (path) or in the image (image), not both",
      });
    if (m.image !== undefined && !/^\/[^\0]*$/.test(m.image))
      ctx.addIssue({
        code: "custom",
        path: ["image"],
        message: 'must be an absolute folder inside the image, such as "/migrations"',
      });
    if (m.image !== undefined && m.mode !== "job")
      ctx.addIssue({
        code: "custom",
        path: ["mode"],
        message:
          'must be "job" with image: a Job from that image runs the files; Slipway reads them only to check them',
      });
  });
