// Values that switch on the identity service with each setting it requires;
// tests spread their own variations over it.
export const IDENTITY_VALUES = {
  identity: {
    enabled: true,
    idp: { issuerUrl: "https://id.example.com", projectId: "290000000000000001" },
    secrets: { existingSecret: "fleet-identity-secrets" },
  },
};

/** IDENTITY_VALUES with the registrar's admin key and the enrollment API switched on. */
export const ENROLLMENT_VALUES = {
  identity: {
    ...IDENTITY_VALUES.identity,
    idp: {
      ...IDENTITY_VALUES.identity.idp,
      adminKeySecret: { existingSecret: "fleet-idp-admin", key: "zitadel.json" },
    },
    enrollment: {
      enabled: true,
      publicUrl: "https://enroll.fleet.example.com",
      tlsSecret: "enroll-tls",
      deviceNatsUrl: "tls://nats.fleet.example.com:4222",
    },
  },
};
