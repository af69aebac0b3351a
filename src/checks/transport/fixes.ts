/** Describes the cheapest fix for an unencrypted flow inside one namespace: Linkerd injection, with NATS's opaque ports. */
export function meshFix(namespace: string, chart: string): string {
  const opaque = chart === 'nats' ? ' and declare NATS port 4222 opaque (config.linkerd.io/opaque-ports: "4222" on the NATS Service and pods, since NATS speaks first)' : '';
  return `Annotate namespace ${namespace} with linkerd.io/inject: enabled${opaque}, then restart its pods so that the proxy is injected.`;
}
