"use client";
// The enrollment tokens (read when the section is opened): what each still
// admits (state, uses of its maximum, expiry, the labels it gives, whether it
// approves by itself). Never a secret or a hash: the server lists neither.
// Deployers may revoke an active token; the API server decides.
import { Badge, type Tone } from "@fleet/ui";
import type { inferRouterOutputs } from "@trpc/server";
import { useMutation, useQuery, useQueryClient } from "@tanstack/react-query";
import { useState, type ReactElement, type ReactNode } from "react";
import { labelsText } from "../../devices/form-model";
import type { AppRouter } from "../../server/api/root";
import { useTRPC } from "../../trpc/react";

/** A token as the list procedure answers it (JSON: absent fields are left out). */
export type EnrollmentTokenRow = inferRouterOutputs<AppRouter>["enrollmentTokens"]["list"][number];

const stateTones: Record<EnrollmentTokenRow["state"], Tone> = {
  Active: "good",
  Expired: "neutral",
  UsedUp: "neutral",
  Revoked: "bad",
};

export function EnrollmentTokensTableView({
  tokens,
  revoke,
}: {
  tokens: readonly EnrollmentTokenRow[];
  /** A deployer's revoke button for an active token; absent for viewers. */
  revoke?: ((token: EnrollmentTokenRow) => ReactNode) | undefined;
}): ReactElement {
  if (tokens.length === 0)
    return <p className="text-sm text-slate-600">No enrollment tokens yet.</p>;
  return (
    <table aria-label="Enrollment tokens" className="w-full text-left text-sm">
      <thead className="text-xs uppercase text-slate-600">
        <tr>
          <th className="py-1">Token</th>
          <th>State</th>
          <th>Uses</th>
          <th>Expires</th>
          <th>Labels</th>
          <th>Approval</th>
          {revoke && <th>Actions</th>}
        </tr>
      </thead>
      <tbody>
        {tokens.map((token) => (
          <tr key={token.name} className="border-t border-slate-100">
            <td className="py-1" title={token.description}>
              <code>{token.name}</code>
            </td>
            <td>
              <Badge tone={stateTones[token.state]}>{token.state}</Badge>
            </td>
            <td>
              {token.uses} of {token.maxUses}
            </td>
            <td>{token.expiresAt ?? "never"}</td>
            <td>{labelsText(token.labels) || <span className="text-slate-400">none</span>}</td>
            <td>{token.autoApprove ? "automatic" : "by a deployer"}</td>
            {revoke && <td>{token.state === "Active" ? revoke(token) : null}</td>}
          </tr>
        ))}
      </tbody>
    </table>
  );
}

function RevokeButton({ name }: { name: string }): ReactElement {
  const trpc = useTRPC();
  const queryClient = useQueryClient();
  const revoke = useMutation(
    trpc.enrollmentTokens.revoke.mutationOptions({
      onSuccess: () =>
        queryClient.invalidateQueries({ queryKey: trpc.enrollmentTokens.list.queryKey() }),
    }),
  );
  return (
    <span className="flex items-center gap-2">
      <button
        type="button"
        disabled={revoke.isPending}
        className="rounded border border-red-300 px-2 py-0.5 text-xs text-red-700 disabled:opacity-50"
        onClick={() => {
          revoke.mutate({ name });
        }}
      >
        Revoke
      </button>
      {revoke.error && (
        <span role="alert" className="text-xs text-red-800">
          {revoke.error.message}
        </span>
      )}
    </span>
  );
}

export function EnrollmentTokens({ canWrite }: { canWrite: boolean }): ReactElement {
  const trpc = useTRPC();
  const [open, setOpen] = useState(false);
  const tokens = useQuery(trpc.enrollmentTokens.list.queryOptions(undefined, { enabled: open }));
  return (
    <details
      className="text-sm"
      onToggle={(event) => {
        setOpen(event.currentTarget.open);
      }}
    >
      <summary className="cursor-pointer text-slate-700">Enrollment tokens</summary>
      <div className="mt-2 rounded border border-slate-200 bg-white p-3">
        {tokens.error ? (
          <p role="alert" className="text-red-800">
            {tokens.error.message}
          </p>
        ) : tokens.data === undefined ? (
          <p className="text-slate-500">Loading enrollment tokens…</p>
        ) : (
          <EnrollmentTokensTableView
            tokens={tokens.data}
            revoke={canWrite ? (token) => <RevokeButton name={token.name} /> : undefined}
          />
        )}
      </div>
    </details>
  );
}
