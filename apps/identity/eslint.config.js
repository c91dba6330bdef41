import app from "@fleet/eslint-config/app";

export default app;
