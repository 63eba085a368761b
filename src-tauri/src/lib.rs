//! The Tauri shell: thin, typed adapters between the web UI and the domain
//! crates. Rules live in `license-desk-core`, not here.

pub mod cli;
mod cli_findings;
mod cli_offline;
mod commands;
mod demo;
pub mod logging;
mod notify;
mod offline;
mod product_names;
mod product_table;
mod savings;
mod settings_store;
mod sign_in;
mod state;
mod updates;

use std::process::ExitCode;

/// Every command the UI may call, with the types the bindings are made from.
pub fn ipc() -> tauri_specta::Builder<tauri::Wry> {
    tauri_specta::Builder::<tauri::Wry>::new()
        .commands(tauri_specta::collect_commands![
            commands::get_settings,
            commands::save_settings,
            commands::connection_status,
            commands::clouds,
            commands::startup_options,
            commands::open_demo,
            commands::sign_in_with_browser,
            commands::start_device_sign_in,
            commands::finish_device_sign_in,
            commands::sign_in_app_only,
            commands::cancel_sign_in,
            commands::restore_sign_in,
            commands::sign_out,
            commands::plan_removal,
            commands::run_plan,
            commands::undo_run,
            commands::cancel_run,
            commands::interrupted_runs,
            commands::resume_run,
            commands::users,
            commands::open_subscriptions,
            commands::user_ids,
            commands::license_details,
            savings::savings,
            savings::read_activity,
            savings::ask_activity_permissions,
            commands::run_history,
            commands::export_run,
            commands::refresh_tenant,
            offline::choose_file,
            offline::open_file,
            offline::recent_files,
            offline::export_tenant,
            offline::save_plan,
            offline::check_saved_plan,
            product_names::product_names,
            product_names::edit_product_names,
            updates::check_for_update,
            updates::install_update,
            logging::open_log_folder,
        ])
        .events(tauri_specta::collect_events![
            offline::FileHandedOver,
            sign_in::SignInNotKept
        ])
}

/// The TypeScript bindings for [`ipc`], as committed in `ui/src/lib/bindings.ts`.
pub fn typescript_bindings() -> Result<String, String> {
    let language = specta_typescript::Typescript::default()
        .header("// Generated from the Rust types by `cargo run -p license-desk --bin export-bindings`. Do not edit.\n");
    let file = std::env::temp_dir().join(format!("license-desk-bindings-{}.ts", std::process::id()));
    ipc().export(language, &file).map_err(|error| error.to_string())?;
    let text = std::fs::read_to_string(&file).map_err(|error| error.to_string());
    let _ = std::fs::remove_file(&file);
    text
}

/// `--open FILE` among the arguments the app was started with.
pub fn file_to_open(arguments: &[String]) -> Option<String> {
    let at = arguments.iter().position(|a| a == "--open")?;
    arguments.get(at + 1).cloned()
}

/// Tells the UI to open a file that came from outside the window.
fn hand_over(app: &tauri::AppHandle, path: std::path::PathBuf) {
    use tauri_specta::Event;
    let _ = offline::FileHandedOver {
        path: path.display().to_string(),
    }
    .emit(app);
}

/// Brings the window already open to the front (a second start of the app).
fn focus_main_window(app: &tauri::AppHandle) {
    use tauri::Manager;
    if let Some(window) = app.webview_windows().values().next() {
        let _ = window.unminimize();
        let _ = window.show();
        let _ = window.set_focus();
    }
}

pub fn run() -> ExitCode {
    #[cfg(target_os = "linux")]
    if std::env::var_os("DISPLAY").is_none() && std::env::var_os("WAYLAND_DISPLAY").is_none() {
        eprintln!("License Desk needs a desktop session to open its window (neither DISPLAY nor WAYLAND_DISPLAY is set). Run `license-desk --help` for the commands that need none.");
        return ExitCode::FAILURE;
    }
    // The admin's own product names, read once before anything is shown.
    product_names::load();
    // Microsoft's table, fetched for the next start when online.
    product_table::refresh_in_background();
    let ipc = ipc();
    let app = tauri::Builder::default()
        // First, so a second start only hands over to the window already open.
        .plugin(tauri_plugin_single_instance::init(|app, arguments, folder| {
            focus_main_window(app);
            if let Some(path) = file_to_open(&arguments) {
                hand_over(app, std::path::Path::new(&folder).join(path));
            }
        }))
        .plugin(tauri_plugin_dialog::init())
        .plugin(tauri_plugin_store::Builder::new().build())
        .plugin(tauri_plugin_opener::init())
        .plugin(tauri_plugin_updater::Builder::new().build())
        .plugin(tauri_plugin_notification::init())
        .manage(state::AppState::default())
        .manage(updates::Updates::default())
        .invoke_handler(ipc.invoke_handler())
        .setup(move |app| {
            match logging::app_folder(app.handle()) {
                Some(folder) => {
                    if let Err(problem) = logging::start(&folder, logging::APP) {
                        eprintln!("License Desk keeps no log: {problem}");
                    }
                }
                None => eprintln!("License Desk keeps no log: no log folder is known for this user"),
            }
            let handle = app.handle().clone();
            sign_in::on_refresh_token_not_kept(move |error| {
                use tauri_specta::Event;
                let _ = sign_in::SignInNotKept {
                    message: error.message.clone(),
                }
                .emit(&handle);
            });
            ipc.mount_events(app);
            // The window takes a while to load: the demo opens meanwhile.
            let startup = commands::startup_options();
            if startup.demo && startup.open.is_none() {
                let state = tauri::Manager::state::<state::AppState>(app);
                let opening = tauri::async_runtime::spawn(demo::open_and_read(|_| {}));
                *state
                    .demo_at_start
                    .lock()
                    .unwrap_or_else(std::sync::PoisonError::into_inner) = Some(opening);
            }
            Ok(())
        })
        .on_window_event(|window, event| {
            if let tauri::WindowEvent::DragDrop(tauri::DragDropEvent::Drop { paths, .. }) = event {
                if let Some(path) = paths.first() {
                    hand_over(tauri::Manager::app_handle(window), path.clone());
                }
            }
            if let tauri::WindowEvent::Destroyed = event {
                tracing::info!("the window closed");
            }
        })
        .run(tauri::generate_context!("../tauri.conf.json"));
    match app {
        Ok(()) => ExitCode::SUCCESS,
        Err(error) => {
            eprintln!("License Desk could not start: {error}");
            ExitCode::FAILURE
        }
    }
}
