// Every size limit on the wire, in one place, so docs, schemas, the CRD and the
// code that clips or trims all quote the same numbers. Limits are set well
// above what a real deployment needs and well below what would hurt: NATS's
// 1 MiB payload limit, etcd's ~1.5 MiB object limit, a browser rendering a page.
// docs/operator.md ("Limits") lists them for users.

// --- Deployment spec (validated by zod and, where OpenAPI can say it, by the API server) ---

/** Devices one Deployment may target (room for the 10 000- and 50 000-device benchmarks). */
export const TARGET_DEVICES_MAX_ITEMS = 50_000;
/** Services (containers) in one PodmanV0 score. */
export const SERVICES_MAX_ITEMS = 64;
/** Port mappings of one service. */
export const PORTS_MAX_ITEMS = 128;
/** Whole image reference `[registry[:port]/]repository[:tag][@digest]`, in characters. */
export const IMAGE_REFERENCE_MAX_LENGTH = 1024;
/** The name part (registry and repository) of an image reference, as distribution/reference caps it. */
export const IMAGE_NAME_MAX_LENGTH = 255;
/** Environment variables of one service. */
export const ENV_MAX_PROPERTIES = 256;
/** One environment variable name. */
export const ENV_NAME_MAX_LENGTH = 256;
/** One environment variable value (room for a PEM certificate chain). */
export const ENV_VALUE_MAX_LENGTH = 32_768;
/** Items of one service's command (program plus arguments). */
export const COMMAND_MAX_ITEMS = 256;
/** One command item (room for an inline `sh -c` script). */
export const COMMAND_ARG_MAX_LENGTH = 32_768;
/**
 * The whole score as canonical JSON, in UTF-8 bytes. It travels in every
 * desired-state KV entry, so it must stay well under NATS's 1 MiB payload limit.
 */
export const SCORE_MAX_BYTES = 256 * 1024;

// --- Texts produced by devices and the operator ---

/** Error and event texts, in UTF-16 code units; longer texts are clipped (clipMessage). */
export const MESSAGE_MAX_LENGTH = 1024;
/** Short descriptive texts in a heartbeat (agent version, kernel, OS, architecture). */
export const LABEL_TEXT_MAX_LENGTH = 256;

// --- Deployment status (the CR's .status) ---

/** Conditions on one Deployment (the operator writes 3; room for more kinds). */
export const CONDITIONS_MAX_ITEMS = 32;
/** metav1.Condition's own limits. */
export const CONDITION_TYPE_MAX_LENGTH = 316;
export const CONDITION_REASON_MAX_LENGTH = 1024;
export const CONDITION_MESSAGE_MAX_LENGTH = 32_768;
/**
 * The largest `.status` the operator's fold can produce, as JSON bytes. etcd
 * refuses objects near 1.5 MiB; this leaves the rest for spec and metadata.
 */
export const DEPLOYMENT_STATUS_MAX_BYTES = 256 * 1024;

// --- Agent heartbeat ---

/** An encoded AgentStatus never exceeds this many bytes (NATS's payload limit is 1 MiB). */
export const AGENT_STATUS_MAX_BYTES = 256 * 1024;

// --- Device registry (the Device CR) ---

/** An IdP identifier on a Device: the machine user's id and its key's id (Zitadel's are ~18 digits). */
export const IDENTITY_ID_MAX_LENGTH = 128;
/** Labels on one Device (selectors match on a few; room for many). */
export const DEVICE_LABELS_MAX_PROPERTIES = 64;
