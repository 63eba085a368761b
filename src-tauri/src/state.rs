use std::sync::Mutex;

use license_desk_core::Connection;

use crate::demo::Demo;

/// What the running app holds between commands.
#[derive(Default)]
pub struct AppState {
    pub connection: Mutex<Connection>,
    /// The demo tenant, while it is open (it stops when dropped). Async
    /// commands hold the lock across awaits, hence tokio's mutex.
    pub demo: tokio::sync::Mutex<Option<Demo>>,
}
