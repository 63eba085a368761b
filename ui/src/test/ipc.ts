// A stand-in for the Rust side in UI unit tests: records every call and
// answers like the real commands would.
import { clearMocks, mockIPC } from "@tauri-apps/api/mocks";
import type {
  Consequence,
  ConsequenceCount,
  Connection,
  PlanPerson_Serialize,
  PlanPreview_Serialize,
  RunEntry_Serialize,
  RunSummary_Serialize,
  SavedPlanCheck_Serialize,
  Settings,
  TenantOverview,
  UserQuery_Deserialize,
} from "../lib/bindings";

export const demoUsers = Array.from({ length: 250 }, (_, i) => ({
  id: `id-${i}`,
  displayName: `Person ${String(i).padStart(3, "0")}`,
  userPrincipalName: `person${i}@northwindtraders.example`,
  enabled: i % 10 !== 0,
  licenses: [
    { skuId: "cbdc14ab-d96c-4c30-b9f4-6ada7cdc1d46", name: "Microsoft 365 Business Premium", direct: true, groups: [] },
    { skuId: "078d2b04-f1bd-4111-bbd4-b4b1b354cef4", name: "Microsoft Entra ID P1", direct: false, groups: ["Licensing - Entra ID P1"] },
  ],
}));

/** A demo license in full: Business Premium with Exchange switched off,
 * Entra ID P1 only through a synced group. */
function licenseDetail(license: (typeof demoUsers)[number]["licenses"][number]) {
  const premium = license.skuId === "cbdc14ab-d96c-4c30-b9f4-6ada7cdc1d46";
  return {
    skuId: license.skuId,
    name: license.name,
    partNumber: premium ? "SPB" : "AAD_PREMIUM",
    direct: license.direct,
    groups: license.groups.map((name) => ({ name, synced: true })),
    lock: license.direct ? null : "only_through_groups",
    apps: premium
      ? [
          { name: "Exchange Online (Plan 1)", plan: "EXCHANGE_S_STANDARD", on: false },
          { name: "Microsoft Teams", plan: "TEAMS1", on: true },
          { name: "Microsoft 365 Apps for Business", plan: "OFFICE_BUSINESS", on: true },
        ]
      : [{ name: "Microsoft Entra ID P1", plan: "AAD_PREMIUM", on: true }],
  };
}

/** The demo's savings: before activity is read, the disabled holders, an
 * overlap and idle seats; after, 4 people not signed in for the days asked. */
function savingsFindings(inactiveDays: number, read: boolean) {
  const person = (i: number, since: number | null, extra: Record<string, unknown> = {}) => ({
    userId: `id-${i}`,
    displayName: `Person ${String(i).padStart(3, "0")}`,
    userPrincipalName: `person${i}@northwindtraders.example`,
    sinceDays: since,
    direct: true,
    groups: [],
    coveredBy: null,
    ...extra,
  });
  const spb = { skuId: "cbdc14ab-d96c-4c30-b9f4-6ada7cdc1d46", partNumber: "SPB", product: "Microsoft 365 Business Premium", seatPrice: 220, monthly: 0 };
  const findings = [
    ...(read ? [{ ...spb, kind: "inactive_sign_in", people: [0, 1, 2, 3].map((i) => person(i, inactiveDays + 10 * i)), seats: 4, monthly: 880 }] : []),
    { ...spb, kind: "disabled_holding", people: [person(10, null), person(20, null, { direct: false, groups: ["Sales"] })], seats: 1, monthly: 220 },
    {
      kind: "overlap",
      skuId: "4b9405b0-7788-4568-add1-99614e613b69",
      partNumber: "EXCHANGESTANDARD",
      product: "Exchange Online (Plan 1)",
      people: [person(5, null, { coveredBy: "Microsoft 365 Business Premium" })],
      seats: 1,
      seatPrice: null,
      monthly: null,
    },
    { ...spb, kind: "idle_seats", people: [], seats: 10, monthly: 2200 },
  ];
  return {
    inactiveDays,
    signIns: read ? "read" : "not_read",
    signInsUnknown: 0,
    usage: read ? "concealed" : "not_read",
    usagePeriodDays: read ? 90 : null,
    usageRefreshedOn: read ? "2026-11-23" : null,
    usageUnknown: 0,
    findings,
    seats: findings.reduce((sum, f) => sum + f.seats, 0),
    totalMonthly: findings.reduce((sum, f) => sum + (f.monthly ?? 0), 0),
    unpricedSeats: 1,
    currency: "SEK",
    notCounted: [{ skuId: "f30db892-07e9-47e9-837c-80727f46fd3d", partNumber: "FLOW_FREE", product: "Microsoft Power Automate Free", reason: "free" }],
  };
}

