import { commands, type ExportFormat } from "./bindings";
import type { Problem } from "./errors";

export type Saved = { saved: string } | { error: Problem } | null;

/**
 * Saves a run's per-user results where the admin chooses: the system's save
 * dialog opens in Downloads with a name saying what the run did and when
 * (Rust suggests it), then the results are written there in `format`, in
 * the app's language. `null` when the admin cancels.
 */
export async function saveResults(run: string, format: ExportFormat): Promise<Saved> {
  const chosen = await commands.chooseFile({ save_results: { run, format } });
  if (chosen.status === "error") return { error: chosen.error };
  if (!chosen.data) return null;
  const written = await commands.exportRun(run, chosen.data, format);
  return written.status === "ok" ? { saved: written.data } : { error: written.error };
}
