import { signOut } from "../../../../server/auth/handlers";

export const POST = signOut;
