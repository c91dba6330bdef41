// @fleet/nats: server-side NATS connection handling shared by the dashboard
// server and the identity service.
export { KeptConnection, type KeptConnectionOptions, type NatsHealth } from "./kept-connection.js";
