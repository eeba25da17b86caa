import type { JenkinsBuild } from "./builds.ts";

/** What identifies the build of a service version. */
export interface WantedBuild {
  readonly version: string;
  /** The git commit the version was built from; when given, it alone decides. */
  readonly revision?: string;
}

/**
 * Builds of the wanted version, newest first.
 *
 * A revision, when known, is the only match: a version label can be reused by a rebuild from
 * other code, a commit cannot. Without one, a build is the version's when its display name, or
 * its VERSION or TAG parameter, is the version, with or without a leading "v" (tag-named builds).
 */
export function matchingBuilds(builds: readonly JenkinsBuild[], wanted: WantedBuild): JenkinsBuild[] {
  const matches = wanted.revision
    ? builds.filter((b) => matchedRevision(b, wanted.revision ?? "") !== undefined)
    : builds.filter((b) => isVersion(b, wanted.version));
  return matches.sort((a, b) => b.number - a.number);
}

/** The build's recorded revision that equals the wanted one (full, or an abbreviation of 7+ hex digits). */
export function matchedRevision(build: JenkinsBuild, revision: string): string | undefined {
  const wanted = revision.trim().toLowerCase();
  return build.revisions.find((r) => {
    const have = r.toLowerCase();
    const [short, long] = have.length <= wanted.length ? [have, wanted] : [wanted, have];
    return short === long || (short.length >= 7 && long.startsWith(short));
  });
}

/** How builds were matched, for a message that says why none was found. */
export function describeMatch(wanted: WantedBuild): string {
  if (wanted.revision) return `whose git revision (lastBuiltRevision SHA1) is ${wanted.revision}`;
  const [bare, tagged] = spellings(wanted.version);
  return `whose display name, VERSION or TAG parameter is ${bare} or ${tagged}`;
}

const VERSION_PARAMETERS = new Set(["version", "tag"]);

function isVersion(build: JenkinsBuild, version: string): boolean {
  const names = new Set(spellings(version));
  if (names.has(build.displayName.trim())) return true;
  return Object.entries(build.parameters).some(
    ([name, value]) => VERSION_PARAMETERS.has(name.toLowerCase()) && names.has(value.trim()),
  );
}

/** A version and its tag: 1.4.0 and v1.4.0, whichever way it was given. */
function spellings(version: string): [bare: string, tagged: string] {
  const bare = version.trim().replace(/^v(?=\d)/, "");
  return [bare, `v${bare}`];
}
