// @fleet/ui: presentational React components shared by the dashboard.
export { cn } from "./cn.js";
export { Badge, OnlineBadge, PhaseBadge, type Tone } from "./status-badge.js";
export { PhaseBar, type PhaseCounts } from "./phase-bar.js";
export { BatchBar, type BatchCounts } from "./batch-bar.js";
export { FormField, type FormFieldProps } from "./form-field.js";
export { SelectField, type SelectFieldProps } from "./select-field.js";
export { VirtualTable, type Column, type VirtualTableProps } from "./virtual-table.js";
export { RelativeTime, type RelativeTimeProps } from "./relative-time.js";
export { formatExact, formatRelative } from "./relative-time-format.js";
export { useNow } from "./use-now.js";
