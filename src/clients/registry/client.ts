// A small OCI distribution client on Node's fetch. Slipway reads three things from a registry:
// what a tag points to, the image config behind it, and its labels. No well-kept npm library
// does that on Node 20 with the bearer-token flow cleanly (the maintained ones want a Docker
// daemon or pull in a whole image toolkit), so this is the few requests it takes.
import { createHash } from "node:crypto";
import { Readable } from "node:stream";
import { fetchFailure } from "../fetch-failure.ts";
import { basicAuthorization, parseChallenge, tokenUrl } from "./auth.ts";
import { lookupCredentials, type RegistryCredentials } from "./credentials.ts";
import { RegistryError, type RegistryErrorKind, type RegistryTarget } from "./errors.ts";
import {
  isImageManifest,
  isIndex,
  manifestAccept,
  revisionLabel,
  targetPlatform,
  versionLabel,
  type ImageConfig,
  type ImageIndex,
  type ImageManifest,
} from "./oci.ts";

export interface RegistryClientOptions {
  /** "registry.example.org" or "127.0.0.1:25000". */
  readonly host: string;
  readonly credentials?: RegistryCredentials;
  /** Plain http instead of https with a verified certificate: for local registries only. */
  readonly insecure?: boolean;
  /** Said in an "unauthorized" error when there are no credentials (see lookupCredentials). */
  readonly credentialsHint?: string;
  /** Per request; default 30 s. */
  readonly timeoutMs?: number;
}

export interface ResolvedTag {
  /** What the tag points to, to pin a deployment to: the index's digest for a multi-platform image. */
  readonly digest: string;
  readonly mediaType: string;
  /** The linux/amd64 image manifest: `digest` itself unless the tag names an index. */
  readonly manifestDigest: string;
  /** Set when the tag names an index (or Docker manifest list). */
  readonly indexDigest?: string;
}

export interface ImageDetails extends ResolvedTag {
  readonly labels: Readonly<Record<string, string>>;
  /** The `org.opencontainers.image.revision` label: the commit the image was built from. */
  readonly revision?: string;
  /** The `org.opencontainers.image.version` label. */
  readonly version?: string;
  readonly os?: string;
  readonly architecture?: string;
}

interface Fetched {
  readonly bytes: Buffer;
  readonly mediaType: string;
  readonly digest: string;
}

type Method = "GET" | "HEAD";

export class RegistryClient {
  private readonly base: string;
  /** The Authorization header that worked, per repository (bearer tokens are scoped to one). */
  private readonly authorization = new Map<string, string>();
  /** Basic credentials the registry accepted: good for every repository, so sent up front. */
  private basic: string | undefined;

  constructor(private readonly options: RegistryClientOptions) {
    this.base = `${options.insecure ? "http" : "https"}://${options.host}`;
  }

  /** A client with the credentials lookupCredentials finds for the host (environment, then Docker config). */
  static fromEnvironment(
    host: string,
    options: { insecure?: boolean; env?: NodeJS.ProcessEnv; timeoutMs?: number } = {},
  ): RegistryClient {
    const found = lookupCredentials(host, options.env);
    return new RegistryClient({
      host,
      insecure: options.insecure,
      timeoutMs: options.timeoutMs,
      credentials: found.credentials,
      credentialsHint: found.hint,
    });
  }

  get host(): string {
    return this.options.host;
  }

  /** The digest a tag points to: HEAD first (cheap), GET when it names an index or HEAD says too little. */
  async resolveTag(repository: string, tag: string): Promise<ResolvedTag> {
    const target = { host: this.host, repository, reference: tag };
    const head = await this.send(target, "HEAD", `/v2/${repository}/manifests/${tag}`, manifestAccept);
    if (head.status === 404) throw this.notFound(target);
    const headDigest = head.ok ? head.headers.get("docker-content-digest") : null;
    const headType = mediaTypeOf(head);
    if (headDigest && isImageManifest(headType)) {
      return { digest: headDigest, mediaType: headType, manifestDigest: headDigest };
    }
    const manifest = await this.fetchManifest({ ...target, reference: headDigest ?? tag });
    if (isImageManifest(manifest.mediaType)) {
      return { digest: manifest.digest, mediaType: manifest.mediaType, manifestDigest: manifest.digest };
    }
    return this.platformOf(target, manifest);
  }

