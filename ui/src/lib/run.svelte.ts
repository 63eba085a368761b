// The run under way (one at a time), kept here rather than in a dialog so
// the admin can close the dialog and keep working: the status bar then
// shows its progress and brings the dialog back.

import { Channel } from "@tauri-apps/api/core";
import type { Problem } from "./errors";
import type { AppError_Serialize, RunProgress_Deserialize, RunSummary_Serialize } from "./bindings";
import { tenant } from "./tenant.svelte";

export type RunKind = "run" | "undo";

type Outcome = { status: "ok"; data: RunSummary_Serialize } | { status: "error"; error: AppError_Serialize };

export const run = $state<{
  kind: RunKind | null;
  /** What the run is about: the products, by name. */
  title: string;
  progress: RunProgress_Deserialize | null;
  /** Stop was pressed; the run is finishing what is in flight. */
  stopRequested: boolean;
  result: RunSummary_Serialize | null;
  error: Problem | null;
  /** Its dialog is open; when not, the status bar carries the run. */
  shown: boolean;
}>({ kind: null, title: "", progress: null, stopRequested: false, result: null, error: null, shown: false });

/** A run has started and its outcome is not yet acknowledged. */
export const runActive = () => run.kind !== null;
/** A run is still going. */
export const runGoing = () => run.kind !== null && run.result === null && run.error === null;

/** Starts a run and follows it to the end, whether or not its dialog stays open. */
export async function follow(kind: RunKind, title: string, start: (updates: Channel<RunProgress_Deserialize>) => Promise<Outcome>) {
  Object.assign(run, { kind, title, progress: null, stopRequested: false, result: null, error: null, shown: true });
  const updates = new Channel<RunProgress_Deserialize>();
  updates.onmessage = (step) => {
    run.progress = step;
  };
  const outcome = await start(updates);
  if (outcome.status === "ok") {
    run.result = outcome.data;
    tenant.overview = outcome.data.overview;
  } else {
    run.error = outcome.error;
  }
}

/** The admin has seen how the run ended; the status bar lets it go. */
export function dismissRun() {
  Object.assign(run, { kind: null, title: "", progress: null, stopRequested: false, result: null, error: null, shown: false });
}
