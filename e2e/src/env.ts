// The only reader of process.env in the e2e package: the environment the
// dashboard process inherits (PATH, HOME, and the platform instance's FLEET_* settings).
export function inheritedEnvironment(): Record<string, string | undefined> {
  return { ...process.env };
}
