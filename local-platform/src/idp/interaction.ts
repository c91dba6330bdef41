// The login step of the authorization code flow: show the form, check the
// password, grant the requested scopes, and hand control back to oidc-provider.
import type { IncomingMessage, ServerResponse } from "node:http";
import { timingSafeEqual } from "node:crypto";
import type Provider from "oidc-provider";
import { loginPage } from "./login-page.js";
import { isDemoUser, type IdpSecrets } from "./users.js";

const INTERACTION_PATH = /^\/interaction\/([\w-]+)$/;

async function readForm(req: IncomingMessage): Promise<URLSearchParams> {
  let body = "";
  for await (const chunk of req) body += String(chunk);
  return new URLSearchParams(body);
}

function passwordMatches(expected: string, given: string): boolean {
  const a = Buffer.from(expected);
  const b = Buffer.from(given);
  return a.length === b.length && timingSafeEqual(a, b);
}

function sendHtml(res: ServerResponse, status: number, html: string): void {
  res.writeHead(status, {
    "content-type": "text/html; charset=utf-8",
    "cache-control": "no-store",
  });
  res.end(html);
}

/** Handles /interaction/:uid; returns false for every other path (oidc-provider's). */
export async function handleInteraction(
  provider: Provider,
  secrets: IdpSecrets,
  req: IncomingMessage,
  res: ServerResponse,
): Promise<boolean> {
  const match = INTERACTION_PATH.exec(new URL(req.url ?? "/", "http://idp").pathname);
  if (!match) return false;
  const details = await provider.interactionDetails(req, res);
  const client = await provider.Client.find(String(details.params.client_id));
  const clientName = client?.clientName ?? String(details.params.client_id);
  const action = `/interaction/${details.uid}`;
  if (req.method !== "POST") {
    sendHtml(res, 200, loginPage(action, clientName));
    return true;
  }
  const form = await readForm(req);
  const username = form.get("username") ?? "";
  const password = form.get("password") ?? "";
  if (!isDemoUser(username) || !passwordMatches(secrets.passwords[username], password)) {
    sendHtml(res, 401, loginPage(action, clientName, "Unknown user or wrong password."));
    return true;
  }
  // The demo client is first-party: grant what it asked for instead of a consent screen.
  const grant = new provider.Grant({
    accountId: username,
    clientId: String(details.params.client_id),
  });
  grant.addOIDCScope(String(details.params.scope));
  const grantId = await grant.save();
  await provider.interactionFinished(req, res, {
    login: { accountId: username },
    consent: { grantId },
  });
  return true;
}
