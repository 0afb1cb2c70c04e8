//! `GET /api/events` read as server-sent events, for the live-lead tests.

use std::time::Duration;

use mopai_shared::dashboard::Lead;

use crate::server::TestServer;

/// How long a test waits for the next event before it fails. Events come
/// when a commit publishes them, so this bounds a wait; it is not a sleep.
pub const EVENT_WAIT: Duration = Duration::from_secs(30);

pub struct Events {
    response: reqwest::Response,
    buffer: String,
}

impl Events {
    /// Opens the stream and waits for `ready`: from then on every lead
    /// committed is delivered.
    pub async fn open(server: &TestServer, token: &str) -> Self {
        let response = reqwest::Client::new()
            .get(server.url("/api/events"))
            .bearer_auth(token)
            .send()
            .await
            .expect("GET /api/events");
        assert_eq!(response.status(), 200);
        assert_eq!(response.headers()["content-type"], "text/event-stream");
        let mut events = Self {
            response,
            buffer: String::new(),
        };
        assert_eq!(events.next().await.map(|e| e.0).as_deref(), Some("ready"));
        events
    }

    /// The next named event (name, data), skipping keep-alive comments, or
    /// `None` when the server ended the stream.
    pub async fn next(&mut self) -> Option<(String, String)> {
        tokio::time::timeout(EVENT_WAIT, async {
            loop {
                if let Some(end) = self.buffer.find("\n\n") {
                    let block: String = self.buffer.drain(..end + 2).collect();
                    let (mut name, mut data) = (String::new(), String::new());
                    for line in block.lines() {
                        if let Some(v) = line.strip_prefix("event:") {
                            name = v.trim().to_owned();
                        } else if let Some(v) = line.strip_prefix("data:") {
                            data.push_str(v.trim_start());
                        }
                    }
                    if !name.is_empty() {
                        return Some((name, data));
                    }
                    continue;
                }
                match self.response.chunk().await {
                    Ok(Some(chunk)) => self.buffer.push_str(&String::from_utf8_lossy(&chunk)),
                    _ => return None,
                }
            }
        })
        .await
        .expect("an event or the end of the stream in time")
    }

    /// The next lead, or `None` when the server ended the stream.
    pub async fn next_lead(&mut self) -> Option<Lead> {
        loop {
            let (name, data) = self.next().await?;
            if name == "lead" {
                return Some(serde_json::from_str(&data).expect("lead JSON"));
            }
        }
    }
}
