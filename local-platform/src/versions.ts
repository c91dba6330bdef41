// Pinned versions of every server the local platform builds. Each Go module in
// ../go pins the same version in its go.mod; a test checks they agree.
export const KUBERNETES_VERSION = "v1.35.4";
export const ETCD_VERSION = "v3.6.16";
export const NATS_SERVER_VERSION = "v2.15.2";
export const NATS_CLI_VERSION = "v0.5.0";
export const HELM_VERSION = "v4.3.1";
/** The TCP fault injector of the fault suite (built only for it, like helm for the chart tests). */
export const TOXIPROXY_VERSION = "v2.5.0";

/** The nginx image tags built locally; two tags so that upgrades can be tested. */
export const NGINX_IMAGE = "localhost/fleet-nginx";
export const NGINX_TAGS = ["1.0", "1.1"] as const;
export type NginxTag = (typeof NGINX_TAGS)[number];
