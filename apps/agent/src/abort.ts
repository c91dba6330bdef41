// Reads `signal.aborted` through a call: TypeScript keeps a property check
// narrowed across awaits, so `while (!signal.aborted) { await ...; if (signal.aborted) }`
// would look "always false" to the type checker and the linter.
export function isAborted(signal: AbortSignal): boolean {
  return signal.aborted;
}
