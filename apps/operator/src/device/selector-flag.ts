// `--selector` (kubectl's label selector syntax) checked with the contracts'
// parser, so a typo is named with its position before the API server is asked.
import { formatLabelSelector, parseLabelSelector, type LabelSelector } from "@fleet/contracts";
import { ConfigError } from "@fleet/runtime";

/** The selector the flag says; a ConfigError naming --selector when it does not parse. */
export function selectorFromFlag(text: string): LabelSelector {
  try {
    return parseLabelSelector(text);
  } catch (error) {
    throw new ConfigError(
      [
        {
          setting: "selector",
          source: { kind: "flag", flag: "selector" },
          value: text,
          reason: (error instanceof Error ? error.message : String(error)).replace(
            /^label selector: /,
            "",
          ),
        },
      ],
      { cause: error },
    );
  }
}

/** The flag, checked and written back in the API server's syntax; undefined when not given. */
export function labelSelectorFromFlag(text: string | undefined): string | undefined {
  return text === undefined ? undefined : formatLabelSelector(selectorFromFlag(text));
}
