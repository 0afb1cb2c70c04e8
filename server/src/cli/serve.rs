//! `mopai serve`.

use crate::Config;

pub async fn run(config: Config) -> std::io::Result<()> {
    let listener = tokio::net::TcpListener::bind(config.listen).await?;
    let scheme = if config.tls_cert.is_some() {
        "https"
    } else {
        "http"
    };
    println!("mopai: {scheme}://{}", listener.local_addr()?);
    crate::run(config, listener, shutdown_signal()).await
}

async fn shutdown_signal() {
    // If the handler cannot be installed the server still runs; it just stops
    // abruptly on Ctrl-C, which SQLite's WAL survives.
    let _ = tokio::signal::ctrl_c().await;
}
