// No console window behind the app on Windows release builds.
#![cfg_attr(not(debug_assertions), windows_subsystem = "windows")]

fn main() -> std::process::ExitCode {
    let arguments: Vec<String> = std::env::args().collect();
    match arguments.get(1) {
        // `license-desk unassign …` and friends: headless, no window.
        Some(first) if license_desk_lib::cli::is_command(first) => {
            attach_to_parent_console();
            license_desk_lib::cli::main(arguments)
        }
        _ => license_desk_lib::run(),
    }
}

/// The Windows release build has no console of its own (it is a GUI
/// program): started with a command from a terminal, it writes to the
/// terminal's console. Nothing happens without a parent console, or when
/// the build has its own (debug builds).
#[cfg(windows)]
#[allow(unsafe_code)] // the app's one FFI call; windows-sys has no safe form of it
fn attach_to_parent_console() {
    use windows_sys::Win32::System::Console::{AttachConsole, ATTACH_PARENT_PROCESS};
    // SAFETY: AttachConsole takes a process id by value and touches no
    // memory of ours; when it fails there is simply no console to write to.
    unsafe {
        AttachConsole(ATTACH_PARENT_PROCESS);
    }
}

#[cfg(not(windows))]
fn attach_to_parent_console() {}
