// Pages call this first: without a session the browser goes to sign-in and comes
// back; with an ID token near expiry it goes through /api/auth/refresh (server
// components cannot set the refreshed cookie themselves) and comes back.
import { redirect } from "next/navigation";
import { REFRESH_PATH } from "./paths";
import { session } from "./session";
import { refreshDue, usableUser } from "./session-state";
import type { SignedInUser } from "./signed-in-user";

export async function requireUser(returnTo: string): Promise<SignedInUser> {
  const data = await session();
  const now = Date.now();
  const back = encodeURIComponent(returnTo);
  if (refreshDue(data, now)) redirect(`${REFRESH_PATH}?returnTo=${back}`);
  const user = usableUser(data, now);
  if (!user) redirect(`/api/auth/login?returnTo=${back}`);
  return user;
}
