//! Raw HTTP/1.1 over TCP to 127.0.0.1, for requests no HTTP client library
//! sends: wrong `Content-Length`, bodies cut or trickled, pipelined garbage.

use std::net::SocketAddr;
use std::time::{Duration, Instant};

use tokio::io::{AsyncReadExt, AsyncWriteExt};
use tokio::net::TcpStream;

/// One piece of what the client writes: bytes, or a pause.
#[derive(Debug, Clone)]
pub enum Send {
    Bytes(Vec<u8>),
    Pause(Duration),
    /// Half-closes the connection: the client will write nothing more.
    Shutdown,
}

/// What came back before the server closed the connection or `wait` ran out.
#[derive(Debug, Clone)]
pub struct Exchange {
    pub text: String,
    /// The status codes of every response on the connection, in order.
    pub statuses: Vec<u16>,
    /// The server closed the connection (rather than `wait` running out).
    pub closed: bool,
    /// From the first byte written to the first byte of the first response.
    pub first_response_after: Option<Duration>,
}

/// A request head for `method path` with a bearer token and extra header lines.
pub fn head(method: &str, path: &str, token: Option<&str>, extra: &[String]) -> Vec<u8> {
    let mut h = format!("{method} {path} HTTP/1.1\r\nHost: 127.0.0.1\r\n");
    if let Some(token) = token {
        h.push_str(&format!("Authorization: Bearer {token}\r\n"));
    }
    for line in extra {
        h.push_str(line);
        h.push_str("\r\n");
    }
    h.push_str("\r\n");
    h.into_bytes()
}

/// Writes `pieces` (stopping early if the server closes), then reads until
/// the server closes or `wait` (counted from the start) runs out.
pub async fn exchange(addr: SocketAddr, pieces: Vec<Send>, wait: Duration) -> Exchange {
    let started = Instant::now();
    let stream = TcpStream::connect(addr).await.expect("connect");
    let (mut reader, mut writer) = stream.into_split();
    let read = tokio::spawn(async move {
        let mut bytes = Vec::new();
        let mut buf = [0u8; 16 * 1024];
        let mut first = None;
        let mut closed = false;
        loop {
            let left = wait.saturating_sub(started.elapsed());
            match tokio::time::timeout(left, reader.read(&mut buf)).await {
                Ok(Ok(0)) | Ok(Err(_)) => {
                    closed = true;
                    break;
                }
                Ok(Ok(n)) => {
                    first.get_or_insert_with(|| started.elapsed());
                    bytes.extend_from_slice(&buf[..n]);
                }
                Err(_) => break,
            }
        }
        (bytes, closed, first)
    });
    for piece in pieces {
        let written = match piece {
            Send::Bytes(b) => writer.write_all(&b).await.is_ok() && writer.flush().await.is_ok(),
            Send::Pause(d) => {
                // Cut short when the server has closed the connection.
                let until = Instant::now() + d;
                while Instant::now() < until && !read.is_finished() {
                    tokio::time::sleep(Duration::from_millis(20).min(until - Instant::now())).await;
                }
                true
            }
            Send::Shutdown => writer.shutdown().await.is_ok(),
        };
        if !written || read.is_finished() {
            break;
        }
    }
    let (bytes, closed, first_response_after) = read.await.expect("reader");
    drop(writer);
    let text = String::from_utf8_lossy(&bytes).into_owned();
    Exchange {
        statuses: statuses(&text),
        text,
        closed,
        first_response_after,
    }
}

fn statuses(text: &str) -> Vec<u16> {
    text.match_indices("HTTP/1.1 ")
        .filter_map(|(i, m)| text.get(i + m.len()..i + m.len() + 3)?.parse().ok())
        .collect()
}

/// The JSON body of the first response, if it has one.
pub fn first_json(text: &str) -> Option<serde_json::Value> {
    let body = text.split_once("\r\n\r\n")?.1;
    let end = body.find("HTTP/1.1 ").unwrap_or(body.len());
    serde_json::from_str(body[..end].trim()).ok()
}