  /** The linux/amd64 manifest of an index (or Docker manifest list) a tag names. */
  private platformOf(target: RegistryTarget, manifest: Fetched): ResolvedTag {
    if (!isIndex(manifest.mediaType)) {
      throw this.fail("bad-response", target, `unsupported manifest type ${manifest.mediaType || "(none)"}`);
    }
    const index = JSON.parse(manifest.bytes.toString("utf8")) as ImageIndex;
    const wanted = `${targetPlatform.os}/${targetPlatform.architecture}`;
    const entry = (index.manifests ?? []).find(
      (m) => m.platform?.os === targetPlatform.os && m.platform.architecture === targetPlatform.architecture,
    );
    if (!entry) {
      const has = (index.manifests ?? []).map((m) => `${m.platform?.os}/${m.platform?.architecture}`);
      throw this.fail("no-platform", target, `the index has no ${wanted} image (it has: ${has.join(", ")})`);
    }
    if (!isImageManifest(entry.mediaType)) {
      throw this.fail("bad-response", target, `the ${wanted} entry of the index is a ${entry.mediaType}`);
    }
    return {
      digest: manifest.digest,
      mediaType: manifest.mediaType,
      indexDigest: manifest.digest,
      manifestDigest: entry.digest,
    };
  }

  /** The image config blob an image manifest (by digest) refers to. */
  async readImageConfig(repository: string, manifestDigest: string): Promise<ImageConfig> {
    const target = { host: this.host, repository, reference: manifestDigest };
    return this.configOf(target, await this.fetchManifest(target));
  }

  /**
   * What a tag points to, and the labels of its linux/amd64 image. The tag's manifest is read
   * with one GET (no HEAD first: the manifest is needed anyway), then the config blob; an index
   * costs one more GET, for its linux/amd64 manifest.
   */
  async inspect(repository: string, tag: string): Promise<ImageDetails> {
    const target = { host: this.host, repository, reference: tag };
    const manifest = await this.fetchManifest(target);
    let resolved: ResolvedTag;
    let config: ImageConfig;
    if (isImageManifest(manifest.mediaType)) {
      resolved = { digest: manifest.digest, mediaType: manifest.mediaType, manifestDigest: manifest.digest };
      config = await this.configOf({ ...target, reference: manifest.digest }, manifest);
    } else {
      resolved = this.platformOf(target, manifest);
      config = await this.readImageConfig(repository, resolved.manifestDigest);
    }
    const labels = config.config?.Labels ?? {};
    return {
      ...resolved,
      labels,
      revision: labels[revisionLabel] || undefined,
      version: labels[versionLabel] || undefined,
      os: config.os,
      architecture: config.architecture,
    };
  }

  /**
   * The linux/amd64 image manifest behind a digest (an image manifest's own, or the one an index
   * names for that platform): its layers, in the order they apply.
   */
  async imageManifest(repository: string, digest: string): Promise<ImageManifest> {
    const target = { host: this.host, repository, reference: digest };
    let manifest = await this.fetchManifest(target);
    if (!isImageManifest(manifest.mediaType)) {
      const platform = this.platformOf(target, manifest);
      manifest = await this.fetchManifest({ ...target, reference: platform.manifestDigest });
    }
    return JSON.parse(manifest.bytes.toString("utf8")) as ImageManifest;
  }

  /** A blob (a layer), checked against its digest. */
  async blob(repository: string, digest: string): Promise<Buffer> {
    const target = { host: this.host, repository, reference: digest };
    return (await this.fetchVerified(target, `/v2/${repository}/blobs/${digest}`)).bytes;
  }

  /**
   * A blob's bytes as they download, never held whole: the stream fails at its end when they are
   * not the digest's (so whatever read it must not trust its result before the end).
   */
  async blobStream(repository: string, digest: string): Promise<AsyncIterable<Buffer>> {
    const target = { host: this.host, repository, reference: digest };
    const response = await this.send(target, "GET", `/v2/${repository}/blobs/${digest}`);
    if (response.status === 404) throw this.notFound(target);
    if (!response.ok) throw await this.unexpected(response, target);
    if (!response.body) throw this.fail("bad-response", target, "the registry sent no body");
    const [algorithm = "sha256", expected] = digest.split(":");
    const hash = createHash(algorithm);
    const body = Readable.fromWeb(response.body as import("node:stream/web").ReadableStream<Uint8Array>);
    const fail = (message: string): RegistryError => this.fail("bad-response", target, message);
    return (async function* verified(): AsyncGenerator<Buffer> {
      try {
        for await (const chunk of body) {
          hash.update(chunk as Buffer);
          yield chunk as Buffer;
        }
      } finally {
        body.destroy();
      }
      const actual = hash.digest("hex");
      if (actual !== expected) throw fail(`the registry sent content whose digest is ${algorithm}:${actual}`);
    })();
  }

