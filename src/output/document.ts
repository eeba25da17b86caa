/**
 * Every JSON document Slipway prints carries the schema's version and its kind, so a consumer
 * can tell a Plan from a DeployReport without knowing which command printed it.
 */
export const apiVersion = "slipway.dev/v1";

export interface DocumentHeader<K extends string> {
  readonly apiVersion: typeof apiVersion;
  readonly kind: K;
}

export type Document<K extends string, B extends object> = DocumentHeader<K> & B;

export function document<K extends string, B extends object>(kind: K, body: B): Document<K, B> {
  return { apiVersion, kind, ...body };
}
