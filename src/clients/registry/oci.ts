// The OCI distribution wire format as far as Slipway reads it: media types, the two labels
// that tie an image to its build, and the JSON shapes of manifests, indexes and image configs.

export const mediaTypes = {
  ociManifest: "application/vnd.oci.image.manifest.v1+json",
  ociIndex: "application/vnd.oci.image.index.v1+json",
  dockerManifest: "application/vnd.docker.distribution.manifest.v2+json",
  dockerManifestList: "application/vnd.docker.distribution.manifest.list.v2+json",
} as const;

/** Registries answer with the first type the client accepts, so every type we can read is listed. */
export const manifestAccept = Object.values(mediaTypes).join(", ");

export const isIndex = (mediaType: string): boolean =>
  mediaType === mediaTypes.ociIndex || mediaType === mediaTypes.dockerManifestList;

export const isImageManifest = (mediaType: string): boolean =>
  mediaType === mediaTypes.ociManifest || mediaType === mediaTypes.dockerManifest;

/** The commit an image was built from, and its version: the OCI pre-defined annotation keys, used as labels. */
export const revisionLabel = "org.opencontainers.image.revision";
export const versionLabel = "org.opencontainers.image.version";

/** The platform Slipway deploys to (the clusters' nodes are linux/amd64). */
export const targetPlatform = { os: "linux", architecture: "amd64" } as const;

export interface Descriptor {
  readonly mediaType: string;
  readonly digest: string;
  readonly size: number;
  readonly platform?: { readonly os?: string; readonly architecture?: string; readonly variant?: string };
}

export interface ImageManifest {
  readonly mediaType?: string;
  readonly config: Descriptor;
  readonly layers: readonly Descriptor[];
}

export interface ImageIndex {
  readonly mediaType?: string;
  readonly manifests: readonly Descriptor[];
}

/** The parts of an image config Slipway uses. */
export interface ImageConfig {
  readonly os?: string;
  readonly architecture?: string;
  readonly config?: { readonly Labels?: Readonly<Record<string, string>> | null };
}