/** What the real `users` command would list: search, product, then by name. */
function matchingUsers(query: UserQuery_Deserialize, users = demoUsers) {
  return users
    .filter((u) => u.userPrincipalName.includes(query.search.toLowerCase()))
    .filter((u) => !query.product || u.licenses.some((l) => l.skuId === query.product));
}

export const demoOverview: TenantOverview = {
  tenantName: "Northwind Traders",
  admin: { displayName: "Ann Admin", userPrincipalName: "admin@northwindtraders.example", licenseRoles: ["Global Administrator"] },
  products: [
    { skuId: "cbdc14ab-d96c-4c30-b9f4-6ada7cdc1d46", partNumber: "SPB", name: "Microsoft 365 Business Premium", status: "enabled", seats: 96, assigned: 86, available: 10, selfService: false },
    { skuId: "c5928f49-12ba-48f7-ada3-0d743a3601d5", partNumber: "VISIOCLIENT", name: "Visio Plan 2", status: "enabled", seats: 4, assigned: 2, available: 2, selfService: true },
    { skuId: "53818b1b-4a27-454b-8896-0dba576410e6", partNumber: "PROJECTPROFESSIONAL", name: null, status: "warning", seats: 8, assigned: 9, available: -1, selfService: false },
  ],
  usersTotal: 1500,
  usersLicensed: 1380,
  disabledWithLicenses: 7,
};

/** An admin center CSV as the file importer describes it: no groups, no
 * disabled plans, no seats; one product name it could not tell apart. */
export const fileOverview: TenantOverview = {
  tenantName: "contoso.com",
  admin: null,
  products: [
    { skuId: "cbdc14ab-d96c-4c30-b9f4-6ada7cdc1d46", partNumber: "SPB", name: "Microsoft 365 Business Premium", status: "enabled", seats: 0, assigned: 86, available: 0, selfService: false },
    { skuId: "00000000-0000-0000-0000-00000000e5e5", partNumber: "Office 365 E5", name: "Office 365 E5", status: "enabled", seats: 0, assigned: 3, available: 0, selfService: false },
  ],
  usersTotal: 250,
  usersLicensed: 240,
  disabledWithLicenses: 2,
  offline: {
    file: "users_9_15_2025 9_17_18 PM.csv",
    kind: "admin_center_users",
    takenAt: 1_795_000_000,
    takenAtIsFileDate: true,
    complete: true,
    knowsGroups: false,
    knowsDisabledPlans: false,
    knowsObjectIds: true,
    knowsSeats: false,
    warnings: [{ code: "ambiguous_products", count: 1, products: [{ name: "Office 365 E5", holders: 3 }], lines: [] }],
  },
};

/** The consequence counts a plan's people add up to, as the backend gives them. */
function countConsequences(people: PlanPerson_Serialize[]): ConsequenceCount[] {
  const counts = new Map<Consequence, number>();
  for (const person of people) for (const c of person.consequences) counts.set(c, (counts.get(c) ?? 0) + 1);
  return [...counts].map(([consequence, n]) => ({ consequence, people: n }));
}

const PREMIUM = "Microsoft 365 Business Premium";

/** Removing Business Premium from `removed` holders (Person 000, 001, …):
 * the first twelve lose their mailbox, OneDrive, apps and Teams, the next
 * eight their apps and Power BI, the rest nothing that matters (they keep
 * those services through another product). Besides them, one keeps the seat
 * through a group and one holds it only through a group. With `admin`, the
 * signed-in admin is among those who lose it. */
