"use client";
import type { ReactElement } from "react";
import { ErrorState } from "../../../components/states";

export default function ErrorPage({
  error,
  reset,
}: {
  error: Error;
  reset: () => void;
}): ReactElement {
  return <ErrorState error={error} reset={reset} />;
}
