import { describe, expect, it } from "vitest";
import { enrollCommand, shellWord } from "./enroll-command.js";

const token = "enroll-0a1b2c3d4e.AbCdEfGhIjKlMnOpQrStUvWxYz0123456789-_abcde";

describe("enrollCommand", () => {
  it("gives the token in the environment, never as an argument", () => {
    expect(enrollCommand({ token, server: "https://fleet.example:8443" })).toBe(
      `IOT_ENROLL_TOKEN=${token} iot-agent enroll --server https://fleet.example:8443`,
    );
  });

  it("adds the server's CA file when the certificate is from a private CA", () => {
    expect(
      enrollCommand({ token, server: "https://127.0.0.1:9443", serverCaFile: "/etc/fleet/ca.pem" }),
    ).toBe(
      `IOT_ENROLL_TOKEN=${token} iot-agent enroll --server https://127.0.0.1:9443 --server-ca /etc/fleet/ca.pem`,
    );
  });

  it("quotes what a shell would not take literally", () => {
    expect(shellWord("/tmp/my ca.pem")).toBe("'/tmp/my ca.pem'");
    expect(shellWord("it's")).toBe(`'it'"'"'s'`);
    expect(shellWord("$(reboot)")).toBe("'$(reboot)'");
    expect(shellWord("https://a.example/x")).toBe("https://a.example/x");
  });
});
