import { refreshAndReturn } from "../../../../server/auth/handlers";

export const GET = refreshAndReturn;
