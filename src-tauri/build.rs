fn main() {
    // The app's own commands are declared here so that a capability must grant
    // each one; nothing reaches Rust from the webview unless it is listed.
    let manifest = tauri_build::AppManifest::new().commands(&[
        "get_settings",
        "save_settings",
        "connection_status",
        "clouds",
        "startup_options",
        "open_demo",
        "sign_in_with_browser",
        "start_device_sign_in",
        "finish_device_sign_in",
        "sign_in_app_only",
        "cancel_sign_in",
        "restore_sign_in",
        "sign_out",
        "plan_removal",
        "run_plan",
        "undo_run",
        "cancel_run",
        "interrupted_runs",
        "resume_run",
        "users",
        "user_ids",
        "license_details",
        "savings",
        "read_activity",
        "ask_activity_permissions",
        "run_history",
        "export_run",
        "open_subscriptions",
        "open_log_folder",
        "refresh_tenant",
        "product_names",
        "edit_product_names",
        "check_for_update",
        "install_update",
        "choose_file",
        "open_file",
        "recent_files",
        "export_tenant",
        "save_plan",
        "check_saved_plan",
    ]);
    let attributes = tauri_build::Attributes::new()
        .config_path("../tauri.conf.json")
        .app_manifest(manifest);
    if let Err(error) = tauri_build::try_build(attributes) {
        panic!("tauri build step failed: {error:#}");
    }
}
