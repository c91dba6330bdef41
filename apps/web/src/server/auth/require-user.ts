// Pages call this first: without a session the browser goes to sign-in and comes back.
import { redirect } from "next/navigation";
import type { SessionUser } from "./roles";
import { currentUser } from "./session";

export async function requireUser(returnTo: string): Promise<SessionUser> {
  const user = await currentUser();
  if (!user) redirect(`/api/auth/login?returnTo=${encodeURIComponent(returnTo)}`);
  return user;
}