  /** The config blob of an image manifest already read. */
  private async configOf(target: RegistryTarget, manifest: Fetched): Promise<ImageConfig> {
    if (!isImageManifest(manifest.mediaType)) {
      throw this.fail("bad-response", target, `expected an image manifest, found ${manifest.mediaType}`);
    }
    const { config } = JSON.parse(manifest.bytes.toString("utf8")) as ImageManifest;
    const blob = await this.fetchVerified(
      { ...target, reference: config.digest },
      `/v2/${target.repository}/blobs/${config.digest}`,
    );
    return JSON.parse(blob.bytes.toString("utf8")) as ImageConfig;
  }

  private fetchManifest(target: RegistryTarget): Promise<Fetched> {
    return this.fetchVerified(
      target,
      `/v2/${target.repository}/manifests/${target.reference}`,
      manifestAccept,
    );
  }

  /** GET, and check the bytes against the digest when we asked by digest (content addressing is the point). */
  private async fetchVerified(target: RegistryTarget, path: string, accept?: string): Promise<Fetched> {
    const response = await this.send(target, "GET", path, accept);
    if (response.status === 404) throw this.notFound(target);
    if (!response.ok) throw await this.unexpected(response, target);
    const bytes = Buffer.from(await response.arrayBuffer());
    const byDigest = target.reference.includes(":");
    const algorithm = byDigest ? target.reference.split(":")[0]! : "sha256";
    const digest = `${algorithm}:${createHash(algorithm).update(bytes).digest("hex")}`;
    if (byDigest && digest !== target.reference) {
      throw this.fail("bad-response", target, `the registry sent content whose digest is ${digest}`);
    }
    // By tag there is nothing to check against but the registry's own word for it.
    const said = response.headers.get("docker-content-digest");
    if (!byDigest && said && said.startsWith("sha256:") && said !== digest) {
      throw this.fail(
        "bad-response",
        target,
        `the registry says ${said} but sent content whose digest is ${digest}`,
      );
    }
    const fromBody = (): string => {
      try {
        return (JSON.parse(bytes.toString("utf8")) as { mediaType?: string }).mediaType ?? "";
      } catch {
        return "";
      }
    };
    return { bytes, digest, mediaType: mediaTypeOf(response) || fromBody() };
  }

  /** One request, authenticating on a 401 challenge (Basic, or a Bearer token from the realm) and retrying once. */
  private async send(
    target: RegistryTarget,
    method: Method,
    path: string,
    accept?: string,
  ): Promise<Response> {
    const url = `${this.base}${path}`;
    const cached = this.authorization.get(target.repository) ?? this.basic;
    const first = await this.fetchOnce(target, url, method, accept, cached);
    if (first.status !== 401) return first;
    await discard(first);
    const authorization = await this.authorize(target, first.headers.get("www-authenticate"));
    // The same header was just refused: asking again cannot help.
    if (authorization === cached) throw this.unauthorized(target);
    const second = await this.fetchOnce(target, url, method, accept, authorization);
    if (second.status === 401) {
      await discard(second);
      throw this.unauthorized(target);
    }
    this.authorization.set(target.repository, authorization);
    if (authorization.startsWith("Basic ")) this.basic = authorization;
    return second;
  }

