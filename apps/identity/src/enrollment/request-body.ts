// The body of an enrollment request: JSON, at most ENROLLMENT_REQUEST_MAX_BYTES
// (refused from Content-Length before reading when it says more, and cut off
// while reading when it lies), validated with the contract's schema so every
// problem names its field.
import type { IncomingMessage } from "node:http";
import { ENROLLMENT_REQUEST_MAX_BYTES } from "@fleet/contracts";
import type { z } from "zod";
import { EnrollmentRefusal } from "./refusal.js";

const tooLarge = (): EnrollmentRefusal =>
  new EnrollmentRefusal(413, `the request body exceeds ${ENROLLMENT_REQUEST_MAX_BYTES} bytes`);

async function readText(req: IncomingMessage): Promise<string> {
  const type = (req.headers["content-type"] ?? "").split(";")[0]?.trim().toLowerCase();
  if (type !== "application/json")
    throw new EnrollmentRefusal(
      415,
      "the request body must be JSON (Content-Type: application/json)",
    );
  const declared = Number(req.headers["content-length"] ?? 0);
  if (declared > ENROLLMENT_REQUEST_MAX_BYTES) throw tooLarge();
  const chunks: Buffer[] = [];
  let received = 0;
  for await (const chunk of req) {
    const buffer = chunk as Buffer;
    received += buffer.byteLength;
    if (received > ENROLLMENT_REQUEST_MAX_BYTES) throw tooLarge();
    chunks.push(buffer);
  }
  return Buffer.concat(chunks).toString("utf8");
}

/** One line per problem: `<field>: <what is wrong>`. */
function describeIssues(error: z.ZodError): string {
  return error.issues
    .map((issue) => `${issue.path.length === 0 ? "body" : issue.path.join(".")}: ${issue.message}`)
    .join("; ");
}

export async function readRequest<S extends z.ZodType>(
  req: IncomingMessage,
  schema: S,
): Promise<z.output<S>> {
  let value: unknown;
  try {
    value = JSON.parse(await readText(req)) as unknown;
  } catch (error) {
    if (error instanceof EnrollmentRefusal) throw error;
    throw new EnrollmentRefusal(400, "the request body is not valid JSON");
  }
  const parsed = schema.safeParse(value);
  if (!parsed.success) throw new EnrollmentRefusal(400, describeIssues(parsed.error));
  return parsed.data;
}
