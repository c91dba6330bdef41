import type { Component } from "./component.js";
import { etcd } from "./etcd.js";
import { kubeApiserver } from "./kube-apiserver.js";
import { natsServer } from "./nats-server.js";
import { oidcIdp } from "./oidc-idp.js";
import { podmanService } from "./podman-service.js";

/** In start order; `down` stops them in reverse. */
export const COMPONENTS: readonly Component[] = [
  etcd,
  kubeApiserver,
  natsServer,
  podmanService,
  oidcIdp,
];

export type { Component, ComponentContext } from "./component.js";
