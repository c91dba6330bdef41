"use client";
// The fleet page's label filter: a selector in kubectl's syntax (the
// contracts' parser), answered by the server from the Device CRs (labels live
// there, not in heartbeats) as the set of matching ids. The rows themselves
// stay the live list, so heartbeats keep arriving while a filter is on.
import { parseLabelSelector, type LabelSelector } from "@fleet/contracts";
import { FormField } from "@fleet/ui";
import { keepPreviousData, useQuery } from "@tanstack/react-query";
import { useMemo, type ReactElement } from "react";
import { useTRPC } from "../../trpc/react";
import { useDebounced } from "../use-debounced";

export interface LabelFilterState {
  /** The ids that match; undefined when no filter is on (or none could be read yet). */
  matching: ReadonlySet<string> | undefined;
  /** Why the text is not a selector. */
  error?: string | undefined;
  loading: boolean;
}

type Reading = { selector: LabelSelector | undefined; error?: string };

function read(text: string): Reading {
  if (text.trim() === "") return { selector: undefined };
  try {
    return { selector: parseLabelSelector(text) };
  } catch (error) {
    return { selector: undefined, error: error instanceof Error ? error.message : String(error) };
  }
}

export function useLabelFilter(text: string): LabelFilterState {
  const trpc = useTRPC();
  // The parse and the request follow the text once typing pauses.
  const settled = useDebounced(text);
  const reading = useMemo(() => read(settled), [settled]);
  const query = useQuery({
    ...trpc.fleet.matching.queryOptions({ selector: reading.selector ?? {} }),
    enabled: reading.selector !== undefined,
    placeholderData: keepPreviousData,
  });
  const ids = query.data?.deviceIds;
  const matching = useMemo(() => (ids === undefined ? undefined : new Set(ids)), [ids]);
  if (reading.selector === undefined)
    return { matching: undefined, error: reading.error, loading: false };
  if (query.isError) return { matching: undefined, error: query.error.message, loading: false };
  return { matching, loading: query.isFetching };
}

export function LabelFilter({
  text,
  onText,
  filter,
}: {
  text: string;
  onText: (text: string) => void;
  filter: LabelFilterState;
}): ReactElement {
  return (
    <FormField
      label="Filter by label"
      name="labelSelector"
      className="max-w-xl"
      placeholder="site=berlin,tier in (edge,core),!legacy"
      hint="kubectl selector syntax; matches the labels of the Device resources"
      value={text}
      onChange={(e) => {
        onText(e.target.value);
      }}
      error={filter.error}
      aria-busy={filter.loading}
    />
  );
}
