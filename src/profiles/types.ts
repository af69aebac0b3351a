import type { Inventory } from '../model/inventory.js';
import type { Workload } from '../model/workloads.js';

/** Application protocols rampart distinguishes on a flow. */
export type AppProtocol = 'nats' | 'postgres' | 'redis' | 's3' | 'http' | 'https' | 'dns' | 'tcp';

/** TLS behaviour of a server as rendered. */
export interface ServerTls {
  /** `required`: plaintext is refused; `optional`: TLS is offered but plaintext still accepted; `off`. */
  mode: 'required' | 'optional' | 'off';
  /** True when the server also requires client certificates (mutual TLS). */
  verifiesClients: boolean;
  /** Facts behind the verdict, e.g. "POSTGRESQL_ENABLE_TLS=yes in container postgresql". */
  evidence: string[];
}

export interface ServerPort {
  port: number;
  name: string;
  appProtocol: AppProtocol;
  /** True when the server talks first (NATS INFO, a MySQL greeting): a mesh cannot detect the protocol. */
  serverSpeaksFirst: boolean;
  /** True for a port the servers use among themselves (NATS cluster routes), not clients. */
  peer: boolean;
}

/** Profile of one backing chart: how to recognise its server and read its TLS settings. */
export interface BackingChart {
  id: 'nats' | 'postgres' | 'redis' | 'minio';
  /** The chart, for messages: "nats-io/k8s nats". */
  chart: string;
  /** Names one server for messages by what its pod shows, when that may differ from `chart`. */
  serverName?(workload: Workload): string;
  /** True when the workload is this chart's server (not a helper such as nats-box). */
  isServer(workload: Workload): boolean;
  /** The ports clients use and the ones the servers use among themselves. */
  ports(workload: Workload): ServerPort[];
  /** The port clients connect to, and what they speak on it. */
  clientPort: number;
  clientAppProtocol: AppProtocol;
  /** Reads whether a client of this server insists on TLS, from its URL scheme and settings. */
  clientRequiresTls(client: ClientView): { requires: boolean; evidence: string };
  tls(workload: Workload, inventory: Inventory, port: number): ServerTls;
  /**
   * Reads whether a client that uses TLS checks the server's certificate and host name;
   * undefined when its settings do not show it.
   */
  clientVerifiesServer?(client: ClientView): ServerVerification | undefined;
  /**
   * Reads whether a client presents a certificate, for a server that requires one; undefined
   * when the profile cannot tell from the client's settings.
   */
  clientPresentsCertificate?(client: ClientView): { presents: boolean; evidence: string } | undefined;
  /** Values keys of the chart that turn TLS on, for remediation text. */
  tlsValues: string;
}

/** Whether a TLS client checks the server's certificate, and the setting that shows it. */
export interface ServerVerification {
  verified: boolean;
  /** "the client sets PGSSLMODE=verify-full, trusting the CA in Secret pg-ca". */
  evidence: string;
}

/** Client settings that bear on one connection. */
export interface ClientView {
  /** URL scheme of the address the client uses, when it has one. */
  scheme?: string;
  /** Literal env values of the client's containers, by name. */
  env: ReadonlyMap<string, string>;
  /** Query parameters of the client's URL, such as libpq's `sslmode`. */
  parameters: URLSearchParams;
  /** Secret volumes of the client's containers, to name the Secret behind a CA file path. */
  secretMounts?: readonly { secretName: string; mountPath: string }[];
}
