"use client";
// How many devices a selector targets right now, asked of the server (Device
// CRs, as the signed-in user) once typing pauses; the last answer stays on
// screen while the next one loads, so the count does not flicker.
import type { LabelSelector } from "@fleet/contracts";
import { keepPreviousData, useQuery } from "@tanstack/react-query";
import type { ReactElement } from "react";
import { useTRPC } from "../../trpc/react";
import { useDebounced } from "../use-debounced";

export function SelectorPreview({
  selector,
}: {
  /** Undefined while what is written does not parse (the field shows why). */
  selector: LabelSelector | undefined;
}): ReactElement {
  const trpc = useTRPC();
  const settled = useDebounced(selector);
  // The query key hashes the selector's content, so an equal selector asks nothing new.
  const query = useQuery({
    ...trpc.fleet.selectorPreview.queryOptions({ selector: settled ?? {} }),
    enabled: settled !== undefined,
    placeholderData: keepPreviousData,
  });
  if (settled === undefined)
    return <p data-testid="selector-preview">Write a selector to see what it matches.</p>;
  if (query.isError) {
    return (
      <p data-testid="selector-preview" className="text-red-700">
        Could not count the matching devices: {query.error.message}
      </p>
    );
  }
  if (query.data === undefined) return <p data-testid="selector-preview">Counting devices…</p>;
  const { targeted, notTargeted, examples } = query.data;
  return (
    <p data-testid="selector-preview" data-matched={targeted} aria-busy={query.isFetching}>
      <span className="font-medium">
        Matches {targeted} {targeted === 1 ? "device" : "devices"}
      </span>
      {examples.length > 0 && (
        <span className="text-slate-500">
          {" "}
          ({examples.join(", ")}
          {targeted > examples.length ? ", …" : ""})
        </span>
      )}
      {notTargeted > 0 && (
        <span className="text-slate-500">
          {" "}
          · {notTargeted} more match but are pending approval or disabled
        </span>
      )}
    </p>
  );
}
