// Writing to a registry: blobs and manifests, as the example's CI needs to store signatures and
// attestations beside an image. Reading stays in client.ts; deploys never write to a registry.
import { createHash } from "node:crypto";
import { basicAuthorization, parseChallenge, tokenUrl } from "./auth.ts";
import type { RegistryCredentials } from "./credentials.ts";

export interface PushedBlob {
  readonly digest: string;
  readonly size: number;
}

export class RegistryPusher {
  private readonly base: string;
  private readonly authorization = new Map<string, string>();

  constructor(
    readonly host: string,
    private readonly credentials: RegistryCredentials | undefined,
    insecure = false,
  ) {
    this.base = `${insecure ? "http" : "https"}://${host}`;
  }

  /** Uploads a blob unless the repository has it (monolithic upload). */
  async putBlob(repository: string, bytes: Buffer): Promise<PushedBlob> {
    const digest = `sha256:${createHash("sha256").update(bytes).digest("hex")}`;
    const found = await this.request(repository, "HEAD", `/v2/${repository}/blobs/${digest}`);
    if (found.ok) return { digest, size: bytes.length };
    const started = await this.request(repository, "POST", `/v2/${repository}/blobs/uploads/`);
    const location = started.headers.get("location");
    if (started.status !== 202 || !location)
      throw await this.failure(started, `starting a blob upload to ${repository}`);
    const url = new URL(location, this.base);
    url.searchParams.set("digest", digest);
    const put = await this.request(repository, "PUT", url.href, {
      body: bytes,
      type: "application/octet-stream",
    });
    if (put.status !== 201) throw await this.failure(put, `uploading blob ${digest} to ${repository}`);
    return { digest, size: bytes.length };
  }

  /** Puts a manifest under a tag; returns its digest. */
  async putManifest(repository: string, tag: string, manifest: Buffer, mediaType: string): Promise<string> {
    // A manifest put is idempotent, so it is tried again on a server error as a read is.
    const response = await this.withRetries(() =>
      this.request(repository, "PUT", `/v2/${repository}/manifests/${tag}`, {
        body: manifest,
        type: mediaType,
      }),
    );
    if (response.status !== 201) throw await this.failure(response, `putting ${repository}:${tag}`);
    return `sha256:${createHash("sha256").update(manifest).digest("hex")}`;
  }

  /** A manifest's bytes, or undefined when the tag does not exist. */
  async getManifest(repository: string, tag: string, accept: string): Promise<Buffer | undefined> {
    const response = await this.withRetries(() =>
      this.request(repository, "GET", `/v2/${repository}/manifests/${tag}`, { accept }),
    );
    if (response.status === 404) return undefined;
    if (!response.ok) throw await this.failure(response, `reading ${repository}:${tag}`);
    return Buffer.from(await response.arrayBuffer());
  }

  /** A blob's bytes. */
  async getBlob(repository: string, digest: string): Promise<Buffer> {
    const response = await this.withRetries(() =>
      this.request(repository, "GET", `/v2/${repository}/blobs/${digest}`),
    );
    if (!response.ok) throw await this.failure(response, `reading blob ${digest} of ${repository}`);
    return Buffer.from(await response.arrayBuffer());
  }

  /**
   * A request tried again on a server error: a registry on a filesystem answers 500 while another
   * client is writing the same tag (two pipelines signing one image), and the next try succeeds.
   */
  private async withRetries(send: () => Promise<Response>): Promise<Response> {
    for (let attempt = 1; ; attempt++) {
      const response = await send();
      if (response.status < 500 || attempt === 3) return response;
      await response.body?.cancel().catch(() => undefined);
      await new Promise((resolve) => setTimeout(resolve, 250 * attempt));
    }
  }

  private async request(
    repository: string,
    method: string,
    pathOrUrl: string,
    options: { body?: Buffer; type?: string; accept?: string } = {},
  ): Promise<Response> {
    const url = pathOrUrl.startsWith("http") ? pathOrUrl : `${this.base}${pathOrUrl}`;
    const once = (authorization: string | undefined): Promise<Response> =>
      fetch(url, {
        method,
        headers: {
          ...(options.type ? { "content-type": options.type } : {}),
          ...(options.accept ? { accept: options.accept } : {}),
          ...(authorization ? { authorization } : {}),
        },
        ...(options.body ? { body: new Uint8Array(options.body) } : {}),
        signal: AbortSignal.timeout(30_000),
      });
    const first = await once(this.authorization.get(repository));
    if (first.status !== 401) return first;
    await first.body?.cancel().catch(() => undefined);
    const authorization = await this.authorize(repository, first.headers.get("www-authenticate"));
    this.authorization.set(repository, authorization);
    return once(authorization);
  }

  private async authorize(repository: string, header: string | null): Promise<string> {
    const challenge = parseChallenge(header);
    if (!this.credentials)
      throw new Error(`registry ${this.host}: pushing needs credentials, none were given`);
    if (challenge?.scheme === "basic") return basicAuthorization(this.credentials);
    if (challenge?.scheme !== "bearer")
      throw new Error(`registry ${this.host} answered 401 without a challenge Slipway can answer`);
    const url = tokenUrl(
      { ...challenge, params: { ...challenge.params, scope: `repository:${repository}:pull,push` } },
      repository,
    );
    const response = await fetch(url, {
      headers: { authorization: basicAuthorization(this.credentials) },
      signal: AbortSignal.timeout(30_000),
    });
    if (!response.ok) throw new Error(`registry ${this.host}: the token service answered ${response.status}`);
    const body = (await response.json()) as { token?: string; access_token?: string };
    const token = body.token ?? body.access_token;
    if (!token) throw new Error(`registry ${this.host}: the token service sent no token`);
    return `Bearer ${token}`;
  }

  private async failure(response: Response, what: string): Promise<Error> {
    // Registry error bodies carry codes and messages, never credentials.
    const text = (await response.text().catch(() => "")).slice(0, 300);
    return new Error(`registry ${this.host}: ${what} failed: ${response.status} ${text}`.trim());
  }
}
