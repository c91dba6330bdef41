// fast-check arbitraries that generate only LEGAL Kubernetes names, straight
// from the DNS-1123 grammar, so property tests explore the whole legal space
// (hyphen runs, digits first, many dots) rather than a few hand-picked names.
import fc from "fast-check";

const ALNUM = Array.from("abcdefghijklmnopqrstuvwxyz0123456789");
const alnum = fc.constantFrom(...ALNUM);
const inner = fc.constantFrom(...ALNUM, "-");

/** `[a-z0-9]([-a-z0-9]*[a-z0-9])?` of at most `maxLength` characters. */
export function dnsLabel(maxLength = 63): fc.Arbitrary<string> {
  return fc.oneof(
    alnum,
    fc
      .tuple(alnum, fc.string({ unit: inner, maxLength: maxLength - 2 }), alnum)
      .map(([first, middle, last]) => `${first}${middle}${last}`),
  );
}

/** DNS-1123 subdomains, biased towards many short dot-separated parts. */
export function dnsSubdomain(): fc.Arbitrary<string> {
  const manyShortParts = fc.array(dnsLabel(6), { minLength: 1, maxLength: 40 });
  const fewLongParts = fc.array(dnsLabel(63), { minLength: 1, maxLength: 4 });
  return fc
    .oneof(manyShortParts, fewLongParts)
    .map((parts) => parts.join("."))
    .filter((name) => name.length <= 253);
}

export const namespaceName = (): fc.Arbitrary<string> => dnsLabel(63);
export const deviceId = (): fc.Arbitrary<string> => dnsLabel(63);
export const resourceName = (): fc.Arbitrary<string> => dnsSubdomain();
