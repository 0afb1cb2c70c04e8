//! The `mopai` command line: `mopai serve` and the admin commands.

use clap::{Parser, Subcommand};

use crate::Config;

#[derive(Debug, Parser)]
#[command(
    name = "mopai",
    version,
    about = "养老服务领域诈骗风险隐患摸底排查 — 服务器与管理命令"
)]
pub struct Cli {
    #[command(subcommand)]
    pub command: Command,
}

#[derive(Debug, Subcommand)]
pub enum Command {
    /// Serve the app and the API.
    Serve(Config),
}

pub async fn main(cli: Cli) -> std::io::Result<()> {
    match cli.command {
        Command::Serve(config) => {
            let listener = tokio::net::TcpListener::bind(config.listen).await?;
            let scheme = if config.tls_cert.is_some() {
                "https"
            } else {
                "http"
            };
            println!("mopai: {scheme}://{}", listener.local_addr()?);
            crate::run(config, listener, shutdown_signal()).await
        }
    }
}

async fn shutdown_signal() {
    // If the handler cannot be installed the server still runs; it just stops
    // abruptly on Ctrl-C, which SQLite's WAL survives.
    let _ = tokio::signal::ctrl_c().await;
}
