// The tenant in view, as the UI holds it: what the backend read, how far
// reading has come, and any sign-in under way. Views read it; only the
// functions below change it.
import { Channel } from "@tauri-apps/api/core";
import type { Problem } from "./errors";
import {
  commands,
  type AppError_Serialize,
  type DeviceCodePrompt,
  type LoadProgress_Deserialize,
  type SavedPlanCheck_Serialize,
  type SignedIn_Serialize,
  type TenantOverview,
} from "./bindings";

type Outcome<T> = { status: "ok"; data: T } | { status: "error"; error: AppError_Serialize };

export const tenant = $state<{
  overview: TenantOverview | null;
  progress: LoadProgress_Deserialize | null;
  loading: boolean;
  error: Problem | null;
  /** A browser or device code sign-in waiting for the admin. */
  waiting: "browser" | "device" | null;
  devicePrompt: DeviceCodePrompt | null;
  /** Signed in, but no keychain kept it. */
  notRemembered: boolean;
  /** At start, until the keychain has been asked for a kept sign-in. */
  restoring: boolean;
  /** The file being read, while one is. */
  openingFile: string | null;
}>({
  openingFile: null,
  restoring: true,
  overview: null,
  progress: null,
  loading: false,
  error: null,
  waiting: null,
  devicePrompt: null,
  notRemembered: false,
});

function progressChannel(): Channel<LoadProgress_Deserialize> {
  const channel = new Channel<LoadProgress_Deserialize>();
  channel.onmessage = (step) => {
    tenant.progress = step;
  };
  return channel;
}

/** Runs one way of opening a tenant, keeping the state above in step. */
async function opening<T>(
  run: (progress: Channel<LoadProgress_Deserialize>) => Promise<Outcome<T>>,
  overviewOf: (data: T) => TenantOverview | null,
  onConnected: () => void,
): Promise<T | null> {
  tenant.loading = true;
  tenant.error = null;
  tenant.progress = null;
  const result = await run(progressChannel());
  tenant.loading = false;
  tenant.waiting = null;
  tenant.devicePrompt = null;
  if (result.status === "error") {
    if (result.error.code !== "sign_in_cancelled") tenant.error = result.error;
    return null;
  }
  const overview = overviewOf(result.data);
  if (overview) {
    // User Timing marks: where a profiler (or the benchmark) sees the data arrive.
    performance.mark("tenant-arrived");
    tenant.overview = overview;
    onConnected();
  }
  return result.data;
}

function signedIn(data: SignedIn_Serialize | null): TenantOverview | null {
  if (data) tenant.notRemembered = !data.remembered;
  return data?.overview ?? null;
}

/** Opens the built-in demo tenant; `onConnected` runs once it is open. */
export async function openDemo(onConnected: () => void): Promise<void> {
  tenant.restoring = false;
  if (tenant.loading) return;
  await opening((progress) => commands.openDemo(progress), (overview) => overview, onConnected);
}

export async function signInWithBrowser(onConnected: () => void): Promise<void> {
  if (tenant.loading) return;
  tenant.waiting = "browser";
  await opening((progress) => commands.signInWithBrowser(progress), signedIn, onConnected);
}

export async function signInWithCode(onConnected: () => void): Promise<void> {
  if (tenant.loading) return;
  tenant.error = null;
  const started = await commands.startDeviceSignIn();
  if (started.status === "error") {
    tenant.error = started.error;
    return;
  }
  tenant.waiting = "device";
  tenant.devicePrompt = started.data;
  await opening((progress) => commands.finishDeviceSignIn(progress), signedIn, onConnected);
}

export async function signInAppOnly(
  form: { tenant: string; clientId: string; secret: string; remember: boolean },
  onConnected: () => void,
): Promise<void> {
  if (tenant.loading) return;
  await opening(
    (progress) => commands.signInAppOnly(form.tenant, form.clientId, form.secret, form.remember, progress),
    signedIn,
    onConnected,
  );
}

