#!/usr/bin/env -S npx tsx
// iot-identity: the NATS auth-callout responder (work in progress).
process.stderr.write("iot-identity: not implemented yet\n");
process.exit(1);
