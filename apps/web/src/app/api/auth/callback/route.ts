import { finishSignIn } from "../../../../server/auth/handlers";

export const GET = finishSignIn;
