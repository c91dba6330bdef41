// Device policies for the identity service: the PolicySource seam and its
// Kubernetes (Device CRD) implementation.
export type { DevicePolicy, PolicyLookup, PolicySource } from "./policy-source.js";
export {
  KubernetesPolicySource,
  POLICY_STORE_UNAVAILABLE,
  type KubernetesPolicySourceOptions,
} from "./kubernetes-policy-source.js";
