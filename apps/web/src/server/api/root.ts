import { deploymentsRouter } from "./routers/deployments";
import { devicesRouter } from "./routers/devices";
import { enrollmentTokensRouter } from "./routers/enrollment-tokens";
import { fleetRouter } from "./routers/fleet";
import { createCallerFactory, createTRPCRouter } from "./trpc";

export const appRouter = createTRPCRouter({
  deployments: deploymentsRouter,
  devices: devicesRouter,
  enrollmentTokens: enrollmentTokensRouter,
  fleet: fleetRouter,
});

export type AppRouter = typeof appRouter;

export const createCaller = createCallerFactory(appRouter);
