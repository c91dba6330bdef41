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

/** A label selector: most matchLabels entries, expressions, and values per expression. */
export const SELECTOR_MATCH_LABELS_MAX_PROPERTIES = 64;
export const SELECTOR_EXPRESSIONS_MAX_ITEMS = 32;
export const SELECTOR_VALUES_MAX_ITEMS = 64;
/** A selector in kubectl's text syntax (CLI flag, form field). */
export const SELECTOR_TEXT_MAX_LENGTH = 4096;

/** A device's free-text description. */
export const DEVICE_DESCRIPTION_MAX_LENGTH = 1024;
/** A PEM SPKI public key of an RSA key up to 4096 bits fits in well under this. */
export const ENROLLMENT_PUBLIC_KEY_MAX_LENGTH = 4096;
/** Enrollment token text: `<name>.<base64url secret>`. */
export const ENROLLMENT_TOKEN_MAX_LENGTH = 512;
/** Most devices one enrollment token may enroll. */
export const ENROLLMENT_TOKEN_MAX_USES = 100_000;
/** An enrollment request or status request body. */
export const ENROLLMENT_REQUEST_MAX_BYTES = 16 * 1024;
/** An enrollment proof JWT. */
export const ENROLLMENT_PROOF_MAX_LENGTH = 8192;
/** Token uses an EnrollmentToken's status keeps (newest first); every use is also logged. */
export const ENROLLMENT_RECENT_USES_LIMIT = 20;

// --- Rollouts ---

/** Batches a rollout may declare (a final left-over batch may follow). */
export const ROLLOUT_BATCHES_MAX_ITEMS = 20;
/** Failed devices a rollout failure names, with their errors. */
export const ROLLOUT_FAILURES_LIMIT = 20;
