// Deployment pages show CR status (counts, conditions, events) that the operator
// writes at most once a second per CR; heartbeats are pushed, but CR status is
// re-read this often while a deployment page is open.
export const STATUS_REFRESH_MS = 5000;
