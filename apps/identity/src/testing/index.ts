// Test helpers of @fleet/identity: start the service in-process against the local platform.
export {};
