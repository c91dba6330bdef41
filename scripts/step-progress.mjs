// Progress lines for long, quiet steps: set-up (apt, npm, the Go toolchain), the
// Go builds and `next build`. One line per step with its duration; on a terminal
// a status line below shows each running step's elapsed time and an estimate
// ("~3 min") taken from the step's last duration, remembered in a small file.
// A failed step prints the last lines of its log and the log's path.
//
// Plain JavaScript on Node's standard library only: `scripts/setup.mjs` runs it
// on whatever Node the machine has, before node_modules exists; the local
// platform's progress.ts wraps the same code (types in step-progress.d.mts).
import { mkdirSync, readFileSync, writeFileSync } from "node:fs";
import { dirname } from "node:path";

const TAIL_LINES = 20;
/** Under the platform's folder: the last duration of each long step, for estimates. */
export const DURATIONS_FILE_NAME = "step-durations.json";
// npm on the machine's older Node warns about every package that wants a newer
// one; the log keeps those blocks, a failure's excerpt leaves them out.
const NOISE = /^npm warn EBADENGINE/i;

/** "42.1s" or "3m 05s". */
export function formatDuration(seconds) {
  if (seconds < 60) return `${seconds.toFixed(1)}s`;
  const whole = Math.round(seconds);
  return `${Math.floor(whole / 60)}m ${String(whole % 60).padStart(2, "0")}s`;
}

/** "~3 min" or "~40s": how long a step is expected to take. */
export function formatEstimate(seconds) {
  return seconds >= 60 ? `~${Math.ceil(seconds / 60)} min` : `~${Math.ceil(seconds)}s`;
}

/** The last lines of a log (without npm's EBADENGINE blocks), or "" if it cannot be read. */
export function logTail(file, lines = TAIL_LINES) {
  let text;
  try {
    text = readFileSync(file, "utf8");
  } catch {
    return "";
  }
  const kept = text.split("\n").filter((line) => line.trim() !== "" && !NOISE.test(line));
  return kept.slice(-lines).join("\n");
}

function readDurations(file) {
  try {
    const parsed = JSON.parse(readFileSync(file, "utf8"));
    return typeof parsed === "object" && parsed !== null ? parsed : {};
  } catch {
    return {};
  }
}

export function createStepProgress({ prefix, out = process.stdout, durationsFile, signal }) {
  const tag = `[${prefix}]`;
  const durations = durationsFile ? readDurations(durationsFile) : {};
  const running = new Set();
  let ticker;

  const write = (text) => {
    // A closed stdout (EPIPE) is reported by an 'error' event that the caller
    // handles; writing on must not throw in the meantime.
    if (!out.destroyed) out.write(text);
  };
  const statusLine = () => {
    const now = Date.now();
    const parts = [...running].map((step) => {
      const seconds = Math.floor((now - step.started) / 1000);
      const clock = `${Math.floor(seconds / 60)}:${String(seconds % 60).padStart(2, "0")}`;
      return `${step.title} ${clock}${step.estimate ? ` (${step.estimate})` : ""}`;
    });
    const line = `${tag} … ${parts.join(" · ")}`;
    // A pseudo-terminal without a size reports 0 columns.
    const width = out.columns > 40 ? out.columns : 120;
    return line.length < width ? line : `${line.slice(0, width - 2)}…`;
  };
  // On a terminal the running steps share one status line, rewritten in place.
  const redraw = () => {
    write(`\r\x1b[2K${running.size > 0 ? statusLine() : ""}`);
  };
  const printLine = (text) => {
    if (out.isTTY) {
      write(`\r\x1b[2K${text}\n`);
      redraw();
    } else write(`${text}\n`);
  };
  const remember = (key, seconds) => {
    if (!key || !durationsFile) return;
    durations[key] = Math.round(seconds);
    try {
      mkdirSync(dirname(durationsFile), { recursive: true });
      writeFileSync(durationsFile, `${JSON.stringify(durations, null, 2)}\n`);
    } catch {
      // Only the next estimate is lost.
    }
  };

  return {
    async step(title, work, options = {}) {
      const { estimate, log } = options;
      const started = Date.now();
      const expected = estimate ? (durations[estimate.key] ?? estimate.guessSeconds) : undefined;
      // Only long steps get an estimate: a few seconds need none.
      const entry = {
        title,
        started,
        estimate: expected !== undefined && expected >= 10 ? formatEstimate(expected) : "",
      };
      running.add(entry);
      if (out.isTTY) {
        redraw();
        ticker ??= setInterval(redraw, 1000).unref();
      } else write(`${tag} … ${title}${entry.estimate ? ` (${entry.estimate})` : ""}\n`);
      const finish = (line) => {
        running.delete(entry);
        if (running.size === 0 && ticker) {
          clearInterval(ticker);
          ticker = undefined;
        }
        printLine(line);
      };
      try {
        const result = await work();
        const seconds = (Date.now() - started) / 1000;
        remember(estimate?.key, seconds);
        finish(`${tag} ✓ ${title} (${formatDuration(seconds)})`);
        return result;
      } catch (error) {
        const seconds = (Date.now() - started) / 1000;
        if (signal?.aborted) {
          finish(`${tag} ✗ ${title} (stopped after ${formatDuration(seconds)})`);
          throw error;
        }
        const tail = log ? logTail(log) : "";
        const excerpt = log
          ? `\n${tag}   ${tail ? `last lines of ${log}:\n${tail}` : `log: ${log}`}`
          : "";
        finish(`${tag} ✗ ${title} (failed after ${formatDuration(seconds)})${excerpt}`);
        throw error;
      }
    },
    info(message) {
      printLine(`${tag}   ${message}`);
    },
  };
}