export function makePlan(removed: number, { admin = false } = {}): PlanPreview_Serialize {
  const people: PlanPerson_Serialize[] = Array.from({ length: removed }, (_, i) => ({
    displayName: `Person ${String(i).padStart(3, "0")}`,
    userPrincipalName: `person${i}@northwindtraders.example`,
    items: [{ product: PREMIUM, verdict: "remove", groups: [] }],
    consequences: (i < 12 ? ["mailbox", "onedrive", "office_apps", "teams"] : i < 20 ? ["office_apps", "power_bi"] : ["no_effect"]) as Consequence[],
  }));
  if (admin) {
    people.push({
      displayName: "Ann Admin",
      userPrincipalName: "admin@northwindtraders.example",
      items: [{ product: PREMIUM, verdict: "remove", groups: [] }],
      consequences: ["mailbox", "intune", "entra_p1"],
    });
  }
  people.push(
    {
      displayName: "Both Ways",
      userPrincipalName: "both@example.com",
      items: [{ product: PREMIUM, verdict: "remove_direct_seat_stays", groups: ["E3 licensing"] }],
      consequences: ["no_effect"],
    },
    { displayName: null, userPrincipalName: "group@example.com", items: [{ product: PREMIUM, verdict: "inherited_only", groups: ["E3 licensing"] }], consequences: [] },
  );
  const willRemove = removed + (admin ? 1 : 0) + 1;
  return {
    product: PREMIUM,
    willRemove,
    seatsFreed: willRemove - 1,
    seatStays: 1,
    cannot: 1,
    notes: [
      { user: "both@example.com", verdict: "remove_direct_seat_stays", groups: ["E3 licensing"] },
      { user: "group@example.com", verdict: "inherited_only", groups: ["E3 licensing"] },
    ],
    people,
    consequences: countConsequences(people),
    includesSignedInAdmin: admin,
  };
}

/** A saved plan checked against the live tenant: three items changed. */
export const planCheck: SavedPlanCheck_Serialize = {
  fromFile: "License Desk export Northwind Traders 2026-11-20.json",
  takenAt: 1_795_000_000,
  matchedByUserName: true,
  items: 4,
  changed: [
    { userPrincipalName: "gone@northwindtraders.example", displayName: "Gone Person", nowUserPrincipalName: null, product: "Microsoft 365 Business Premium", drift: "user_gone" },
    { userPrincipalName: "group@northwindtraders.example", displayName: "Group Person", nowUserPrincipalName: null, product: "Microsoft 365 Business Premium", drift: "now_through_group" },
    { userPrincipalName: "removed@northwindtraders.example", displayName: null, nowUserPrincipalName: null, product: "Microsoft 365 Business Premium", drift: "already_gone" },
  ],
  preview: {
    product: "Microsoft 365 Business Premium",
    willRemove: 1,
    seatsFreed: 1,
    seatStays: 0,
    cannot: 3,
    notes: [{ user: "group@northwindtraders.example", verdict: "inherited_only", groups: ["Sales licenses"] }],
    people: [
      {
        displayName: "Kept Person",
        userPrincipalName: "kept@northwindtraders.example",
        items: [{ product: "Microsoft 365 Business Premium", verdict: "remove", groups: [] }],
        consequences: ["mailbox", "onedrive"],
      },
      {
        displayName: "Group Person",
        userPrincipalName: "group@northwindtraders.example",
        items: [{ product: "Microsoft 365 Business Premium", verdict: "inherited_only", groups: ["Sales licenses"] }],
        consequences: [],
      },
    ],
    consequences: [
      { consequence: "mailbox", people: 1 },
      { consequence: "onedrive", people: 1 },
    ],
    includesSignedInAdmin: false,
  },
};

