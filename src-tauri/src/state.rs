use std::sync::{Arc, Mutex};

use graph_emulator::Emulator;
use license_desk_core::Connection;
use license_desk_engine::plan::Plan;
use license_desk_engine::run::Cancel;
use license_desk_graph::auth::DeviceSignIn;
use license_desk_graph::tenant::{SignedInAdmin, TenantPicture};
use license_desk_graph::GraphClient;
use tokio::sync::Notify;

/// What the running app holds between commands.
#[derive(Default)]
pub struct AppState {
    pub connection: Mutex<Connection>,
    /// The tenant in view. Async commands hold the lock across awaits,
    /// hence tokio's mutex.
    pub open: tokio::sync::Mutex<Option<OpenTenant>>,
    /// A device code sign-in waiting for the admin to enter the code.
    pub device: tokio::sync::Mutex<Option<DeviceSignIn>>,
    /// Wakes a sign-in that is waiting, to cancel it.
    pub cancel_sign_in: Notify,
    /// Stops the run under way, if any.
    pub cancel_run: Mutex<Option<Cancel>>,
    /// The demo, opening since the app started with `--demo`, until the
    /// window asks for it.
    pub demo_at_start: Mutex<Option<DemoOpening>>,
}

pub type DemoOpening =
    tauri::async_runtime::JoinHandle<Result<crate::demo::OpenedDemo, license_desk_core::Error>>;

pub struct OpenTenant {
    /// `None` for a file reviewed offline: nothing can change then.
    pub client: Option<Arc<GraphClient>>,
    pub snapshot: TenantPicture,
    pub admin: Option<SignedInAdmin>,
    /// The plan shown to the admin, waiting for their confirmation.
    pub pending_plan: Option<Plan>,
    /// The keychain account holding this sign-in, to forget at sign-out.
    pub keychain_account: Option<String>,
    /// The demo tenant's server, while the demo is open (it stops when
    /// dropped). Its runs are kept apart and begin afresh with each demo.
    pub demo_tenant: Option<Emulator>,
    /// For a file: what it is and cannot tell, as the views show it.
    pub offline: Option<license_desk_core::overview::OfflineFile>,
}

impl OpenTenant {
    /// The live tenant's client; a file opened offline has none.
    pub fn client(&self) -> Result<Arc<GraphClient>, license_desk_core::Error> {
        self.client.clone().ok_or_else(|| {
            license_desk_core::Error::new(
                license_desk_core::ErrorCode::OfflineReadOnly,
                "This is a file opened for review: nothing in a tenant can change from here. Save the plan, then sign in and apply it.",
            )
        })
    }

    /// The overview the views show, with the file's notes when offline.
    pub fn overview(&self) -> license_desk_core::overview::TenantOverview {
        let mut overview = self
            .snapshot
            .overview(self.admin.as_ref().map(SignedInAdmin::summary));
        overview.offline = self.offline.clone();
        overview
    }
}
