//! The client is embedded from `client/dist`. Make sure the folder exists so the
//! server builds (and clippy runs) before the first client build; the server then
//! answers 503 with a hint until `cargo xtask build-client` has filled it.
fn main() {
    let dist = std::path::Path::new(env!("CARGO_MANIFEST_DIR")).join("../client/dist");
    std::fs::create_dir_all(&dist).expect("create client/dist");
    println!("cargo:rerun-if-changed={}", dist.display());
}
