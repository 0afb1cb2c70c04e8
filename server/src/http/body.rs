//! Limits on how request bodies arrive: how large ([`refuse_declared_over`])
//! and how slowly ([`deadline`]).
//!
//! A phone on a poor network may upload slowly, but it uploads: once the
//! handler reads the body, it must bring a chunk at least every
//! [`BODY_IDLE`], and after [`BODY_GRACE`] it must have arrived at
//! [`BODY_MIN_RATE`] bytes per second on average since the reading began
//! (an 8 MB sync body may take about 2 h at that rate). The clock starts at
//! the first read, so time a request spends waiting for the server (a
//! blocking slot, a session check) never counts against the client. A
//! client that stalls or trickles — by accident, with a wrong
//! `Content-Length`, or to hold connections open — gets 408 with the JSON
//! error body, and its half-read body was never handed to the database.

use std::pin::Pin;
use std::sync::Arc;
use std::sync::atomic::{AtomicBool, Ordering};
use std::task::{Context, Poll};
use std::time::Duration;

use axum::body::{Body, Bytes, HttpBody};
use axum::extract::Request;
use axum::http::{StatusCode, header};
use axum::middleware::Next;
use axum::response::{IntoResponse, Response};
use http_body::{Frame, SizeHint};
use tokio::time::{Instant, Sleep};

use crate::error::AppError;

/// Longest pause between two chunks of one body.
pub const BODY_IDLE: Duration = Duration::from_secs(10);
/// Time a body may take before [`BODY_MIN_RATE`] applies.
pub const BODY_GRACE: Duration = Duration::from_secs(10);
/// Slowest average rate a body may arrive at, after the grace period.
pub const BODY_MIN_RATE: u64 = 1024;

/// Refuses (413) a request whose declared `Content-Length` exceeds `limit`,
/// before the handler runs, so that even a route that never reads its body
/// does not accept a large one. A chunked body cut at the limit while the
/// handler read it gets the same JSON answer, not the extractor's plain text.
pub async fn refuse_declared_over(limit: usize, request: Request, next: Next) -> Response {
    let declared = request
        .headers()
        .get(header::CONTENT_LENGTH)
        .and_then(|v| v.to_str().ok())
        .and_then(|v| v.trim().parse::<u64>().ok());
    match declared {
        Some(len) if len > limit as u64 => {
            AppError::TooLarge(format!("{len} 字节，此处最多 {limit} 字节")).into_response()
        }
        _ => {
            let response = next.run(request).await;
            let json = response
                .headers()
                .get(header::CONTENT_TYPE)
                .is_some_and(|t| t.as_bytes().starts_with(b"application/json"));
            if response.status() == StatusCode::PAYLOAD_TOO_LARGE && !json {
                AppError::TooLarge(format!("此处最多 {limit} 字节")).into_response()
            } else {
                response
            }
        }
    }
}

/// Puts every request body on the clock; answers 408 when it ran out,
/// whatever the handler made of the cut body.
pub async fn deadline(request: Request, next: Next) -> Response {
    let timed_out = Arc::new(AtomicBool::new(false));
    let flag = Arc::clone(&timed_out);
    let request = request.map(|body| Body::new(DeadlineBody::new(body, flag)));
    let response = next.run(request).await;
    if timed_out.load(Ordering::Acquire) {
        return AppError::Timeout.into_response();
    }
    response
}

/// The reason a body read failed, for the handler that was reading it.
#[derive(Debug, thiserror::Error)]
#[error("request body too slow")]
struct TooSlow;

struct DeadlineBody {
    inner: Body,
    /// The first read; `None` until the handler reads.
    started: Option<Instant>,
    last_chunk: Instant,
    received: u64,
    sleep: Option<Pin<Box<Sleep>>>,
    timed_out: Arc<AtomicBool>,
}

impl DeadlineBody {
    fn new(inner: Body, timed_out: Arc<AtomicBool>) -> Self {
        Self {
            inner,
            started: None,
            last_chunk: Instant::now(),
            received: 0,
            sleep: None,
            timed_out,
        }
    }

    /// Starts the clock at the first read.
    fn start(&mut self, now: Instant) -> Pin<&mut Sleep> {
        if self.started.is_none() {
            self.started = Some(now);
            self.last_chunk = now;
        }
        let due = self.due();
        let sleep = self
            .sleep
            .get_or_insert_with(|| Box::pin(tokio::time::sleep_until(due)));
        sleep.as_mut()
    }

    /// When the body is too slow unless more of it arrives before.
    fn due(&self) -> Instant {
        let started = self.started.unwrap_or(self.last_chunk);
        let idle = self.last_chunk + BODY_IDLE;
        let earned = Duration::from_secs_f64(self.received as f64 / BODY_MIN_RATE as f64);
        let rate = started + BODY_GRACE.max(earned);
        idle.min(rate)
    }
}

impl HttpBody for DeadlineBody {
    type Data = Bytes;
    type Error = axum::Error;

    fn poll_frame(
        mut self: Pin<&mut Self>,
        cx: &mut Context<'_>,
    ) -> Poll<Option<Result<Frame<Bytes>, axum::Error>>> {
        let this = &mut *self;
        this.start(Instant::now());
        match Pin::new(&mut this.inner).poll_frame(cx) {
            Poll::Ready(Some(Ok(frame))) => {
                if let Some(data) = frame.data_ref() {
                    this.received += data.len() as u64;
                }
                this.last_chunk = Instant::now();
                let due = this.due();
                this.start(this.last_chunk).reset(due);
                Poll::Ready(Some(Ok(frame)))
            }
            Poll::Ready(other) => Poll::Ready(other),
            Poll::Pending => match this.start(Instant::now()).poll(cx) {
                Poll::Ready(()) => {
                    this.timed_out.store(true, Ordering::Release);
                    Poll::Ready(Some(Err(axum::Error::new(TooSlow))))
                }
                Poll::Pending => Poll::Pending,
            },
        }
    }

    fn is_end_stream(&self) -> bool {
        self.inner.is_end_stream()
    }

    fn size_hint(&self) -> SizeHint {
        self.inner.size_hint()
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[tokio::test]
    async fn a_body_is_due_after_the_idle_pause_or_when_behind_the_minimum_rate() {
        let t0 = Instant::now();
        let mut body = DeadlineBody::new(Body::empty(), Arc::default());
        body.start(t0);
        assert_eq!(body.due(), t0 + BODY_GRACE.min(BODY_IDLE));
        // Earned a minute, but pausing is still limited.
        body.received = BODY_MIN_RATE * 60;
        body.last_chunk = t0 + Duration::from_secs(30);
        assert_eq!(body.due(), body.last_chunk + BODY_IDLE);
        // Behind the rate: due when the average falls below it.
        body.received = BODY_MIN_RATE * 12;
        body.last_chunk = t0 + Duration::from_secs(11);
        assert_eq!(body.due(), t0 + Duration::from_secs(12));
        // The clock starts at the first read, not before.
        let late = t0 + Duration::from_secs(100);
        let mut unread = DeadlineBody::new(Body::empty(), Arc::default());
        unread.start(late);
        assert_eq!(unread.due(), late + BODY_GRACE.min(BODY_IDLE));
    }
}
