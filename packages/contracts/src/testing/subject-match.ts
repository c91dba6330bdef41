// NATS subject matching for tests of filters and permissions: `*` matches one
// token, a trailing `>` one or more. A wildcard in `subject` is a literal token,
// as nats-server treats it when checking a publish against a permission.
export function subjectMatches(filter: string, subject: string): boolean {
  const want = filter.split(".");
  const have = subject.split(".");
  for (const [index, token] of want.entries()) {
    if (token === ">") return have.length > index;
    const actual = have[index];
    if (actual === undefined || (token !== "*" && token !== actual)) return false;
  }
  return want.length === have.length;
}
