// The example platform's CI: for each example service, runs the tests of its program
// (services/<name>/app, `node --test`), builds an OCI image without a Docker daemon, pushes it to
// the local platform's registry, and reports the build with the real test counts to the Jenkins
// stand-in, as a Jenkins job would have run them: `npm run images`. A failing test makes a
// FAILURE build, which Slipway's CI check refuses. Each pushed digest is then signed with the
// CI's key in cosign's format, with attestations of its provenance and test results
// (scripts/images/sign.ts), and the public key is written to keys/ci.pub beside the config.
// Prints "service version digest result tests" per image.
//
// An image with a program runs it: a Node runtime base layer made from this machine's node
// (scripts/images/node-base.ts, built once and cached) and a layer with /srv/<service>/VERSION,
// the program's files (its tests left out) and main.js, the shared example runtime bundled with
// the service's handler (scripts/images/bundle.ts); its entrypoint is
// ["/usr/bin/node", "/srv/<service>/main.js"]. An image without a program is that one small layer
// on an empty OCI base. Each is labelled with the revision it stands for and its version.
// Everything that goes in is fixed (file content, tar metadata, no timestamps), so running it
// again pushes the same bytes under the same digests.
import { execFile } from "node:child_process";
import { createHash } from "node:crypto";
import { existsSync } from "node:fs";
import { copyFile, mkdir, mkdtemp, readdir, readFile, rm, writeFile } from "node:fs/promises";
import { tmpdir } from "node:os";
import { dirname, join, resolve } from "node:path";
import { pathToFileURL } from "node:url";
import { ensureBinaries } from "../platform/src/build/binaries.ts";
import { loadPlatform } from "../platform/src/connection.ts";
import { defaultLayout } from "../platform/src/layout.ts";
import { stderrProgress } from "../platform/src/progress.ts";
import { revisionLabel, versionLabel } from "../src/clients/registry/oci.ts";
import { readJenkinsCredentials } from "../platform/src/parts/jenkins-stand-in.ts";
import { addBuildPath, type StandInBuild } from "../platform/src/stand-ins/jenkins.ts";
import { loadProject } from "../src/definitions/load.ts";
import { bundleProgram } from "./images/bundle.ts";
import { nodeBaseLayer } from "./images/node-base.ts";
import { runServiceTests, testFiles } from "./service-tests.ts";
import { ciSigningKey, publicKeyPem, signAndAttest } from "./images/sign.ts";

export interface ImageBuild {
  readonly service: string;
  readonly version: string;
  /** The repository under the prefix: <registry>/<prefix>/<image>:<version>. */
  readonly image: string;
  /** The commit the image stands for (40 hex); default defaultRevision(service, version). */
  readonly revision?: string;
  /** More labels; the revision and version labels are always set from the fields above. */
  readonly labels?: Readonly<Record<string, string>>;
  /** os/arch written into the image config; default linux/amd64. */
  readonly platform?: string;
  /** Default "research", the example platform's repositoryPrefix. */
  readonly repositoryPrefix?: string;
  /**
   * A program's folder: its files, tests left out, go into /srv/<service>/ beside VERSION. With a
   * handler.js the image runs it: the Node base layer, main.js (the example runtime and the
   * handler bundled) and the entrypoint ["/usr/bin/node", "/srv/<service>/main.js"].
   */
  readonly program?: string;
  /** The calls the program serves (the definition's `calls`): the runtime audits each. */
  readonly calls?: readonly { readonly name: string; readonly audited: boolean }[];
  /** The port of the service's Kubernetes Service, which the smoke test calls. */
  readonly servicePort?: number;
  /**
   * A folder of SQL migrations and the absolute folder of the image they go into
   * (`migrations.image`), as a Dockerfile's `COPY migrations/ /migrations/` would.
   */
  readonly migrations?: { readonly from: string; readonly to: string };
}

export interface BuiltImage {
  readonly service: string;
  readonly version: string;
  /** <registry>/<prefix>/<image>:<version> */
  readonly reference: string;
  readonly digest: string;
  readonly revision: string;
}

/** A stand-in commit for a service version: the same 40 hex digits every time. */
export const defaultRevision = (service: string, version: string): string =>
  createHash("sha1").update(`${service}@${version}`).digest("hex");