export interface FakeBackend {
  settings: Settings;
  connection: Connection;
  calls: { cmd: string; args: unknown }[];
  failSave?: { code: string; message: string };
  startDemo?: boolean;
  overview?: TenantOverview;
  restored?: { overview: TenantOverview; remembered: boolean };
  interrupted?: { run: string; settled: number; total: number; undo: boolean; products: string[]; users: number; startedAt: number }[];
  /** What running the plan answers, over the defaults (a run of 86 with one failure). */
  runResult?: Partial<Omit<RunSummary_Serialize, "overview">>;
  /** Sign-ins and usage were read ("Read sign-ins and usage"). */
  activityRead?: boolean;
  /** The sign-in lacks the permissions to read them, until allowed. */
  activityDenied?: boolean;
  /** The permissions are granted, but the admin's role may not read usage reports. */
  usageRoleMissing?: boolean;
  /** What undoing a run answers, over the defaults (85 put back). */
  undoResult?: Partial<Omit<RunSummary_Serialize, "overview">>;
  /** Running the plan answers once this settles (to see it under way). */
  runWait?: Promise<unknown>;
  history?: RunEntry_Serialize[];
  /** `--open FILE` at start. */
  startOpen?: string;
  recent?: string[];
  /** A newer version the update check finds (absent: none). */
  update?: { version: string; notes: string | null; date: string | null };
  /** What the update check answers instead, when it fails. */
  updateError?: { code: string; message: string };
  /** The admin's own product names, as read at start. */
  productNames?: {
    path: string | null;
    exists: boolean;
    count: number;
    problems: string[];
    downloadedTable: number | null;
    carriedTableDate: string;
  };
  /** Lists this many users instead of the demo's 250 (the same ones, repeated). */
  userCount?: number;
  /** What the native dialog answers, by purpose (absent: cancelled). */
  chosen?: Partial<Record<string, string>>;
  /** The answer to opening a file: its overview, or the error. */
  fileError?: { code: string; message: string };
  planError?: { code: string; message: string };
  /** What planning a removal answers (by default 86 people lose Business Premium). */
  plan?: PlanPreview_Serialize;
  /** What reading the tenant again answers, or the error. */
  refreshed?: TenantOverview;
  refreshError?: { code: string; message: string };
  /** Reading the tenant again answers once this settles (to see it busy). */
  refreshWait?: Promise<unknown>;
}

/** A run's summary: nothing done unless said. */
function summary(parts: Partial<Omit<RunSummary_Serialize, "overview">> & { overview?: TenantOverview }): RunSummary_Serialize {
  return {
    run: "run-1",
    done: 0,
    seatsFreed: 0,
    freed: [],
    failed: 0,
    notRun: 0,
    total: 0,
    stopped: false,
    skipped: 0,
    notRunItems: [],
    people: [],
    failures: [],
    ...parts,
    overview: (parts.overview ?? demoOverview) as RunSummary_Serialize["overview"],
  };
}

