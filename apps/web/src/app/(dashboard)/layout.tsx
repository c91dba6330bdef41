import type { ReactElement, ReactNode } from "react";
import { Nav } from "../../components/nav";
import { LiveUpdates } from "../../live/live-updates";
import { currentUser } from "../../server/auth/session";

export default async function DashboardLayout({
  children,
}: {
  children: ReactNode;
}): Promise<ReactElement> {
  const user = await currentUser();
  // Pages redirect to sign-in themselves (they know where to come back to).
  if (!user) return <>{children}</>;
  return (
    <LiveUpdates>
      <Nav user={user} />
      <main className="mx-auto max-w-7xl p-6">{children}</main>
    </LiveUpdates>
  );
}
