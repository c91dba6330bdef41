// The Devices page's tRPC inputs, from the contracts' schemas: the browser's
// form validates with the same ones, so a field error shows before a request.
import { deviceIdSchema, deviceLabelsSchema } from "@fleet/contracts";
import { z } from "zod";

export const addDeviceInput = z.object({
  id: deviceIdSchema,
  labels: deviceLabelsSchema.default({}),
});

export const deviceRefInput = z.object({ id: deviceIdSchema });

export type AddDeviceInput = z.output<typeof addDeviceInput>;
