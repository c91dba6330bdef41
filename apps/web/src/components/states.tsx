"use client";
// Loading, empty and error states shared by every route segment.
import type { ReactElement } from "react";
import { httpStatusOf } from "../trpc/query-client";

export function Loading({ what }: { what: string }): ReactElement {
  return (
    <div role="status" aria-busy="true" className="animate-pulse p-6 text-sm text-slate-500">
      Loading {what}…
    </div>
  );
}

export function ErrorState({ error, reset }: { error: Error; reset: () => void }): ReactElement {
  const status = httpStatusOf(error);
  return (
    <div role="alert" className="rounded border border-red-200 bg-red-50 p-4 text-sm text-red-900">
      <p className="font-semibold">
        {status === 401
          ? "Your session has ended."
          : status === 403
            ? "Not allowed."
            : "Something went wrong."}
      </p>
      <p className="mt-1">{error.message}</p>
      {status === 401 ? (
        <a className="mt-2 inline-block underline" href="/api/auth/login">
          Sign in again
        </a>
      ) : (
        <button type="button" className="mt-2 underline" onClick={reset}>
          Try again
        </button>
      )}
    </div>
  );
}
