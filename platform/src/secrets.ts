import { execFileSync } from "node:child_process";
import { randomBytes } from "node:crypto";
import { existsSync, linkSync, mkdirSync, readFileSync, renameSync, rmSync, writeFileSync } from "node:fs";
import { dirname, join } from "node:path";
import type { Layout } from "./layout.ts";
import { pkiDir, pkiIn, type ClusterName, type ControlPlaneTokens } from "./parts/control-plane.ts";

/** Every credential the local platform issues. Kept 0600 in the state folder; never printed. */
export interface PlatformSecrets extends ControlPlaneTokens {
  readonly registryUser: string;
  readonly registryPassword: string;
  readonly postgresUser: string;
  readonly postgresPassword: string;
  /** The other control planes' own tokens (`rancher/secrets.json`, `edge/secrets.json`); absent until an `up` made them. */
  readonly planes?: Readonly<Partial<Record<Exclude<ClusterName, "local">, ControlPlaneTokens>>>;
}

export interface Pki {
  readonly caCert: string;
  readonly caKey: string;
  readonly apiserverCert: string;
  readonly apiserverKey: string;
  readonly serviceAccountKey: string;
  readonly serviceAccountPub: string;
}

export const token = (): string => randomBytes(24).toString("hex");

const controlPlaneTokens = (): ControlPlaneTokens => ({
  adminToken: token(),
  controllerManagerToken: token(),
  schedulerToken: token(),
  kwokToken: token(),
});

export const secretsPath = (layout: Layout): string => join(layout.stateDir, "secrets.json");
const otherPlanes = ["rancher", "edge"] as const satisfies readonly Exclude<ClusterName, "local">[];
const planeSecretsPath = (layout: Layout, plane: string): string =>
  join(layout.stateDir, plane, "secrets.json");

/**
 * Reads a credentials file, creating it first if there is none. Created whole under a
 * temporary name and linked into place, so two `up`s at once agree on one set of tokens.
 */
export function readOrCreate<T>(path: string, create: () => T): T {
  if (!existsSync(path)) {
    mkdirSync(dirname(path), { recursive: true });
    const temporary = `${path}.${process.pid}.tmp`;
    writeFileSync(temporary, JSON.stringify(create(), null, 2) + "\n", { mode: 0o600 });
    try {
      linkSync(temporary, path);
    } catch (error) {
      if ((error as NodeJS.ErrnoException).code !== "EEXIST") throw error;
    } finally {
      rmSync(temporary, { force: true });
    }
  }
  return JSON.parse(readFileSync(path, "utf8")) as T;
}

export function ensureSecrets(layout: Layout): PlatformSecrets {
  const secrets = readOrCreate<PlatformSecrets>(secretsPath(layout), () => ({
    ...controlPlaneTokens(),
    registryUser: "slipway",
    registryPassword: token(),
    postgresUser: "postgres",
    postgresPassword: token(),
  }));
  const planes = Object.fromEntries(
    otherPlanes.map((plane) => [plane, readOrCreate(planeSecretsPath(layout, plane), controlPlaneTokens)]),
  );
  return { ...secrets, planes };
}

export function readSecrets(layout: Layout): PlatformSecrets | undefined {
  const path = secretsPath(layout);
  if (!existsSync(path)) return undefined;
  const secrets = JSON.parse(readFileSync(path, "utf8")) as PlatformSecrets;
  const planes = Object.fromEntries(
    otherPlanes.flatMap((plane) => {
      const path = planeSecretsPath(layout, plane);
      return existsSync(path) ? [[plane, JSON.parse(readFileSync(path, "utf8")) as ControlPlaneTokens]] : [];
    }),
  );
  return { ...secrets, planes };
}

/**
 * A control plane's CA, its API server's serving certificate for 127.0.0.1, and its
 * service-account signing key. Each plane has its own, so neither trusts the other's.
 */
export function ensurePki(layout: Layout, cluster: ClusterName = "local"): Pki {
  const dir = pkiDir(layout, cluster);
  const pki = pkiIn(dir);
  if (Object.values(pki).every((file) => existsSync(file))) return pki;
  if (existsSync(dir)) {
    generatePki(dir, cluster);
    return pki;
  }
  // Made whole beside it, then renamed into place: a concurrent `up` keeps whichever came first.
  mkdirSync(dirname(dir), { recursive: true });
  const temporary = `${dir}.${process.pid}.tmp`;
  rmSync(temporary, { recursive: true, force: true });
  generatePki(temporary, cluster);
  try {
    renameSync(temporary, dir);
  } catch (error) {
    if (!["ENOTEMPTY", "EEXIST"].includes((error as NodeJS.ErrnoException).code ?? "")) throw error;
  } finally {
    rmSync(temporary, { recursive: true, force: true });
  }
  return pki;
}

function generatePki(dir: string, cluster: ClusterName): void {
  const pki = pkiIn(dir);
  mkdirSync(dir, { recursive: true, mode: 0o700 });
  const openssl = (...args: string[]): void => {
    execFileSync("openssl", args, { stdio: ["ignore", "ignore", "pipe"] });
  };
  openssl(
    "req",
    "-x509",
    "-newkey",
    "rsa:2048",
    "-nodes",
    "-days",
    "3650",
    "-subj",
    `/CN=slipway-${cluster}-ca`,
    "-keyout",
    pki.caKey,
    "-out",
    pki.caCert,
  );
  issueCertificate({
    ca: pki,
    subject: "/CN=kube-apiserver",
    extensions:
      "subjectAltName=IP:127.0.0.1,IP:10.96.0.1,DNS:localhost,DNS:kubernetes,DNS:kubernetes.default,DNS:kubernetes.default.svc\n" +
      "extendedKeyUsage=serverAuth\n",
    cert: pki.apiserverCert,
    key: pki.apiserverKey,
  });
  openssl("genrsa", "-out", pki.serviceAccountKey, "2048");
  openssl("rsa", "-in", pki.serviceAccountKey, "-pubout", "-out", pki.serviceAccountPub);
}

/** A key and a certificate for it, signed by a plane's CA (files beside `cert`: .csr, .ext). */
export function issueCertificate(request: {
  readonly ca: Pick<Pki, "caCert" | "caKey">;
  readonly subject: string;
  readonly extensions: string;
  readonly cert: string;
  readonly key: string;
}): void {
  const openssl = (...args: string[]): void => {
    execFileSync("openssl", args, { stdio: ["ignore", "ignore", "pipe"] });
  };
  const base = request.cert.replace(/\.crt$/, "");
  writeFileSync(`${base}.ext`, request.extensions);
  openssl(
    "req",
    "-new",
    "-newkey",
    "rsa:2048",
    "-nodes",
    "-subj",
    request.subject,
    "-keyout",
    request.key,
    "-out",
    `${base}.csr`,
  );
  openssl(
    "x509",
    "-req",
    "-in",
    `${base}.csr`,
    "-CA",
    request.ca.caCert,
    "-CAkey",
    request.ca.caKey,
    "-CAcreateserial",
    "-days",
    "3650",
    "-extfile",
    `${base}.ext`,
    "-out",
    request.cert,
  );
}
