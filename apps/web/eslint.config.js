import base from "@fleet/eslint-config";

export default [...base, { ignores: ["next-env.d.ts"] }];
