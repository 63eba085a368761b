// The tenant in view, as the UI holds it: what the backend read, and how
// far reading has come. Views read it; only the open* functions change it.
import { Channel } from "@tauri-apps/api/core";
import { commands, type LoadProgress_Deserialize, type TenantOverview } from "./bindings";

export const tenant = $state<{
  overview: TenantOverview | null;
  progress: LoadProgress_Deserialize | null;
  loading: boolean;
  error: string | null;
}>({ overview: null, progress: null, loading: false, error: null });

/** Opens the built-in demo tenant; `onConnected` runs once it is open. */
export async function openDemo(onConnected: () => void): Promise<void> {
  if (tenant.loading) return;
  tenant.loading = true;
  tenant.error = null;
  tenant.progress = null;
  const progress = new Channel<LoadProgress_Deserialize>();
  progress.onmessage = (step) => {
    tenant.progress = step;
  };
  const result = await commands.openDemo(progress);
  tenant.loading = false;
  if (result.status === "ok") {
    tenant.overview = result.data;
    onConnected();
  } else {
    tenant.error = result.error.message;
  }
}
