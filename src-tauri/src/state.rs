use std::sync::Mutex;

use license_desk_core::Connection;

/// What the running app holds between commands.
#[derive(Default)]
pub struct AppState {
    pub connection: Mutex<Connection>,
}