/** Builds one image and pushes it to the local platform's registry with its credentials. */
export async function buildAndPushImage(build: ImageBuild): Promise<BuiltImage> {
  const platform = loadPlatform();
  const revision = build.revision ?? defaultRevision(build.service, build.version);
  const labels = { ...build.labels, [revisionLabel]: revision, [versionLabel]: build.version };
  for (const [key, value] of Object.entries(labels)) {
    // crane reads --label as comma-separated key=value pairs.
    if (`${key}${value}`.includes(",")) throw new Error(`label ${key}: commas are not supported`);
  }
  const prefix = build.repositoryPrefix ?? "research";
  const reference = `${platform.registry}/${prefix}/${build.image}:${build.version}`;
  // The unlabelled intermediate goes to a scratch repository, so the published tag only ever
  // points to a labelled image, even while an image is rebuilt.
  const staging = `${platform.registry}/slipway-build/${prefix}/${build.image}:${build.version}`;

  const work = await mkdtemp(join(tmpdir(), "slipway-image-"));
  try {
    // A throwaway DOCKER_CONFIG: the login never touches the user's ~/.docker.
    const crane = craneIn(await craneBinary(), join(work, "docker"));
    await mkdir(join(work, "docker"));
    await crane(
      ["auth", "login", platform.registry, "-u", platform.secrets.registryUser, "--password-stdin"],
      platform.secrets.registryPassword,
    );
    const runs = build.program !== undefined && existsSync(join(build.program, "handler.js"));
    const main = runs
      ? await bundleProgram({
          service: build.service,
          program: build.program as string,
          calls: build.calls ?? [],
          ...(build.servicePort !== undefined ? { servicePort: build.servicePort } : {}),
          migrationFolders: [
            ...new Set([
              build.migrations?.to ?? "/migrations",
              "/migrations",
              `/srv/${build.service}/migrations`,
            ]),
          ],
        })
      : undefined;
    const layer = await writeLayer(work, build.service, build.version, build.program, build.migrations, main);
    const base = runs ? ["--base", await nodeBaseImage(crane, platform.registry)] : ["--oci-empty-base"];
    const unlabelled = await crane(["append", "--insecure", ...base, "-f", layer, "-t", staging]);
    const labelArgs = Object.entries(labels).flatMap(([key, value]) => ["--label", `${key}=${value}`]);
    const home = `/srv/${build.service}`;
    const runArgs = runs
      ? ["--entrypoint", `/usr/bin/node,${home}/main.js`, "--workdir", home, "--env", "PORT=8080"]
      : [];
    const pushed = await crane([
      "mutate",
      "--insecure",
      unlabelled,
      ...labelArgs,
      ...runArgs,
      "--set-platform",
      build.platform ?? "linux/amd64",
      "-t",
      reference,
    ]);
    const digest = pushed.split("@")[1] ?? "";
    if (!/^sha256:[0-9a-f]{64}$/.test(digest)) {
      throw new Error(`crane mutate printed "${pushed}", not a reference by digest`);
    }
    return { service: build.service, version: build.version, reference, digest, revision };
  } finally {
    await rm(work, { recursive: true, force: true });
  }
}

/**
 * Reports a build of the image's revision to the Jenkins stand-in, as the service's job would
 * have run it; `build` says how it went (the stand-in's default: a success with 12 passing tests,
 * for tests that shape builds by hand; buildExampleImages reports the counts of the tests it ran).
 * The same build twice is kept once.
 */
export async function reportBuild(
  image: BuiltImage,
  jobPattern = "{service}",
  build: StandInBuild = {},
): Promise<{ number: number; url: string }> {
  const platform = loadPlatform();
  const credentials = readJenkinsCredentials(defaultLayout());
  if (!credentials)
    throw new Error("the Jenkins stand-in has no credentials yet: run npm run platform -- up");
  const response = await fetch(new URL(addBuildPath, platform.jenkins.url), {
    method: "POST",
    headers: {
      "content-type": "application/json",
      authorization: `Basic ${Buffer.from(`${credentials.user}:${credentials.token}`).toString("base64")}`,
    },
    body: JSON.stringify({
      job: jobPattern.replace("{service}", image.service),
      build: { version: image.version, revision: image.revision, ...build },
    }),
  });
  if (!response.ok) throw new Error(`the Jenkins stand-in refused the build: ${response.status}`);
  return (await response.json()) as { number: number; url: string };
}

/** An image the example's CI built, with the outcome of the tests it ran first. */
export interface CiBuild extends BuiltImage {
  /** FAILURE when a test failed (the image is pushed either way), else SUCCESS. */
  readonly result: "SUCCESS" | "FAILURE";
  /** "none": the service has no program with tests (services/<name>/app/*.test.js). */
  readonly tests: { passed: number; failed: number; skipped: number } | "none";
  /** The test runner's output when a test failed, for the build's log. */
  readonly log?: string;
}

