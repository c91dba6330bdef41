// The dashboard's public origin: DASHBOARD_URL when set (behind a proxy), else
// the origin the request came to (the local IdP accepts localhost and 127.0.0.1).
import { env } from "../../env";

export function dashboardOrigin(request: Request): string {
  return env().DASHBOARD_URL?.replace(/\/$/, "") ?? new URL(request.url).origin;
}
