// Container image references, validated at the door (zod and the CRD's
// OpenAPI schema) so a reference podman can never pull, such as "nginx latest",
// is refused when the Deployment is written instead of failing on every device.
//
// The grammar is distribution/reference's (github.com/distribution/reference,
// regexp.go and reference.go), which docker, podman and containerd all follow:
//
//   reference        := name [ ":" tag ] [ "@" digest ]
//   name             := [domain '/'] remote-name
//   domain           := host [':' port-number]
//   host             := domain-name | '[' IPv6address ']'
//   domain-name      := domain-component ['.' domain-component]*
//   domain-component := /([a-zA-Z0-9]|[a-zA-Z0-9][a-zA-Z0-9-]*[a-zA-Z0-9])/
//   remote-name      := path-component ['/' path-component]*
//   path-component   := alpha-numeric [separator alpha-numeric]*
//   alpha-numeric    := /[a-z0-9]+/
//   separator        := /[_.]|__|[-]+/
//   tag              := /[\w][\w.-]{0,127}/
//   digest           := algorithm ":" hex    (algorithm /[A-Za-z][A-Za-z0-9]*([-_+.][A-Za-z][A-Za-z0-9]*)*/, hex /[0-9a-fA-F]{32,}/)
//
// and the name is at most 255 characters. The pattern below is assembled from
// exactly these productions. It is written for both regex engines that run it:
// JavaScript (zod) and Go's RE2 (the API server's `pattern` check), so it uses
// no lookaround and no POSIX classes. Every repetition is separated by a
// mandatory delimiter, so JavaScript's backtracking stays linear; the length
// checks run first (abort) in any case.
import { z } from "zod";
import { IMAGE_NAME_MAX_LENGTH, IMAGE_REFERENCE_MAX_LENGTH } from "./limits.js";

const alphanumeric = "[a-z0-9]+";
const separator = "(?:[._]|__|[-]+)";
const pathComponent = `${alphanumeric}(?:${separator}${alphanumeric})*`;
const remoteName = `${pathComponent}(?:/${pathComponent})*`;
const domainComponent = "(?:[a-zA-Z0-9]|[a-zA-Z0-9][a-zA-Z0-9-]*[a-zA-Z0-9])";
const domainName = `${domainComponent}(?:\\.${domainComponent})*`;
const ipv6Address = "\\[(?:[a-fA-F0-9:]+)\\]";
const domain = `(?:${domainName}|${ipv6Address})(?::[0-9]+)?`;
const name = `(?:${domain}/)?${remoteName}`;
const tag = "[\\w][\\w.-]{0,127}";
const digest = "[A-Za-z][A-Za-z0-9]*(?:[-_+.][A-Za-z][A-Za-z0-9]*)*:[0-9a-fA-F]{32,}";

/** Anchored; groups: 1 name, 2 tag, 3 digest. */
export const IMAGE_REFERENCE_PATTERN = new RegExp(`^(${name})(?::(${tag}))?(?:@(${digest}))?$`);

/** What a valid reference looks like, for error messages and docs. */
export const IMAGE_REFERENCE_RULE =
  "must be an image reference [registry[:port]/]repository[:tag][@digest] with a lowercase repository path " +
  "and no spaces, e.g. localhost/fleet-nginx:1.0 or registry.example.com:5000/team/app:1.2@sha256:<64 hex digits>";

export interface ImageReferenceParts {
  /** Registry (if any) and repository path. */
  name: string;
  tag: string | undefined;
  digest: string | undefined;
}

/** Splits a reference into its parts, or returns undefined when it does not follow the grammar. */
export function parseImageReference(reference: string): ImageReferenceParts | undefined {
  if (reference.length > IMAGE_REFERENCE_MAX_LENGTH) return undefined;
  const match = IMAGE_REFERENCE_PATTERN.exec(reference);
  const [, matchedName, tagPart, digestPart] = match ?? [];
  if (matchedName === undefined || matchedName.length > IMAGE_NAME_MAX_LENGTH) return undefined;
  return { name: matchedName, tag: tagPart, digest: digestPart };
}

export const imageReferenceSchema = z
  .string()
  .min(1, { error: "must name a container image", abort: true })
  .max(IMAGE_REFERENCE_MAX_LENGTH, {
    error: `${IMAGE_REFERENCE_RULE}; at most ${IMAGE_REFERENCE_MAX_LENGTH} characters`,
    abort: true,
  })
  .regex(IMAGE_REFERENCE_PATTERN, { error: IMAGE_REFERENCE_RULE, abort: true })
  .refine(
    (reference) => parseImageReference(reference) !== undefined,
    `the registry and repository of an image reference are at most ${IMAGE_NAME_MAX_LENGTH} characters`,
  );
