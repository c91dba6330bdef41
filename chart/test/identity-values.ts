// Values that switch on the identity service with each setting it requires;
// tests spread their own variations over it.
export const IDENTITY_VALUES = {
  identity: {
    enabled: true,
    idp: { issuerUrl: "https://id.example.com", projectId: "290000000000000001" },
    secrets: { existingSecret: "fleet-identity-secrets" },
  },
};
