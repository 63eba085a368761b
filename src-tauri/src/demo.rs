//! The built-in demo tenant: the local tenant in-process, signed in to as
//! its Global Administrator, with a little latency so progress shows.

use std::sync::Arc;
use std::time::Duration;

use graph_emulator::{apps::PUBLIC_CLIENT_ID, generate, Config, Emulator};
use license_desk_core::overview::LoadProgress;
use license_desk_core::{Error, ErrorCode};
use license_desk_graph::auth::{DeviceSignIn, Session, SignInTarget};
use license_desk_graph::retry::RetryPolicy;
use license_desk_graph::tenant::{self, SignedInAdmin, TenantPicture};
use license_desk_graph::{Endpoints, GraphClient};

pub const DEMO_ADMIN: &str = "admin@northwindtraders.example";

/// The demo tenant, signed in to and read.
pub struct OpenedDemo {
    /// The tenant's server: it runs as long as this lives.
    pub tenant: Emulator,
    pub client: GraphClient,
    pub admin: SignedInAdmin,
    pub snapshot: TenantPicture,
}

/// Starts the demo tenant, signs in to it and reads it.
pub async fn open_and_read(progress: impl FnMut(LoadProgress) + Send) -> Result<OpenedDemo, Error> {
    let (server, client) = open().await?;
    // Who is signed in is read while the tenant is: neither waits for the other.
    let (admin, snapshot) =
        tokio::try_join!(tenant::signed_in_admin(&client), tenant::load(&client, progress))?;
    Ok(OpenedDemo {
        tenant: server,
        client,
        admin,
        snapshot,
    })
}

async fn open() -> Result<(Emulator, GraphClient), Error> {
    let mut config = Config::new(generate::demo());
    config.latency = Duration::from_millis(40);
    // The device code is approved at once: there is nobody to type it.
    config.approve = Some(DEMO_ADMIN.to_owned());
    let tenant = Emulator::start(config).await.map_err(|e| {
        Error::new(ErrorCode::Internal, "The demo tenant could not start.").with_details(e.to_string())
    })?;
    let target = SignInTarget {
        endpoints: Endpoints::local(tenant.base_url(), None),
        tenant: "organizations".to_owned(),
        client_id: PUBLIC_CLIENT_ID.to_string(),
    };
    let tokens = DeviceSignIn::start(target.clone()).await?.finish().await?;
    // Demo sign-ins are never stored: no keychain entry, nothing to forget.
    let session = Session::delegated(target, &tokens, None)?;
    let client = GraphClient::new(Arc::new(session), RetryPolicy::default())?;
    Ok((tenant, client))
}
