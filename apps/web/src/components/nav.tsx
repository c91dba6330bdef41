// The signed-in header: sections, who you are and your role, live state, sign out.
import Link from "next/link";
import type { ReactElement } from "react";
import { LiveIndicator } from "../live/live-updates";
import { canWrite, type SessionUser } from "../server/auth/roles";

export function Nav({ user }: { user: SessionUser }): ReactElement {
  return (
    <header className="flex items-center gap-6 border-b border-slate-200 bg-white px-6 py-3">
      <Link href="/fleet" className="font-semibold">
        Fleet dashboard
      </Link>
      <nav className="flex gap-4 text-sm">
        <Link href="/fleet">Fleet</Link>
        <Link href="/deployments">Deployments</Link>
        <Link href="/devices">Devices</Link>
        {canWrite(user) && <Link href="/deployments/new">New deployment</Link>}
      </nav>
      <div className="ml-auto flex items-center gap-4 text-sm">
        <LiveIndicator />
        <span data-testid="signed-in-user">
          {user.name ?? user.username} ({user.role})
        </span>
        <form action="/api/auth/logout" method="post">
          <button type="submit" className="underline">
            Sign out
          </button>
        </form>
      </div>
    </header>
  );
}
