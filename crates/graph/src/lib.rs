//! License Desk's Microsoft Graph client.
//!
//! - [`endpoints`]: where a cloud (or a local tenant) keeps Graph and sign-in.
//! - [`auth`]: signing in (authorization code with PKCE on a loopback
//!   listener, device code, client credentials) and keeping the access
//!   token fresh, with rotating refresh tokens handed to the keychain.
//! - [`client`]: every request with one retry policy ([`retry`]): 429 waits
//!   `Retry-After`, 503/504 back off for reads, a 401 renews the token (twice
//!   at most), a dropped connection is retried only where that cannot
//!   double a change, and a change whose outcome is unknown is reported,
//!   never resent. Every retry stops at an attempt cap and a time limit.
//!   Paging follows `@odata.nextLink` on the same origin only; `$batch`
//!   resends only what Graph did not carry out.
//! - [`failure`]: Graph's answers turned into errors an admin can act on.
//! - [`models`]: the Graph objects License Desk reads.
//! - [`keychain`]: refresh tokens and secrets in the OS keychain, nowhere else.
//! - [`tenant`]: who is signed in, and the whole tenant read with progress.
//! - [`activity`]: users' sign-in dates and the usage report, for savings.
//! - [`product_table`]: Microsoft's product table downloaded, for names of
//!   products newer than the copy carried with License Desk.
//!
//! No Tauri here: the app wraps it, tests run it against the local tenant.

pub mod activity;
pub mod auth;
pub mod client;
pub mod endpoints;
pub mod failure;
pub mod keychain;
pub mod models;
pub mod product_table;
pub mod retry;
pub mod tenant;

pub use client::GraphClient;
pub use endpoints::Endpoints;
