// No console window behind the app on Windows release builds.
#![cfg_attr(not(debug_assertions), windows_subsystem = "windows")]

fn main() -> std::process::ExitCode {
    let arguments: Vec<String> = std::env::args().collect();
    match arguments.get(1) {
        // `license-desk unassign …` and friends: headless, no window.
        Some(first) if license_desk_lib::cli::is_command(first) => license_desk_lib::cli::main(arguments),
        _ => license_desk_lib::run(),
    }
}