export function fakeBackend(initial: Partial<FakeBackend> = {}): FakeBackend {
  const backend: FakeBackend = {
    settings: { language: "en", cloud: "worldwide", tenant: "organizations", clientId: null, currency: null, seatPrices: {} },
    connection: { kind: "none" },
    calls: [],
    overview: demoOverview,
    ...initial,
  };
  clearMocks();
  mockIPC((cmd, args) => {
    backend.calls.push({ cmd, args });
    switch (cmd) {
      case "get_settings":
        return backend.settings;
      case "save_settings": {
        if (backend.failSave) throw backend.failSave;
        backend.settings = (args as { settings: Settings }).settings;
        return backend.settings;
      }
      case "connection_status":
        return backend.connection;
      case "startup_options":
        return { demo: backend.startDemo ?? false, open: backend.startOpen ?? null };
      case "recent_files":
        return backend.recent ?? [];
      case "choose_file": {
        // A purpose is a name, or (saving a run's results) an object named by it.
        const purpose = (args as { purpose: string | Record<string, unknown> }).purpose;
        return backend.chosen?.[typeof purpose === "string" ? purpose : Object.keys(purpose)[0]] ?? null;
      }
      case "open_file": {
        if (backend.fileError) throw backend.fileError;
        const path = (args as { path: string }).path;
        backend.connection = { kind: "offline_file", file: path.split("/").pop()!, taken_at: fileOverview.offline!.takenAt ?? null };
        return fileOverview;
      }
      case "export_tenant":
      case "save_plan":
        return (args as { path: string }).path;
      case "check_saved_plan":
        if (backend.planError) throw backend.planError;
        return planCheck;
      case "restore_sign_in":
        return backend.restored ?? null;
      case "sign_out":
        backend.connection = { kind: "none" };
        return null;
      case "users": {
        const { query, offset, limit } = args as { query: UserQuery_Deserialize; offset: number; limit: number };
        const users = backend.userCount
          ? Array.from({ length: backend.userCount }, (_, i) => ({ ...demoUsers[i % demoUsers.length], id: `id-${i}` }))
          : demoUsers;
        const matching = matchingUsers(query, users);
        return { total: matching.length, offset, rows: matching.slice(offset, offset + limit) };
      }
      case "savings":
        return savingsFindings((args as { inactiveDays: number }).inactiveDays, backend.activityRead ?? false);
      case "read_activity": {
        const days = (args as { inactiveDays: number }).inactiveDays;
        if (backend.activityDenied) return { ...savingsFindings(days, false), signIns: "not_permitted", usage: "not_permitted" };
        if (backend.usageRoleMissing) return { ...savingsFindings(days, true), usage: "role_cannot_read" };
        backend.activityRead = true;
        return savingsFindings(days, true);
      }
      case "ask_activity_permissions":
        backend.activityDenied = false;
        backend.activityRead = true;
        return savingsFindings((args as { inactiveDays: number }).inactiveDays, true);
      case "license_details": {
        const user = demoUsers.find((u) => u.id === (args as { userId: string }).userId);
        return (user?.licenses ?? []).map((l) => licenseDetail(l));
      }
      case "user_ids":
        return matchingUsers((args as { query: UserQuery_Deserialize }).query).map((u) => u.id);
      case "run_history":
        return backend.history ?? [];
      case "export_run":
        return (args as { path: string }).path;
      case "open_subscriptions":
      case "open_log_folder":
        return null;
      case "interrupted_runs":
        return backend.interrupted ?? [];
      case "resume_run":
        backend.interrupted = [];
        return summary({ run: "run-1", done: 86, seatsFreed: 86, total: 86, overview: backend.overview });
      case "plan_removal":
        return backend.plan ?? makePlan(85);
      case "refresh_tenant":
        return (async () => {
          await backend.refreshWait;
          if (backend.refreshError) throw backend.refreshError;
          backend.overview = backend.refreshed ?? backend.overview;
          return backend.overview;
        })();
      case "run_plan":
        return (async () => {
          await backend.runWait;
          return summary({
            run: "run-1",
            done: 85,
            seatsFreed: 84,
            freed: [{ skuId: "cbdc14ab-d96c-4c30-b9f4-6ada7cdc1d46", partNumber: "SPB", name: "Microsoft 365 Business Premium", seats: 84 }],
            failed: 1,
            total: 86,
            failures: [{ user: "x@example.com", userId: "id-7", skuId: "cbdc14ab-d96c-4c30-b9f4-6ada7cdc1d46", reason: "The user no longer exists in your organisation." }],
            overview: backend.overview,
            ...backend.runResult,
          });
        })();
      case "cancel_run":
        return null;
      case "undo_run":
        return summary({ run: "run-2", done: 85, total: 85, overview: backend.overview, ...backend.undoResult });
      case "open_demo":
        backend.connection = { kind: "demo" };
        return backend.overview;
      case "clouds":
        return [
          { cloud: "worldwide", graph: "https://graph.microsoft.com", login: "https://login.microsoftonline.com", adminCenter: "https://admin.microsoft.com" },
          { cloud: "china", graph: "https://microsoftgraph.chinacloudapi.cn", login: "https://login.chinacloudapi.cn", adminCenter: "https://portal.partner.microsoftonline.cn" },
        ];
      case "check_for_update":
        if (backend.updateError) throw backend.updateError;
        return { currentVersion: "0.1.0", available: backend.update ?? null };
      case "install_update":
        return null;
      case "product_names":
        return (
          backend.productNames ?? {
            path: "/home/admin/.local/share/com.licensedesk.desktop/product-names.csv",
            exists: false,
            count: 0,
            problems: [],
            downloadedTable: null,
            carriedTableDate: "2025-12-30",
          }
        );
      case "edit_product_names":
        return null;
      default:
        throw new Error(`unexpected command ${cmd}`);
    }
  }, { shouldMockEvents: true });
  return backend;
}
