// The shape every local-platform server shares, so `up`, `down` and `status`
// treat them alike: start if not running, wait for ready, stop what was started.
import type { Layout } from "../layout.js";
import type { Progress } from "../progress.js";

export interface ComponentContext {
  layout: Layout;
  progress: Progress;
}

export interface Component {
  /** Process name, also the pid-file and log-file name. */
  name: string;
  /** What `status` prints about where it listens. */
  describe(layout: Layout): string;
  /** Ports it needs, keyed by the env variable that overrides each. */
  ports(layout: Layout): Record<string, number>;
  /** Prepares files and starts the process (it is known not to be running). */
  start(context: ComponentContext): Promise<void>;
  /** Resolves once the server answers; throws NotReadyError naming its log. */
  waitReady(context: ComponentContext): Promise<void>;
}
