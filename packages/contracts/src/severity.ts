// Event severity, shared by agent events and the CR's aggregated events so a
// device's event keeps its severity on the way into the Deployment status.
import { z } from "zod";

export const SEVERITIES = ["Info", "Warning", "Error"] as const;
export const severitySchema = z.enum(SEVERITIES);
export type Severity = z.output<typeof severitySchema>;
