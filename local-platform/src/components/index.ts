import type { Component } from "./component.js";
import { etcd } from "./etcd.js";
import { kubeApiserver } from "./kube-apiserver.js";
import { natsServer } from "./nats-server.js";
import { oidcIdp } from "./oidc-idp.js";
import { podmanService } from "./podman-service.js";

/**
 * In start order; `down` stops them in reverse. The IdP comes before the API
 * server, whose JWT authenticator fetches the IdP's discovery document as it starts.
 */
export const COMPONENTS: readonly Component[] = [
  etcd,
  oidcIdp,
  kubeApiserver,
  natsServer,
  podmanService,
];

export type { Component, ComponentContext } from "./component.js";
