//! Writes `ui/src/lib/bindings.ts` from the Rust types.

fn main() -> std::process::ExitCode {
    let path = std::path::Path::new(env!("CARGO_MANIFEST_DIR")).join("../ui/src/lib/bindings.ts");
    match license_desk_lib::typescript_bindings()
        .and_then(|text| std::fs::write(&path, text).map_err(|e| e.to_string()))
    {
        Ok(()) => {
            println!("wrote {}", path.display());
            std::process::ExitCode::SUCCESS
        }
        Err(error) => {
            eprintln!("could not write the bindings: {error}");
            std::process::ExitCode::FAILURE
        }
    }
}
