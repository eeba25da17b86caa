import type { GateCheck } from "../checks/gate/types.ts";
import type { DocumentHeader } from "./document.ts";

/** `slipway verify-image -o json`: the gate's image, signature and provenance checks for one image. */
export interface ImageVerificationDocument extends DocumentHeader<"ImageVerification"> {
  readonly environment: string;
  /** The image as given: a service of the environment, or a registry reference. */
  readonly image: string;
  /** host/path@digest, when the reference resolved. */
  readonly resolved: string | null;
  /** Every check passed: a deploy of this digest would pass them. */
  readonly verified: boolean;
  readonly checks: readonly GateCheck[];
}
