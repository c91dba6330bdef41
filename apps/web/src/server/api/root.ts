import { deploymentsRouter } from "./routers/deployments";
import { devicesRouter } from "./routers/devices";
import { fleetRouter } from "./routers/fleet";
import { createCallerFactory, createTRPCRouter } from "./trpc";

export const appRouter = createTRPCRouter({
  deployments: deploymentsRouter,
  devices: devicesRouter,
  fleet: fleetRouter,
});

export type AppRouter = typeof appRouter;

export const createCaller = createCallerFactory(appRouter);