  private async authorize(target: RegistryTarget, header: string | null): Promise<string> {
    const challenge = parseChallenge(header);
    const credentials = this.options.credentials;
    if (challenge?.scheme === "basic") {
      if (!credentials) throw this.unauthorized(target);
      return basicAuthorization(credentials);
    }
    if (challenge?.scheme !== "bearer") {
      const what = challenge
        ? `an unsupported ${challenge.scheme} challenge`
        : "no WWW-Authenticate challenge";
      throw this.fail("unauthorized", target, `the registry answered 401 with ${what}`);
    }
    let url: URL;
    try {
      url = tokenUrl(challenge, target.repository);
    } catch (error) {
      throw this.fail("bad-response", target, `bad Bearer challenge: ${(error as Error).message}`);
    }
    if (credentials && url.protocol !== "https:" && !this.options.insecure) {
      throw this.fail(
        "bad-response",
        target,
        `the token realm ${url.origin} is not https; not sending credentials`,
      );
    }
    const response = await this.fetchOnce(
      target,
      url.href,
      "GET",
      "application/json",
      credentials ? basicAuthorization(credentials) : undefined,
    );
    if (response.status === 401 || response.status === 403) {
      await discard(response);
      throw this.unauthorized(target);
    }
    if (!response.ok) throw await this.unexpected(response, target, `token service ${url.origin}`);
    const body = (await response.json()) as { token?: string; access_token?: string };
    const token = body.token ?? body.access_token;
    if (!token) throw this.fail("bad-response", target, `the token service ${url.origin} sent no token`);
    return `Bearer ${token}`;
  }

  private async fetchOnce(
    target: RegistryTarget,
    url: string,
    method: Method,
    accept: string | undefined,
    authorization: string | undefined,
  ): Promise<Response> {
    const headers: Record<string, string> = {};
    if (accept) headers.accept = accept;
    if (authorization) headers.authorization = authorization;
    try {
      return await fetch(url, {
        method,
        headers,
        // Blobs may redirect to storage; fetch drops the Authorization header on a cross-origin redirect.
        redirect: "follow",
        signal: AbortSignal.timeout(this.options.timeoutMs ?? 30_000),
      });
    } catch (error) {
      const who = url.startsWith(this.base) ? "registry" : "token service";
      const detail = networkDetail(error, this.options.insecure, this.options.timeoutMs ?? 30_000);
      throw this.fail("unreachable", target, `${who} unreachable at ${new URL(url).origin} (${detail})`);
    }
  }

  private notFound(target: RegistryTarget): RegistryError {
    return this.fail("not-found", target, target.reference.includes(":") ? "not found" : "tag not found");
  }

  private unauthorized(target: RegistryTarget): RegistryError {
    const credentials = this.options.credentials;
    const message = credentials
      ? `unauthorized (wrong credentials?): the registry refused user "${credentials.username}"`
      : `unauthorized: the registry requires credentials and none were given` +
        (this.options.credentialsHint ? `; ${this.options.credentialsHint}` : "");
    return this.fail("unauthorized", target, message);
  }

  private async unexpected(
    response: Response,
    target: RegistryTarget,
    who = "registry",
  ): Promise<RegistryError> {
    // Registry error bodies carry codes and messages (MANIFEST_INVALID, ...), never credentials.
    const text = (await response.text().catch(() => "")).slice(0, 300);
    let detail = text;
    try {
      const parsed = JSON.parse(text) as { errors?: { code?: string; message?: string }[] };
      detail = (parsed.errors ?? []).map((e) => `${e.code}: ${e.message}`).join("; ") || text;
    } catch {
      // not JSON: keep the text
    }
    const said = detail ? ` (${detail})` : "";
    return this.fail(
      "bad-response",
      target,
      `the ${who} answered ${response.status} ${response.statusText}${said}`,
    );
  }

  /** Every message starts with the registry, the repository and the tag or digest. */
  private fail(kind: RegistryErrorKind, target: RegistryTarget, message: string): RegistryError {
    const reference = target.reference.includes(":")
      ? `digest ${target.reference}`
      : `tag ${target.reference}`;
    return new RegistryError(
      kind,
      target,
      `registry ${target.host}, repository ${target.repository}, ${reference}: ${message}`,
    );
  }
}

function mediaTypeOf(response: Response): string {
  return (response.headers.get("content-type") ?? "").split(";")[0]!.trim();
}

/** Frees the connection of a response we do not read. */
async function discard(response: Response): Promise<void> {
  await response.body?.cancel().catch(() => undefined);
}

/** Why fetch failed; a TLS failure says what to set. */
function networkDetail(error: unknown, insecure: boolean | undefined, timeoutMs: number): string {
  const detail = fetchFailure(error, timeoutMs);
  if (!insecure && /SSL|TLS|CERT|SELF_SIGNED|UNABLE_TO_VERIFY/i.test(detail)) {
    return `${detail}: TLS failed; a registry serving plain http needs insecure: true, one with a private CA NODE_EXTRA_CA_CERTS`;
  }
  return detail;
}
