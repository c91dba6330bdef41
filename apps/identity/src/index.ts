// Library surface of @fleet/identity (the CLI is main.ts).
export {};
