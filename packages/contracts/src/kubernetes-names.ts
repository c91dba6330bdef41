// Kubernetes name grammars (DNS-1123), as zod schemas. These grammars are what
// make the KV key encoding in keys.ts unambiguous: labels never contain '.',
// and no Kubernetes name ever contains '_'.
import { z } from "zod";

/** DNS-1123 label: `[a-z0-9]([-a-z0-9]*[a-z0-9])?`, at most 63 characters. */
export const DNS1123_LABEL_PATTERN = /^[a-z0-9]([-a-z0-9]*[a-z0-9])?$/;
export const DNS1123_LABEL_MAX_LENGTH = 63;

/** DNS-1123 subdomain: dot-separated labels, at most 253 characters. */
export const DNS1123_SUBDOMAIN_PATTERN =
  /^[a-z0-9]([-a-z0-9]*[a-z0-9])?(\.[a-z0-9]([-a-z0-9]*[a-z0-9])?)*$/;
export const DNS1123_SUBDOMAIN_MAX_LENGTH = 253;

const LABEL_RULE =
  "must be a DNS-1123 label: lowercase letters, digits and '-', starting and ending with a letter or digit";
const SUBDOMAIN_RULE =
  "must be a DNS-1123 subdomain: lowercase letters, digits, '-' and '.', each dot-separated part starting and ending with a letter or digit";

function dnsLabel(): z.ZodString {
  return z
    .string()
    .max(DNS1123_LABEL_MAX_LENGTH, `${LABEL_RULE}, at most ${DNS1123_LABEL_MAX_LENGTH} characters`)
    .regex(DNS1123_LABEL_PATTERN, LABEL_RULE);
}

/** A Kubernetes namespace name. */
export const namespaceNameSchema = dnsLabel();

/** A namespaced object's name (e.g. a Deployment CR). */
export const resourceNameSchema = z
  .string()
  .max(
    DNS1123_SUBDOMAIN_MAX_LENGTH,
    `${SUBDOMAIN_RULE}, at most ${DNS1123_SUBDOMAIN_MAX_LENGTH} characters`,
  )
  .regex(DNS1123_SUBDOMAIN_PATTERN, SUBDOMAIN_RULE);

/** A device id; one NATS subject token, so it must not contain '.'. */
export const deviceIdSchema = dnsLabel();

export type NamespaceName = z.output<typeof namespaceNameSchema>;
export type ResourceName = z.output<typeof resourceNameSchema>;
export type DeviceId = z.output<typeof deviceIdSchema>;

/** A label key's name part and a label value: Kubernetes' "qualified name" grammar. */
export const LABEL_NAME_PATTERN = /^([A-Za-z0-9][-A-Za-z0-9_.]*)?[A-Za-z0-9]$/;
export const LABEL_NAME_MAX_LENGTH = 63;
const LABEL_NAME_RULE =
  "must be at most 63 letters, digits, '-', '_' or '.', starting and ending with a letter or digit";

/** A label key: `[<DNS-1123 subdomain>/]<name>`, as the API server checks it. */
export const labelKeySchema = z
  .string()
  .max(DNS1123_SUBDOMAIN_MAX_LENGTH + 1 + LABEL_NAME_MAX_LENGTH, "label key is too long")
  .superRefine((key, ctx) => {
    const slash = key.indexOf("/");
    const prefix = slash < 0 ? undefined : key.slice(0, slash);
    const name = slash < 0 ? key : key.slice(slash + 1);
    if (
      prefix !== undefined &&
      (prefix.length > DNS1123_SUBDOMAIN_MAX_LENGTH || !DNS1123_SUBDOMAIN_PATTERN.test(prefix))
    ) {
      ctx.addIssue({ code: "custom", message: `label key prefix ${SUBDOMAIN_RULE}` });
    }
    if (name.length > LABEL_NAME_MAX_LENGTH || !LABEL_NAME_PATTERN.test(name)) {
      ctx.addIssue({ code: "custom", message: `label key name ${LABEL_NAME_RULE}` });
    }
  });

/** A label value: empty, or the qualified-name grammar. */
export const labelValueSchema = z
  .string()
  .max(LABEL_NAME_MAX_LENGTH, `label value ${LABEL_NAME_RULE}`)
  .refine(
    (value) => value === "" || LABEL_NAME_PATTERN.test(value),
    `label value ${LABEL_NAME_RULE}`,
  );
