import { describe, expect, it } from "vitest";
import { endpointUrl, untrustedServerAdvice } from "./enrollment-client.js";

const url = "https://fleet.example:8443/v1/enrollments";

/** What undici's fetch rejects with when TLS fails: a TypeError whose cause carries Node's code. */
function fetchFailure(code: string, message: string): TypeError {
  return new TypeError("fetch failed", { cause: Object.assign(new Error(message), { code }) });
}

describe("enroll - the enrollment API client", () => {
  it("enroll - endpoint URLs keep a path prefix and drop a trailing slash", () => {
    expect(endpointUrl("https://fleet.example:8443/", "/v1/enrollments")).toBe(url);
    expect(endpointUrl("https://fleet.example/iot", "/v1/enrollments/status")).toBe(
      "https://fleet.example/iot/v1/enrollments/status",
    );
  });

  it("enroll - an untrusted certificate is final, with what to do: --server-ca, the right name, or the clock", () => {
    expect(
      untrustedServerAdvice(
        fetchFailure("SELF_SIGNED_CERT_IN_CHAIN", "self-signed certificate in certificate chain"),
        url,
      ),
    ).toMatch(
      /fleet\.example:8443 is not signed by a CA this device trusts .*--server-ca <pem file>/,
    );
    expect(
      untrustedServerAdvice(
        fetchFailure("ERR_TLS_CERT_ALTNAME_INVALID", "Hostname/IP does not match"),
        url,
      ),
    ).toContain("use the --server URL the certificate names");
    expect(
      untrustedServerAdvice(fetchFailure("CERT_HAS_EXPIRED", "certificate has expired"), url),
    ).toContain("check this device's clock");
  });

  it("enroll - other failures (refused, reset, DNS) are not about trust: they are retried", () => {
    expect(
      untrustedServerAdvice(fetchFailure("ECONNREFUSED", "connect ECONNREFUSED"), url),
    ).toBeUndefined();
    expect(untrustedServerAdvice(new Error("boom"), url)).toBeUndefined();
  });
});