/** Opens a file for review with no sign-in. A file that cannot be used
 * leaves everything as it was and says why (the message names the file,
 * the line and what to export instead). */
export async function openFile(path: string, onConnected: () => void): Promise<boolean> {
  tenant.restoring = false;
  if (tenant.loading) return false;
  tenant.openingFile = path;
  const opened = await opening(() => commands.openFile(path), (overview) => overview, onConnected);
  tenant.openingFile = null;
  return opened !== null;
}

/** Asks for a file with the system's dialog, then opens it. */
export async function chooseAndOpenFile(onConnected: () => void): Promise<void> {
  tenant.error = null;
  const chosen = await commands.chooseFile("open_tenant_file");
  if (chosen.status === "error") tenant.error = chosen.error;
  else if (chosen.data) await openFile(chosen.data, onConnected);
}

/** The open tenant is a file, reviewed offline: plans are saved, not run. */
export function isOffline(): boolean {
  return tenant.overview?.offline != null;
}

/** The file's name from a path, on any platform. */
export function fileName(path: string): string {
  return path.split(/[\\/]/).pop() || path;
}

/** A saved plan being applied: its check against the live tenant, once
 * answered (what changed since the file, and the plan to confirm). */
export const savedPlan = $state<{
  path: string | null;
  result: Outcome<SavedPlanCheck_Serialize> | null;
}>({ path: null, result: null });

/** Checks a saved plan against the open tenant and shows the apply dialog. */
export async function applySavedPlan(path: string): Promise<void> {
  savedPlan.path = path;
  savedPlan.result = null;
  const result = await commands.checkSavedPlan(path);
  if (savedPlan.path === path) savedPlan.result = result;
}

export function closeSavedPlan(): void {
  savedPlan.path = null;
  savedPlan.result = null;
}

/** Asks for a saved plan with the system's dialog, then checks it. */
export async function chooseSavedPlan(): Promise<void> {
  const chosen = await commands.chooseFile("open_plan");
  if (chosen.status === "error") tenant.error = chosen.error;
  else if (chosen.data) await applySavedPlan(chosen.data);
}

/** A file handed over from outside the window (dropped on it, or given to
 * a second start). While a tenant that can change is open, a saved plan
 * goes to the apply flow; anything else is opened for review. */
export async function handOver(path: string, onConnected: () => void): Promise<void> {
  if (tenant.overview && !isOffline() && /\.json$/i.test(path)) {
    const result = await commands.checkSavedPlan(path);
    // Not a plan at all: try it as a tenant's picture.
    if (result.status === "ok" || result.error.code !== "file_not_usable") {
      savedPlan.path = path;
      savedPlan.result = result;
      return;
    }
  }
  await openFile(path, onConnected);
}

/** Signs in with what the keychain kept, if anything. */
export async function restoreSignIn(onConnected: () => void): Promise<void> {
  tenant.restoring = true;
  const result = await commands.restoreSignIn(progressChannel());
  tenant.restoring = false;
  tenant.progress = null;
  if (result.status === "error") {
    tenant.error = result.error;
  } else if (result.data) {
    tenant.overview = signedIn(result.data);
    onConnected();
  }
}

export async function cancelSignIn(): Promise<void> {
  await commands.cancelSignIn();
}

export async function signOut(onDisconnected: () => void): Promise<void> {
  const result = await commands.signOut();
  if (result.status === "error") {
    tenant.error = result.error;
  }
  Object.assign(tenant, { overview: null, progress: null, notRemembered: false, restoring: false });
  onDisconnected();
}

/** Whether the admin may change licenses: an app-only sign-in or the demo
 * has no admin to ask about; a signed-in admin needs a licensing role. */
export function mayChange(): boolean {
  return !tenant.overview?.admin || tenant.overview.admin.licenseRoles.length > 0;
}
