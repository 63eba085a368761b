//! License Desk's domain, free of Tauri and of the UI.
//!
//! Everything here is plain Rust, tested without a window. The app crate
//! (`src-tauri`) wraps these types in Tauri commands; the TypeScript bindings
//! are generated from them, so the UI and the domain never drift apart.

pub mod cloud;
pub mod connection;
pub mod error;
pub mod overview;
pub mod savings;
pub mod settings;

pub use cloud::Cloud;
pub use connection::Connection;
pub use error::{Error, ErrorCode, Result};
pub use settings::{Language, Settings, ANY_ORGANIZATION, DEFAULT_CLIENT_ID};
