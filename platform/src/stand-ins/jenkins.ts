/**
 * A stand-in for Jenkins, which cannot run on these machines: a local HTTP server answering the
 * parts of Jenkins' JSON API that Slipway reads, in Jenkins' documented shapes.
 *
 * - `<root>api/json` and `<root>job/<a>/job/<b>/api/json`: Hudson, folders (`jobs`) and
 *   pipeline jobs (`builds`, the newest 100, or `allBuilds` when the `tree` asks for it; newest
 *   first, honouring the `{from,to}` range of a `tree`).
 * - `…/job/<name>/<number>/api/json`: one build, with git BuildData and ParametersAction actions.
 * - `…/<number>/testReport/api/json`: a JUnit TestResult (passCount, no totalCount) or an
 *   aggregated one (totalCount, no passCount); 404 when the build published none.
 *
 * Like Jenkins it requires HTTP basic auth: 401 for a wrong user or API token, 403 for anonymous.
 * It does not filter fields by `tree` (Jenkins omits unrequested fields; readers ignore them anyway).
 */
import { existsSync, readFileSync, writeFileSync } from "node:fs";
import { createServer, type IncomingMessage, type Server, type ServerResponse } from "node:http";
import type { AddressInfo } from "node:net";

export interface StandInBuild {
  /** Default SUCCESS; ignored while building (Jenkins reports null). */
  readonly result?: "SUCCESS" | "UNSTABLE" | "FAILURE" | "ABORTED" | "NOT_BUILT";
  readonly building?: boolean;
  /** Recorded as the git plugin's BuildData lastBuiltRevision.SHA1. */
  readonly revision?: string;
  /** Extra revisions, as a pipeline shared library's checkout adds. */
  readonly otherRevisions?: readonly string[];
  /** Shown as the build's display name (currentBuild.displayName = version). */
  readonly version?: string;
  readonly parameters?: Readonly<Record<string, string | boolean>>;
  /** Test counts; "none" for a build that published no report. Default 12 passed. */
  readonly tests?: { passed: number; failed: number; skipped: number } | "none";
  /** Answer the test report in the aggregated shape (Maven, matrix): totalCount instead of passCount. */
  readonly aggregatedReport?: boolean;
}

export interface StandInOptions {
  readonly user: string;
  readonly token: string;
  /** A context path, as for Jenkins served at https://example.org/jenkins/. */
  readonly prefix?: string;
  /** Default: any free port. */
  readonly port?: number;
  /** A JSON file the builds are kept in, so the stand-in keeps them across restarts. */
  readonly statePath?: string;
}

/** Where CI scripts (scripts/build-images.ts) report a build, as Jenkins would have run it. */
export const addBuildPath = "/slipway-stand-in/builds";

type SavedJobs = Record<string, StandInBuild[]>;

interface Job {
  readonly kind: "folder" | "job";
  readonly children: Map<string, Job>;
  readonly builds: StandInBuild[];
}

export class JenkinsStandIn {
  /** Requests seen, as "METHOD path" (query included). */
  readonly requests: string[] = [];
  readonly #root: Job = { kind: "folder", children: new Map(), builds: [] };
  readonly #server: Server;
  readonly #options: StandInOptions;
  #url = "";

  private constructor(options: StandInOptions) {
    this.#options = options;
    this.#server = createServer((req, res) => this.#handle(req, res));
  }

