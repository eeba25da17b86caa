import { z } from "zod";
import { labelName } from "./formats.ts";
import { deployWindow } from "./windows.ts";

/** The shape of slipway.config.ts's default export; its environments are checked one by one (environment.ts). */
export const projectSchema = z.strictObject({
  name: labelName(40).meta({
    description: "the project's name: the `app.kubernetes.io/part-of` label of every object",
    example: 'name: "research-cloud"',
  }),
  /** Folder holding one `<service>/service.ts` per service, relative to slipway.config.ts. */
  servicesDir: z.string().optional().meta({
    description: "the folder of `<service>/service.ts` files, relative to the config",
    default: "`./services`",
    example: 'servicesDir: "./services"',
  }),
  environments: z.array(z.unknown()).min(1).meta({
    description: "the environments (`defineEnvironment`), in promotion order",
    type: "list of environments",
    example: "environments: [dev, prod]",
  }),
  /** Deploy windows of every environment (a company-wide freeze); each environment adds its own. */
  windows: z.array(deployWindow).optional().meta({
    description: "deploy windows of every environment, before each one's own",
    example:
      'windows: [{ deny: { from: "2026-12-23", to: "2027-01-01", timeZone: "Europe/Copenhagen" }, reason: "holidays" }]',
  }),
});
export type ResolvedProject = z.infer<typeof projectSchema>;
