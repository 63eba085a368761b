//! The committed TypeScript bindings must be exactly what the Rust types make.

#[test]
fn committed_bindings_match_the_rust_types() {
    let path = std::path::Path::new(env!("CARGO_MANIFEST_DIR")).join("../ui/src/lib/bindings.ts");
    let committed = std::fs::read_to_string(&path).expect("ui/src/lib/bindings.ts is readable");
    let generated = license_desk_lib::typescript_bindings().expect("the bindings generate");
    assert!(
        committed == generated,
        "ui/src/lib/bindings.ts has drifted from the Rust types: run \
         `cargo run -p license-desk --bin export-bindings` and commit the result"
    );
}