  static async start(options: StandInOptions): Promise<JenkinsStandIn> {
    const standIn = new JenkinsStandIn(options);
    if (options.statePath && existsSync(options.statePath))
      for (const [job, builds] of Object.entries(
        JSON.parse(readFileSync(options.statePath, "utf8")) as SavedJobs,
      ))
        for (const build of builds) standIn.addBuild(job, build);
    await new Promise<void>((resolve, reject) => {
      standIn.#server.once("error", reject);
      standIn.#server.listen(options.port ?? 0, "127.0.0.1", resolve);
    });
    const { port } = standIn.#server.address() as AddressInfo;
    const prefix = (options.prefix ?? "").replace(/^\/*|\/*$/g, "");
    standIn.#url = `http://127.0.0.1:${port}/${prefix ? `${prefix}/` : ""}`;
    return standIn;
  }

  /** Jenkins' root URL, ending in "/". */
  get url(): string {
    return this.#url;
  }

  /** Adds a build to a job, creating the job and its folders ("research/files"); returns its page. */
  addBuild(fullName: string, build: StandInBuild = {}): { number: number; url: string } {
    const job = this.#ensure(fullName, "job");
    job.builds.push(build);
    const number = job.builds.length;
    this.#save();
    return { number, url: `${this.#jobUrl(fullName)}${number}/` };
  }

  #save(): void {
    if (!this.#options.statePath) return;
    const jobs: SavedJobs = {};
    const walk = (node: Job, prefix: string): void => {
      for (const [name, child] of node.children) {
        const fullName = prefix ? `${prefix}/${name}` : name;
        if (child.kind === "job") jobs[fullName] = child.builds;
        walk(child, fullName);
      }
    };
    walk(this.#root, "");
    writeFileSync(this.#options.statePath, JSON.stringify(jobs, null, 2) + "\n");
  }

  /** The admin route: a build reported by a script; the same build twice is recorded once. */
  async #addFromRequest(req: IncomingMessage, res: ServerResponse): Promise<void> {
    let text = "";
    for await (const chunk of req) text += String(chunk);
    const { job, build } = JSON.parse(text) as { job: string; build: StandInBuild };
    const node = this.#ensure(job, "job");
    const same = node.builds.findIndex((b) => JSON.stringify(b) === JSON.stringify(build));
    const added =
      same === -1 ? this.addBuild(job, build) : { number: same + 1, url: `${this.#jobUrl(job)}${same + 1}/` };
    json(res, added);
  }

  /** Adds a job with no builds yet. */
  addJob(fullName: string): void {
    this.#ensure(fullName, "job");
  }

  /** Adds a folder (or multibranch project): a page with `jobs` and no `builds`. */
  addFolder(fullName: string): void {
    this.#ensure(fullName, "folder");
  }

  async close(): Promise<void> {
    this.#server.closeAllConnections();
    await new Promise<void>((resolve, reject) => this.#server.close((e) => (e ? reject(e) : resolve())));
  }

  #ensure(fullName: string, kind: Job["kind"]): Job {
    const names = fullName.split("/");
    let node = this.#root;
    for (const [i, name] of names.entries()) {
      const last = i === names.length - 1;
      let child = node.children.get(name);
      if (!child) {
        child = { kind: last ? kind : "folder", children: new Map(), builds: [] };
        node.children.set(name, child);
      }
      node = child;
    }
    return node;
  }

  #jobUrl(fullName: string): string {
    return `${this.#url}${fullName
      .split("/")
      .map((n) => `job/${encodeURIComponent(n)}/`)
      .join("")}`;
  }

  #handle(req: IncomingMessage, res: ServerResponse): void {
    this.requests.push(`${req.method} ${req.url}`);
    const url = new URL(req.url ?? "/", this.#url);
    const auth = req.headers.authorization;
    if (!auth)
      return html(res, 403, "Authentication required", { "x-you-are-authenticated-as": "anonymous" });
    const expected = `Basic ${Buffer.from(`${this.#options.user}:${this.#options.token}`).toString("base64")}`;
    if (auth !== expected) return html(res, 401, "Invalid password/token for user");
    if (req.method === "POST" && url.pathname === addBuildPath) {
      this.#addFromRequest(req, res).catch((error: Error) => html(res, 400, error.message));
      return;
    }
    if (req.method !== "GET") return html(res, 405, "Method Not Allowed");

    const root = new URL(this.#url).pathname;
    if (!url.pathname.startsWith(root)) return html(res, 404, "Not Found");
    const segments = url.pathname.slice(root.length).split("/").filter(Boolean).map(decodeURIComponent);

    // Walk job/<name> pairs down the folders; what is left names the page under the job.
    let node = this.#root;
    const names: string[] = [];
    while (segments[0] === "job" && segments[1] !== undefined) {
      const child = node.children.get(segments[1]);
      if (!child) return html(res, 404, "Not Found");
      names.push(segments[1]);
      node = child;
      segments.splice(0, 2);
    }
    const rest = segments.join("/");
    const fullName = names.join("/");
    if (rest === "api/json") return json(res, this.#jobJson(node, fullName, url.searchParams.get("tree")));

    const found = /^(\d+)\/(api\/json|testReport\/api\/json)$/.exec(rest);
    const build = found && node.kind === "job" ? node.builds[Number(found[1]) - 1] : undefined;
    if (!found || !build) return html(res, 404, "Not Found");
    const number = Number(found[1]);
    if (found[2] === "api/json") return json(res, this.#buildJson(fullName, number, build));
    const report = testReportJson(build);
    return report ? json(res, report) : html(res, 404, "Not Found");
  }

  #jobJson(node: Job, fullName: string, tree: string | null): unknown {
    const url = fullName ? this.#jobUrl(fullName) : this.#url;
    if (node.kind === "folder") {
      return {
        _class: fullName ? "com.cloudbees.hudson.plugins.folder.Folder" : "hudson.model.Hudson",
        ...(fullName ? { name: fullName.split("/").at(-1), fullName, url } : { url }),
        jobs: [...node.children].map(([name, child]) => ({
          _class:
            child.kind === "folder"
              ? "com.cloudbees.hudson.plugins.folder.Folder"
              : "org.jenkinsci.plugins.workflow.job.WorkflowJob",
          name,
          url: this.#jobUrl(fullName ? `${fullName}/${name}` : name),
        })),
      };
    }
    // As in Jenkins: `builds` is the newest 100, `allBuilds` every build; a tree's {from,to} slices either.
    const wantsAll = /(^|[,[])allBuilds\[/.test(tree ?? "");
    const list = wantsAll ? "allBuilds" : "builds";
    const range = new RegExp(`${list}\\[.*\\]\\{(\\d*),(\\d*)\\}`).exec(tree ?? "");
    const newestFirst = node.builds.map((b, i) => this.#buildJson(fullName, i + 1, b)).reverse();
    const available = wantsAll ? newestFirst : newestFirst.slice(0, 100);
    const from = range?.[1] ? Number(range[1]) : 0;
    const to = range?.[2] ? Number(range[2]) : undefined;
    return {
      _class: "org.jenkinsci.plugins.workflow.job.WorkflowJob",
      name: fullName.split("/").at(-1),
      fullName,
      url,
      [list]: available.slice(from, to),
    };
  }

  #buildJson(fullName: string, number: number, build: StandInBuild): unknown {
    const actions: unknown[] = [{ _class: "hudson.model.CauseAction" }];
    if (build.parameters)
      actions.push({
        _class: "hudson.model.ParametersAction",
        parameters: Object.entries(build.parameters).map(([name, value]) => ({
          _class:
            typeof value === "boolean"
              ? "hudson.model.BooleanParameterValue"
              : "hudson.model.StringParameterValue",
          name,
          value,
        })),
      });
    for (const sha of [build.revision, ...(build.otherRevisions ?? [])])
      if (sha)
        actions.push({
          _class: "hudson.plugins.git.util.BuildData",
          lastBuiltRevision: { SHA1: sha, branch: [{ SHA1: sha, name: "refs/remotes/origin/main" }] },
        });
    actions.push({}, { _class: "org.jenkinsci.plugins.workflow.libs.LibrariesAction" });
    return {
      _class: "org.jenkinsci.plugins.workflow.job.WorkflowRun",
      number,
      url: `${this.#jobUrl(fullName)}${number}/`,
      result: build.building ? null : (build.result ?? "SUCCESS"),
      building: build.building ?? false,
      displayName: build.version ?? `#${number}`,
      description: null,
      timestamp: 1_700_000_000_000 + number * 60_000,
      actions,
    };
  }
}

function testReportJson(build: StandInBuild): unknown {
  const tests = build.tests ?? { passed: 12, failed: 0, skipped: 0 };
  if (tests === "none") return undefined;
  const { passed, failed, skipped } = tests;
  if (build.aggregatedReport)
    return {
      _class: "hudson.tasks.test.MatrixTestResult",
      failCount: failed,
      skipCount: skipped,
      totalCount: passed + failed + skipped,
      childReports: [],
    };
  return {
    _class: "hudson.tasks.junit.TestResult",
    duration: 1.5,
    empty: passed + failed + skipped === 0,
    failCount: failed,
    passCount: passed,
    skipCount: skipped,
    suites: [],
  };
}

function json(res: ServerResponse, body: unknown): void {
  res.writeHead(200, { "content-type": "application/json;charset=utf-8" }).end(JSON.stringify(body));
}

function html(
  res: ServerResponse,
  status: number,
  title: string,
  headers: Record<string, string> = {},
): void {
  res
    .writeHead(status, { "content-type": "text/html;charset=utf-8", ...headers })
    .end(`<html><head><title>${title} [Jenkins]</title></head><body><h1>${title}</h1></body></html>`);
}
