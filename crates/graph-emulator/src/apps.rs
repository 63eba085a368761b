//! The app registrations every local tenant carries, and the Graph
//! permissions the emulator knows.

use uuid::{uuid, Uuid};

use crate::model::AppRegistration;

/// The multi-tenant public client License Desk signs in with by default.
pub const PUBLIC_CLIENT_ID: Uuid = uuid!("5d7c3a1e-9b4f-4c1a-8e2d-4c1e0b7a9f31");
/// A confidential client for app-only (client credentials) use.
pub const APP_ONLY_CLIENT_ID: Uuid = uuid!("8e2b6f40-3c7d-4a59-b1e4-7f0d2c9a6e58");
/// The local test secret of [`APP_ONLY_CLIENT_ID`]. It opens nothing but a local tenant.
pub const APP_ONLY_SECRET: &str = "local-tenant-secret~not-for-production";

/// Microsoft Graph's application id: the `aud` of every Graph token.
pub const GRAPH_RESOURCE_ID: Uuid = uuid!("00000003-0000-0000-c000-000000000000");

pub fn built_in() -> [AppRegistration; 2] {
    [
        AppRegistration {
            app_id: PUBLIC_CLIENT_ID,
            display_name: "License Desk".to_owned(),
            secret: None,
            application_permissions: Vec::new(),
        },
        AppRegistration {
            app_id: APP_ONLY_CLIENT_ID,
            display_name: "License Desk (app-only)".to_owned(),
            secret: Some(APP_ONLY_SECRET.to_owned()),
            application_permissions: [
                "User.Read.All",
                "LicenseAssignment.ReadWrite.All",
                "Organization.Read.All",
                "GroupMember.Read.All",
            ]
            .map(str::to_owned)
            .to_vec(),
        },
    ]
}

/// Role template ids of the directory roles that may change licenses.
pub mod roles {
    use uuid::{uuid, Uuid};

    pub const GLOBAL_ADMINISTRATOR: Uuid = uuid!("62e90394-69f5-4237-9190-012177145e10");
    pub const LICENSE_ADMINISTRATOR: Uuid = uuid!("4d6ac14f-3453-41d0-bef9-a3e0c569773a");
    pub const USER_ADMINISTRATOR: Uuid = uuid!("fe930be7-5e62-47db-91af-98c3a49a38b1");
    pub const DIRECTORY_WRITERS: Uuid = uuid!("9360feb5-f418-4baa-8175-e2a00bac4301");

    pub const LICENSE_MANAGERS: [Uuid; 4] = [
        GLOBAL_ADMINISTRATOR,
        LICENSE_ADMINISTRATOR,
        USER_ADMINISTRATOR,
        DIRECTORY_WRITERS,
    ];

    pub fn display_name(template: Uuid) -> &'static str {
        match template {
            GLOBAL_ADMINISTRATOR => "Global Administrator",
            LICENSE_ADMINISTRATOR => "License Administrator",
            USER_ADMINISTRATOR => "User Administrator",
            DIRECTORY_WRITERS => "Directory Writers",
            _ => "Directory role",
        }
    }
}
