// For integration tests: demo users signed in at the local IdP (the real login
// form, no browser), as the dashboard holds them after its callback.
import { KubeConfig } from "@kubernetes/client-node";
import { dashboardEnvironment } from "@fleet/local-platform";
import { platformConnection, signInWithoutBrowser } from "@fleet/local-platform/testing";
import { roleFromClaims, usernameFromClaims } from "./roles";
import { signedInUser, type SignedInUser } from "./signed-in-user";

export interface SignedInAtIdp {
  user: SignedInUser;
  idToken: string;
  refreshToken: string | undefined;
}

export async function signInAtIdp(name: "alice" | "bob"): Promise<SignedInAtIdp> {
  const connection = await platformConnection();
  const result = await signInWithoutBrowser(connection, name, connection.oidc.passwords[name]);
  const claims = result.tokens?.claims();
  const idToken = result.tokens?.id_token;
  const role = claims ? roleFromClaims(claims) : undefined;
  if (!claims || !idToken || !role) throw new Error(`${name} could not sign in: ${result.page}`);
  return {
    user: signedInUser({ username: usernameFromClaims(claims), role }, idToken),
    idToken,
    refreshToken: result.tokens?.refresh_token,
  };
}

/** The kubeconfig and context the demo and e2e launchers hand the dashboard process. */
export async function dashboardKubeConfig(): Promise<KubeConfig> {
  const environment = dashboardEnvironment(await platformConnection());
  const kc = new KubeConfig();
  kc.loadFromFile(environment.KUBECONFIG ?? "");
  if (environment.KUBE_CONTEXT) kc.setCurrentContext(environment.KUBE_CONTEXT);
  return kc;
}
