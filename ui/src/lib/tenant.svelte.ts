// The tenant in view, as the UI holds it: what the backend read, how far
// reading has come, and any sign-in under way. Views read it; only the
// functions below change it.
import { Channel } from "@tauri-apps/api/core";
import {
  commands,
  type AppError_Serialize,
  type DeviceCodePrompt,
  type LoadProgress_Deserialize,
  type SignedIn_Serialize,
  type TenantOverview,
} from "./bindings";

type Outcome<T> = { status: "ok"; data: T } | { status: "error"; error: AppError_Serialize };

export const tenant = $state<{
  overview: TenantOverview | null;
  progress: LoadProgress_Deserialize | null;
  loading: boolean;
  error: string | null;
  /** A browser or device code sign-in waiting for the admin. */
  waiting: "browser" | "device" | null;
  devicePrompt: DeviceCodePrompt | null;
  /** Signed in, but no keychain kept it. */
  notRemembered: boolean;
  /** At start, until the keychain has been asked for a kept sign-in. */
  restoring: boolean;
}>({
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
    if (result.error.code !== "sign_in_cancelled") tenant.error = result.error.message;
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
    tenant.error = started.error.message;
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

/** Signs in with what the keychain kept, if anything. */
export async function restoreSignIn(onConnected: () => void): Promise<void> {
  tenant.restoring = true;
  const result = await commands.restoreSignIn(progressChannel());
  tenant.restoring = false;
  tenant.progress = null;
  if (result.status === "error") {
    tenant.error = result.error.message;
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
    tenant.error = result.error.message;
  }
  Object.assign(tenant, { overview: null, progress: null, notRemembered: false });
  onDisconnected();
}

/** Whether the admin may change licenses: an app-only sign-in or the demo
 * has no admin to ask about; a signed-in admin needs a licensing role. */
export function mayChange(): boolean {
  return !tenant.overview?.admin || tenant.overview.admin.licenseRoles.length > 0;
}
