import { beginSignIn } from "../../../../server/auth/handlers";

export const GET = beginSignIn;
