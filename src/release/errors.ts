export class ReleaseNotFound extends Error {
  constructor(service: string, revision?: number) {
    super(
      revision === undefined
        ? `service ${service} has no release in this environment`
        : `service ${service} has no revision ${revision}`,
    );
    this.name = "ReleaseNotFound";
  }
}

export class ReleaseExists extends Error {
  constructor(service: string, revision: number) {
    super(`revision ${revision} of ${service} already exists (another deploy raced this one)`);
    this.name = "ReleaseExists";
  }
}
