import { z } from "zod";
import { labelName } from "./formats.ts";

/** Typed service parameters (see ../parameters.ts for how their values are found). */
export const parameterName = z.string().regex(/^[a-z][a-zA-Z0-9]*$/, {
  message: 'must be a parameter name such as "wayfEnabled" (a lower-case letter, then letters and digits)',
});

export const parameterDeclaration = z.strictObject({
  /** `integer`: a number without a fraction (a version of the terms, a count). */
  type: z
    .enum(["string", "number", "integer", "boolean"])
    .meta({ description: "`string`, `number`, `integer` or `boolean`", example: 'type: "boolean"' }),
  default: z.union([z.string(), z.number(), z.boolean()]).optional().meta({
    description: "the value when neither the environment nor `--set` gives one",
    example: "default: false",
  }),
  /** A deploy is refused until an environment or --set gives it a value. */
  required: z.boolean().optional().meta({
    description: "a deploy is refused until a value is given; `render` too, unless `--placeholders`",
    example: "required: true",
  }),
  description: z.string().optional().meta({
    description: "shown in the plan and errors",
    example: 'description: "log in through the federation"',
  }),
  /** Its value is never shown or recorded, only a hash of it. */
  secret: z.boolean().optional().meta({
    description: "never shown or recorded, only its hash; given with `--set-from-env`",
    example: "secret: true",
  }),
});

/** An environment's values for its services' parameters: service → parameter → value. */
export const environmentParameters = z.record(
  labelName(40),
  z.record(z.string(), z.union([z.string(), z.number(), z.boolean()])),
);

export type ParameterDeclaration = z.infer<typeof parameterDeclaration>;
