import { execFileSync } from "node:child_process";
import { randomBytes } from "node:crypto";
import { existsSync, mkdirSync, readFileSync, writeFileSync } from "node:fs";
import { join } from "node:path";
import type { Layout } from "./layout.ts";

/** Every credential the local platform issues. Kept 0600 in the state folder; never printed. */
export interface PlatformSecrets {
  readonly adminToken: string;
  readonly controllerManagerToken: string;
  readonly schedulerToken: string;
  readonly kwokToken: string;
  readonly registryUser: string;
  readonly registryPassword: string;
  readonly postgresUser: string;
  readonly postgresPassword: string;
}

export interface Pki {
  readonly caCert: string;
  readonly caKey: string;
  readonly apiserverCert: string;
  readonly apiserverKey: string;
  readonly serviceAccountKey: string;
  readonly serviceAccountPub: string;
}

const token = (): string => randomBytes(24).toString("hex");

export const secretsPath = (layout: Layout): string => join(layout.stateDir, "secrets.json");

export function ensureSecrets(layout: Layout): PlatformSecrets {
  const path = secretsPath(layout);
  if (existsSync(path)) return JSON.parse(readFileSync(path, "utf8")) as PlatformSecrets;
  const secrets: PlatformSecrets = {
    adminToken: token(),
    controllerManagerToken: token(),
    schedulerToken: token(),
    kwokToken: token(),
    registryUser: "slipway",
    registryPassword: token(),
    postgresUser: "postgres",
    postgresPassword: token(),
  };
  mkdirSync(layout.stateDir, { recursive: true });
  writeFileSync(path, JSON.stringify(secrets, null, 2) + "\n", { mode: 0o600 });
  return secrets;
}

export function readSecrets(layout: Layout): PlatformSecrets | undefined {
  const path = secretsPath(layout);
  return existsSync(path) ? (JSON.parse(readFileSync(path, "utf8")) as PlatformSecrets) : undefined;
}

/** A CA, the API server's serving certificate for 127.0.0.1, and the service-account signing key. */
export function ensurePki(layout: Layout): Pki {
  const dir = join(layout.stateDir, "pki");
  const pki: Pki = {
    caCert: join(dir, "ca.crt"),
    caKey: join(dir, "ca.key"),
    apiserverCert: join(dir, "apiserver.crt"),
    apiserverKey: join(dir, "apiserver.key"),
    serviceAccountKey: join(dir, "service-account.key"),
    serviceAccountPub: join(dir, "service-account.pub"),
  };
  if (Object.values(pki).every((file) => existsSync(file))) return pki;
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
    "/CN=slipway-local-ca",
    "-keyout",
    pki.caKey,
    "-out",
    pki.caCert,
  );
  const extFile = join(dir, "apiserver.ext");
  writeFileSync(
    extFile,
    "subjectAltName=IP:127.0.0.1,IP:10.96.0.1,DNS:localhost,DNS:kubernetes,DNS:kubernetes.default,DNS:kubernetes.default.svc\n" +
      "extendedKeyUsage=serverAuth\n",
  );
  const csr = join(dir, "apiserver.csr");
  openssl(
    "req",
    "-new",
    "-newkey",
    "rsa:2048",
    "-nodes",
    "-subj",
    "/CN=kube-apiserver",
    "-keyout",
    pki.apiserverKey,
    "-out",
    csr,
  );
  openssl(
    "x509",
    "-req",
    "-in",
    csr,
    "-CA",
    pki.caCert,
    "-CAkey",
    pki.caKey,
    "-CAcreateserial",
    "-days",
    "3650",
    "-extfile",
    extFile,
    "-out",
    pki.apiserverCert,
  );
  openssl("genrsa", "-out", pki.serviceAccountKey, "2048");
  openssl("rsa", "-in", pki.serviceAccountKey, "-pubout", "-out", pki.serviceAccountPub);
  return pki;
}
