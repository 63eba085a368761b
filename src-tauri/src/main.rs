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
        _ => {
            paint_on_the_cpu_without_a_gpu();
            license_desk_lib::run()
        }
    }
}

/// Without a GPU (no render node, as in most virtual machines and remote
/// desktops), WebKitGTK would still composite the window with OpenGL, run
/// on the CPU (llvmpipe): a repainted list then costs about 50 ms a frame
/// and the web view twice the memory. Painting straight to the window
/// costs a fifth of that (README, "How fast"). Set before WebKit starts,
/// while no other thread runs; an admin's own setting of the variable
/// (`0` keeps the compositor) wins.
#[cfg(target_os = "linux")]
fn paint_on_the_cpu_without_a_gpu() {
    const VARIABLE: &str = "WEBKIT_DISABLE_COMPOSITING_MODE";
    let has_gpu = std::fs::read_dir("/dev/dri").is_ok_and(|nodes| {
        nodes
            .filter_map(Result::ok)
            .any(|node| node.file_name().to_string_lossy().starts_with("renderD"))
    }) || std::path::Path::new("/dev/dxg").exists();
    if !has_gpu && std::env::var_os(VARIABLE).is_none() {
        std::env::set_var(VARIABLE, "1");
    }
}

#[cfg(not(target_os = "linux"))]
fn paint_on_the_cpu_without_a_gpu() {}

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
