// A newer version of License Desk: looked for when the app starts (unless
// Settings say not to) and from Settings. It is installed only when the
// admin asks, and never while a run is going: the Rust side refuses then
// too, and no run can start while it installs.

import { Channel } from "@tauri-apps/api/core";
import type { Problem } from "./errors";
import { commands, type UpdateCheck_Serialize, type UpdateProgress_Deserialize } from "./bindings";

export const update = $state<{
  checking: boolean;
  /** What the last check found. */
  check: UpdateCheck_Serialize | null;
  error: Problem | null;
  installing: boolean;
  progress: UpdateProgress_Deserialize | null;
  /** Found by the check at start: offered above the views until put aside. */
  offered: boolean;
}>({ checking: false, check: null, error: null, installing: false, progress: null, offered: false });

/** Looks for a newer version. At start (`quiet`) a failure says nothing:
 * the admin did not ask, and may well be offline. */
export async function checkForUpdate(quiet = false) {
  update.checking = true;
  if (!quiet) update.error = null;
  const outcome = await commands.checkForUpdate();
  update.checking = false;
  if (outcome.status === "ok") {
    update.check = outcome.data;
    if (quiet && outcome.data.available) update.offered = true;
  } else if (!quiet) {
    update.error = outcome.error;
  }
}

/** Downloads, checks and installs the update found; the app restarts. */
export async function installUpdate() {
  update.installing = true;
  update.error = null;
  update.progress = null;
  const progress = new Channel<UpdateProgress_Deserialize>();
  progress.onmessage = (step) => {
    update.progress = step;
  };
  const outcome = await commands.installUpdate(progress);
  // On success the app restarts before this line matters.
  update.installing = false;
  if (outcome.status === "error") update.error = outcome.error;
}
