import { deploymentsRouter } from "./routers/deployments";
import { fleetRouter } from "./routers/fleet";
import { createCallerFactory, createTRPCRouter } from "./trpc";

export const appRouter = createTRPCRouter({
  deployments: deploymentsRouter,
  fleet: fleetRouter,
});

export type AppRouter = typeof appRouter;

export const createCaller = createCallerFactory(appRouter);
