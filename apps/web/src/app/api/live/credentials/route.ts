import { liveCredentials } from "../../../../server/live-credentials";

export const GET = liveCredentials;
