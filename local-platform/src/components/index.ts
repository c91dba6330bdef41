import type { Layout } from "../layout.js";
import type { Component } from "./component.js";
import { etcd } from "./etcd.js";
import { kubeApiserver } from "./kube-apiserver.js";
import { natsServerComponents } from "./nats-server.js";
import { oidcIdp } from "./oidc-idp.js";
import { podmanService } from "./podman-service.js";
import { toxiproxy } from "./toxiproxy.js";

/**
 * In start order; `down` stops them in reverse. The IdP comes before the API
 * server, whose JWT authenticator fetches the IdP's discovery document as it
 * starts. NATS is one server or, with FLEET_NATS_CLUSTER, one per cluster node.
 */
export function platformComponents(layout: Layout): readonly Component[] {
  return [
    etcd,
    oidcIdp,
    kubeApiserver,
    ...natsServerComponents(layout),
    podmanService,
    // Only for fault tests (FLEET_TOXIPROXY=1): it sits between a device and NATS.
    ...(layout.toxiproxy ? [toxiproxy] : []),
  ];
}

export type { Component, ComponentContext } from "./component.js";
