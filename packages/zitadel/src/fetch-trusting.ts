// fetch that trusts a private CA for the issuer's https, e.g. the local
// platform's CA, or a company CA in front of Zitadel. Scoped to the returned
// function (its own undici Agent), so nothing else in the process trusts it.
import { Agent, fetch as undiciFetch } from "undici";

/** The global fetch when no CA is given; otherwise a fetch that trusts exactly `caPem` (PEM, one or more certificates). */
export function fetchTrusting(caPem?: string): typeof fetch {
  if (caPem === undefined) return fetch;
  const dispatcher = new Agent({ connect: { ca: caPem } });
  const trusting = (input: Parameters<typeof fetch>[0], init?: RequestInit): Promise<Response> => {
    // Callers here pass URLs; a Request would carry settings this wrapper would have to copy.
    if (input instanceof Request) throw new TypeError("fetchTrusting: pass a URL, not a Request");
    // Same fetch standard, other copies of its types (undici's own, Node's, the DOM lib's
    // where a package compiles with it): hence the casts.
    // eslint-disable-next-line @typescript-eslint/no-unnecessary-type-assertion -- needed under the DOM lib
    return undiciFetch(input, {
      ...(init as Parameters<typeof undiciFetch>[1]),
      dispatcher,
    }) as unknown as Promise<Response>;
  };
  return trusting;
}
