import { redirect } from "next/navigation";
import type { ReactElement } from "react";
import { currentUser } from "../server/auth/session";

export default async function Home(): Promise<ReactElement> {
  if (await currentUser()) redirect("/fleet");
  return (
    <main className="mx-auto mt-24 flex max-w-md flex-col gap-4 rounded border border-slate-200 bg-white p-8">
      <h1 className="text-xl font-semibold">Fleet dashboard</h1>
      <p className="text-sm text-slate-600">
        Sign in with your organisation account to see the fleet and deploy.
      </p>
      <a
        href="/api/auth/login"
        className="rounded bg-sky-700 px-4 py-2 text-center font-medium text-white"
      >
        Sign in
      </a>
    </main>
  );
}