/**
 * The example's CI for every service of a project's environment, in dependency order: runs the
 * tests of the service's program (services/<name>/app), builds and pushes its image, and reports
 * the build with the real counts to the Jenkins stand-in; `skip` leaves out versions already
 * published. The image is pushed even when a test fails, so that Slipway's CI check, not a
 * missing tag, is what refuses the version.
 */
export async function buildExampleImages(
  configPath = "examples/platform/slipway.config.ts",
  envName = "dev",
  skip: (service: string, version: string) => boolean = () => false,
): Promise<CiBuild[]> {
  const project = await loadProject(configPath);
  const env = project.environments.find((e) => e.name === envName);
  const services = project.services.get(envName);
  if (!env || !services) throw new Error(`${configPath} has no environment ${envName}`);
  const built: CiBuild[] = [];
  const signing = ciSigningKey();
  // The CI publishes its public key where the project's environments name it (signatures.keys),
  // as a team commits cosign.pub once.
  await mkdir(join(dirname(resolve(configPath)), "keys"), { recursive: true });
  await writeFile(join(dirname(resolve(configPath)), "keys", "ci.pub"), publicKeyPem(await signing));
  for (const { spec, file, calls } of services) {
    if (skip(spec.name, spec.version)) continue;
    if (spec.image.includes("/")) {
      process.stderr.write(`skipping ${spec.name}: its image ${spec.image} is not on the local registry\n`);
      continue;
    }
    // `file` is relative to the working folder, as loading reports it.
    const program = join(dirname(resolve(file)), "app");
    const hasProgram = existsSync(program) && testFiles(program).length > 0;
    const run = hasProgram ? await runServiceTests(program) : undefined;
    const image = await buildAndPushImage({
      service: spec.name,
      version: spec.version,
      image: spec.image,
      repositoryPrefix: env.registry.repositoryPrefix,
      ...(hasProgram
        ? {
            program,
            calls: calls.map((c) => ({ name: c.name, audited: c.audited })),
            ...(spec.service?.port !== undefined ? { servicePort: spec.service.port } : {}),
          }
        : {}),
      ...shippedMigrations(spec, file),
    });
    // Without tests the build succeeds but publishes no report, which the CI check refuses.
    const result = run && run.failed > 0 ? "FAILURE" : "SUCCESS";
    const tests = run ? { passed: run.passed, failed: run.failed, skipped: run.skipped } : "none";
    const reported = env.ci ? await reportBuild(image, env.ci.jobPattern, { result, tests }) : undefined;
    // Signed and attested with what was just reported: the commit and counts the CI check finds.
    await signAndAttest(
      image,
      {
        commit: image.revision,
        builder: env.ci?.url ?? "slipway-example-ci",
        ...(reported ? { buildUrl: reported.url } : {}),
        tests: run
          ? { passed: run.passed, failed: run.failed, skipped: run.skipped }
          : { passed: 0, failed: 0, skipped: 0 },
        ...(run ? { report: run.output } : {}),
        parameters: { service: spec.name, version: spec.version },
      },
      await signing,
    );
    built.push({ ...image, result, tests, ...(run && run.failed > 0 ? { log: run.output } : {}) });
  }
  return built;
}

/**
 * Where a service's migrations go in its image, as a Dockerfile's COPY would put them: at
 * `migrations.image` when they ship there; at /srv/<service>/migrations when a Job runs them
 * (`mode: "job"`) from the definition's folder, so that the Job finds them in the image.
 */
function shippedMigrations(
  spec: { name: string; migrations?: { image?: string; path?: string; mode?: string } },
  file: string,
): Pick<ImageBuild, "migrations"> {
  const folder = dirname(resolve(file));
  const m = spec.migrations;
  if (m?.image) return { migrations: { from: join(folder, "migrations"), to: m.image } };
  if (m?.mode === "job" && m.path)
    return { migrations: { from: resolve(folder, m.path), to: `/srv/${spec.name}/migrations` } };
  return {};
}

/** Base images pushed by this process, by registry: each pushed (or found) once. */
const nodeBaseImages = new Map<string, Promise<string>>();

/**
 * The Node runtime base image in the registry (slipway-build/node-base:<key>): one layer, the
 * cached tar of scripts/images/node-base.ts, pushed when the registry does not have it yet.
 * Service images are appended to it, so the registry keeps its ~100 MB layer once.
 */
