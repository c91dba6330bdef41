import base from "@fleet/eslint-config";

export default base;
