"use client";
// The route segment's error boundary: the shared error state (its props are the boundary's).
export { ErrorState as default } from "../../../components/states";
