import type { DefinitionProblem } from "../errors.ts";
import type { EnvironmentModel, ServiceModel } from "../model.ts";
import { PatchError } from "../../render/patches.ts";
import { renderJobTemplates, renderServiceObjects } from "../../render/render.ts";

/**
 * The escape hatch is checked against the objects it changes: a patch whose target matches
 * nothing or that cannot apply, a raw object Slipway renders already, is a definition error found
 * by `validate`, not at deploy time.
 */
export function patchProblems(
  project: string,
  env: EnvironmentModel,
  models: readonly ServiceModel[],
): DefinitionProblem[] {
  return models.flatMap((model): DefinitionProblem[] => {
    if (!model.spec.patches?.length && !model.spec.objects?.length) return [];
    try {
      const rendered = renderServiceObjects(project, env, model);
      // A raw object of the same kind and name as one Slipway renders would be applied twice.
      const duplicate = (model.spec.objects ?? []).findIndex(
        (o) => rendered.filter((r) => r.kind === o.kind && r.metadata?.name === o.metadata.name).length > 1,
      );
      if (duplicate !== -1)
        return [
          {
            file: model.file,
            path: `objects[${duplicate}]`,
            message:
              "Slipway renders an object of this kind and name already: change it with a patch instead",
            environments: [env.name],
          },
        ];
      if (!model.spec.patches?.length) return [];
      const jobs = renderJobTemplates(project, env, model);
      const i = model.spec.patches.findIndex((p) => p.target.kind === "Job");
      if (i !== -1 && jobs.length === 0)
        return [
          {
            file: model.file,
            path: `patches[${i}].target`,
            message: "matches no Job: the service starts none (no migration Job, verify or jobs)",
            environments: [env.name],
          },
        ];
      return [];
    } catch (error) {
      if (!(error instanceof PatchError)) throw error;
      return [{ file: model.file, path: error.path, message: error.message, environments: [env.name] }];
    }
  });
}
