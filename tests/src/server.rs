//! A real mopai server for tests: real SQLite file, real TCP on loopback.

use std::net::SocketAddr;
use std::path::{Path, PathBuf};
use std::time::Duration;

use mopai_server::Config;
use tokio::net::TcpListener;
use tokio::sync::oneshot;
use tokio::task::JoinHandle;

/// How long a stopping server may take to finish open connections.
const STOP_GRACE: Duration = Duration::from_secs(5);

pub struct TestServer {
    pub addr: SocketAddr,
    data_dir: PathBuf,
    shutdown: Option<oneshot::Sender<()>>,
    task: Option<JoinHandle<std::io::Result<()>>>,
    // Dropped last: removes the database with the server.
    _tmp: Option<tempfile::TempDir>,
}

impl TestServer {
    /// A server on a fresh port with a fresh database.
    pub async fn start() -> Self {
        let tmp = tempfile::tempdir().expect("temp dir");
        let listener = TcpListener::bind("127.0.0.1:0").await.expect("bind");
        let mut server = Self::serve(listener, tmp.path());
        server._tmp = Some(tmp);
        server
    }

    fn serve(listener: TcpListener, data_dir: &Path) -> Self {
        let addr = listener.local_addr().expect("local addr");
        let (tx, rx) = oneshot::channel();
        let config = Config::for_data_dir(data_dir);
        let task = tokio::spawn(mopai_server::run(config, listener, async {
            let _ = rx.await;
        }));
        Self {
            addr,
            data_dir: data_dir.to_path_buf(),
            shutdown: Some(tx),
            task: Some(task),
            _tmp: None,
        }
    }

    pub fn url(&self, path: &str) -> String {
        format!("http://{}{path}", self.addr)
    }

    pub fn database_path(&self) -> PathBuf {
        Config::for_data_dir(&self.data_dir).database_path()
    }

    /// Stops serving and closes the port: the network is gone for clients.
    pub async fn stop(&mut self) {
        if let Some(tx) = self.shutdown.take() {
            let _ = tx.send(());
        }
        if let Some(task) = self.task.take() {
            let abort = task.abort_handle();
            if tokio::time::timeout(STOP_GRACE, task).await.is_err() {
                abort.abort();
            }
        }
    }

    /// Serves again on the same address and database (the same origin, for the browser).
    pub async fn restart(&mut self) {
        self.stop().await;
        let listener = TcpListener::bind(self.addr)
            .await
            .expect("rebind same port");
        let tmp = self._tmp.take();
        *self = Self::serve(listener, &self.data_dir.clone());
        self._tmp = tmp;
    }
}

impl Drop for TestServer {
    fn drop(&mut self) {
        if let Some(task) = self.task.take() {
            task.abort();
        }
    }
}
