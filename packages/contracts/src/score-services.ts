// A score's services, whatever its kind: what the dashboard and tools show and
// edit. Each kind says here how its services are read and re-imaged, so no
// caller reaches into `score.PodmanV0`; a new kind is one more entry in
// SERVICE_RULES, which TypeScript demands once the kind is in SCORE_KINDS.
import { scoreKind, type PortMapping, type Score, type ScoreKind } from "./score.js";

/** One named workload of a score, as people see it: its image and published ports. */
export interface ScoreService {
  readonly name: string;
  readonly image: string;
  readonly ports: readonly PortMapping[];
}

/** The body under one kind's key (`score.PodmanV0` for "PodmanV0"). */
export type ScoreBody<K extends ScoreKind> = Extract<Score, Record<K, unknown>>[K];

interface ServiceRules<K extends ScoreKind> {
  services(body: ScoreBody<K>): readonly ScoreService[];
  /** The body with `image` on the named service, or on every service when none is named. */
  withImage(body: ScoreBody<K>, image: string, service: string | undefined): ScoreBody<K>;
}

const SERVICE_RULES: { [K in ScoreKind]: ServiceRules<K> } = {
  PodmanV0: {
    services: (body) => body.services,
    withImage: (body, image, service) => ({
      ...body,
      services: body.services.map((s) =>
        service === undefined || s.name === service ? { ...s, image } : s,
      ),
    }),
  },
};

/** The body of a score under its own kind's key (a score has exactly one). */
export function scoreBody<K extends ScoreKind>(score: Score, kind: K): ScoreBody<K> {
  // scoreSchema guarantees the key; TypeScript cannot follow `kind` into the union.
  return (score as unknown as Record<K, ScoreBody<K>>)[kind];
}

export function servicesOf(score: Score): readonly ScoreService[] {
  const kind = scoreKind(score);
  return SERVICE_RULES[kind].services(scoreBody(score, kind));
}

/** The same score with `image` on the named service, or on every service when none is named. */
export function withServiceImage(score: Score, image: string, service?: string): Score {
  const kind = scoreKind(score);
  const body = SERVICE_RULES[kind].withImage(scoreBody(score, kind), image, service);
  return { [kind]: body };
}
