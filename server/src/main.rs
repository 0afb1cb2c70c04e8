//! `mopai`: see [`mopai_server::cli`].

use clap::Parser;

#[tokio::main]
async fn main() -> std::process::ExitCode {
    tracing_subscriber::fmt()
        .with_env_filter(
            tracing_subscriber::EnvFilter::try_from_default_env()
                .unwrap_or_else(|_| "mopai_server=info,tower_http=warn".into()),
        )
        .init();
    match mopai_server::cli::main(mopai_server::cli::Cli::parse()).await {
        Ok(()) => std::process::ExitCode::SUCCESS,
        Err(e) => {
            eprintln!("mopai: {e}");
            std::process::ExitCode::FAILURE
        }
    }
}
