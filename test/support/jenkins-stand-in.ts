// The Jenkins stand-in lives with the local platform, which also runs it as a part.
export * from "../../platform/src/stand-ins/jenkins.ts";
