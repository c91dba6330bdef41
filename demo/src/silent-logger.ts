// installCrd logs through pino's interface; the demo prints its own progress lines.
import pino from "pino";

export const silentLogger = pino({ level: "silent" });
