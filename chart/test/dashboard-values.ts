// Values that switch on every part of the dashboard, with each setting it
// requires; tests spread their own variations over it.
export const DASHBOARD_VALUES = {
  dashboard: {
    enabled: true,
    natsWebsocketUrl: "wss://nats.example.com",
    liveAuth: { existingSecret: "fleet-live-auth" },
    ingress: {
      enabled: true,
      className: "nginx",
      host: "fleet.example.com",
      tls: { secretName: "fleet-tls" },
    },
    oidc: {
      issuerUrl: "https://id.example.com",
      clientId: "fleet-dashboard",
      clientSecret: { existingSecret: "fleet-oidc", key: "secret" },
    },
    sessionSecret: { existingSecret: "fleet-session" },
  },
};
