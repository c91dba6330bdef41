// `next start` is spawned by @fleet/demo's dashboard launcher with this
// process's environment, so NODE_OPTIONS is the one way to preload the lag
// probe into the dashboard. It is set only while `start` runs (the spawn) and
// restored after, so no other child of the bench inherits it.
export async function withNodeOptions<T>(options: string, start: () => Promise<T>): Promise<T> {
  // eslint-disable-next-line no-restricted-properties -- written for one child, not configuration read
  const env = process.env;
  const previous = env.NODE_OPTIONS;
  env.NODE_OPTIONS = previous === undefined ? options : `${previous} ${options}`;
  try {
    return await start();
  } finally {
    if (previous === undefined) delete env.NODE_OPTIONS;
    else env.NODE_OPTIONS = previous;
  }
}