function nodeBaseImage(crane: (args: string[]) => Promise<string>, registry: string): Promise<string> {
  let image = nodeBaseImages.get(registry);
  if (!image) {
    image = (async () => {
      const layer = await nodeBaseLayer(defaultLayout().cacheDir);
      const reference = `${registry}/slipway-build/node-base:${layer.key}`;
      const found = await crane(["digest", "--insecure", reference]).catch(() => undefined);
      if (!found)
        await crane(["append", "--insecure", "--oci-empty-base", "-f", layer.path, "-t", reference]);
      return reference;
    })();
    image.catch(() => nodeBaseImages.delete(registry));
    nodeBaseImages.set(registry, image);
  }
  return image;
}

let craneBinaryPath: Promise<string> | undefined;
/** crane from the platform's build cache (built on first use). */
function craneBinary(): Promise<string> {
  craneBinaryPath ??= ensureBinaries(defaultLayout().cacheDir, stderrProgress).then((b) => b.crane);
  return craneBinaryPath;
}

/** Runs crane with its own DOCKER_CONFIG; returns stdout, trimmed. Secrets go through stdin only. */
function craneIn(binary: string, dockerConfig: string) {
  return (args: string[], stdin?: string): Promise<string> =>
    new Promise((resolve, reject) => {
      const child = execFile(
        binary,
        args,
        { env: { ...process.env, DOCKER_CONFIG: dockerConfig } },
        (error, stdout, stderr) => {
          if (error) reject(new Error(`crane ${args[0]} failed: ${stderr.trim() || error.message}`));
          else resolve(stdout.trim());
        },
      );
      // crane may exit without reading its stdin (a failed login, a command that takes none):
      // the pipe's EPIPE must not crash the run; the exit status says what went wrong.
      child.stdin?.on("error", () => undefined);
      child.stdin?.end(stdin ?? "");
    });
}

/**
 * A tar with /srv/<service>/VERSION and the program's files (not its tests, not subfolders),
 * main.js when the image runs the program, and the migrations' SQL files when they ship in the
 * image, whose bytes depend only on service, version and those files' contents.
 */
async function writeLayer(
  work: string,
  service: string,
  version: string,
  program?: string,
  migrations?: ImageBuild["migrations"],
  main?: Uint8Array,
): Promise<string> {
  const root = join(work, "rootfs");
  const home = join(root, "srv", service);
  await mkdir(home, { recursive: true });
  await writeFile(join(home, "VERSION"), `${version}\n`);
  if (program) {
    const tests = new Set(testFiles(program));
    for (const entry of await readdir(program, { withFileTypes: true }))
      if (entry.isFile() && !tests.has(entry.name))
        await copyFile(join(program, entry.name), join(home, entry.name));
  }
  if (main) {
    // main.js is an ES module: its folder's package.json must say so.
    const manifest = join(home, "package.json");
    const type = existsSync(manifest)
      ? (JSON.parse(await readFile(manifest, "utf8")) as { type?: string }).type
      : undefined;
    if (!existsSync(manifest)) await writeFile(manifest, '{ "type": "module" }\n');
    else if (type !== "module") throw new Error(`${program}/package.json must say "type": "module"`);
    await writeFile(join(home, "main.js"), main);
  }
  const tops = ["srv"];
  if (migrations) {
    const folder = join(root, migrations.to);
    await mkdir(folder, { recursive: true });
    for (const entry of await readdir(migrations.from, { withFileTypes: true }))
      if (entry.isFile() && entry.name.endsWith(".sql"))
        await copyFile(join(migrations.from, entry.name), join(folder, entry.name));
    const top = migrations.to.split("/").filter(Boolean)[0];
    if (top && !tops.includes(top)) tops.push(top);
  }
  const layer = join(work, "layer.tar");
  const fixed = ["--sort=name", "--mtime=@0", "--owner=0", "--group=0", "--numeric-owner"];
  await new Promise<void>((resolve, reject) =>
    execFile(
      "tar",
      ["-C", root, ...fixed, "--mode=a+rX,u+w,go-w", "--format=gnu", "-cf", layer, ...tops.sort()],
      (error, _stdout, stderr) => (error ? reject(new Error(`tar failed: ${stderr.trim()}`)) : resolve()),
    ),
  );
  return layer;
}

if (process.argv[1] && import.meta.url === pathToFileURL(process.argv[1]).href) {
  const [config, env] = process.argv.slice(2);
  const built = await buildExampleImages(config, env);
  for (const image of built) {
    const t = image.tests;
    const counts = t === "none" ? "no tests" : `${t.passed} passed, ${t.failed} failed, ${t.skipped} skipped`;
    console.log(`${image.service} ${image.version} ${image.digest} ${image.result} (${counts})`);
    if (image.log) process.stderr.write(image.log);
  }
  // Like a CI run with a failed build: the images are pushed and reported, the run says it failed.
  if (built.some((b) => b.result === "FAILURE")) process.exitCode = 1;
}
