export { RegistryClient, type ImageDetails, type RegistryClientOptions, type ResolvedTag } from "./client.ts";
export { lookupCredentials, type CredentialLookup, type RegistryCredentials } from "./credentials.ts";
export { RegistryError, imageName, type RegistryErrorKind, type RegistryTarget } from "./errors.ts";
export { mediaTypes, revisionLabel, versionLabel, type ImageConfig } from "./oci.ts";
