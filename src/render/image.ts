import type { RenderContext } from "./labels.ts";

/** The image reference: by digest when it is known (what was checked is what runs), else by version tag. */
export function imageReference(ctx: RenderContext): string {
  const { spec } = ctx.service;
  const repository = spec.image.includes("/")
    ? spec.image
    : `${ctx.env.registry.host}/${ctx.env.registry.repositoryPrefix}/${spec.image}`;
  const digest = ctx.digests?.get(spec.name);
  return digest ? `${repository}@${digest}` : `${repository}:${spec.version}`;
}
