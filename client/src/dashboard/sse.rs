//! A server-sent events parser for `GET /api/events`, fed the response body
//! chunk by chunk (the page reads it with `fetch`, since `EventSource`
//! cannot send the `Authorization` header).
//!
//! Follows the WHATWG event-stream rules: lines end with LF, CRLF or CR; an
//! empty line dispatches; `:` starts a comment; `data` lines are joined with
//! LF; an event with no data is dropped. Chunks may split lines anywhere,
//! even inside a UTF-8 sequence.

use mopai_shared::dashboard::Lead;

/// One dispatched event.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct SseEvent {
    /// `message` when the stream named none.
    pub event: String,
    pub data: String,
    /// The last event id seen so far, if any.
    pub id: Option<String>,
}

#[derive(Debug, Default)]
pub struct SseParser {
    line: Vec<u8>,
    /// The previous chunk ended on CR: a following LF belongs to it.
    after_cr: bool,
    event: String,
    data: String,
    has_data: bool,
    id: Option<String>,
}

impl SseParser {
    pub fn new() -> Self {
        Self::default()
    }

    /// Feeds bytes; returns the events they complete, in order.
    pub fn push(&mut self, bytes: &[u8]) -> Vec<SseEvent> {
        let mut out = Vec::new();
        for &b in bytes {
            if std::mem::take(&mut self.after_cr) && b == b'\n' {
                continue;
            }
            match b {
                b'\r' | b'\n' => {
                    self.after_cr = b == b'\r';
                    let line = std::mem::take(&mut self.line);
                    let line = String::from_utf8_lossy(&line);
                    if let Some(event) = self.line_done(&line) {
                        out.push(event);
                    }
                }
                _ => self.line.push(b),
            }
        }
        out
    }

    fn line_done(&mut self, line: &str) -> Option<SseEvent> {
        if line.is_empty() {
            let event = std::mem::take(&mut self.event);
            let mut data = std::mem::take(&mut self.data);
            if !std::mem::take(&mut self.has_data) {
                return None;
            }
            if data.ends_with('\n') {
                data.pop();
            }
            return Some(SseEvent {
                event: if event.is_empty() {
                    "message".into()
                } else {
                    event
                },
                data,
                id: self.id.clone(),
            });
        }
        if line.starts_with(':') {
            return None;
        }
        let (field, value) = match line.split_once(':') {
            Some((f, v)) => (f, v.strip_prefix(' ').unwrap_or(v)),
            None => (line, ""),
        };
        match field {
            "event" => self.event = value.to_owned(),
            "data" => {
                self.data.push_str(value);
                self.data.push('\n');
                self.has_data = true;
            }
            "id" if !value.contains('\0') => self.id = Some(value.to_owned()),
            _ => {}
        }
        None
    }
}

/// What an event of `GET /api/events` asks the page to do.
#[derive(Debug, Clone, PartialEq, Eq)]
pub enum FeedMessage {
    /// Subscribed: fetch `GET /api/leads` to catch up.
    Ready,
    Lead(Box<Lead>),
    /// Events were missed (or one was unreadable): reload the list.
    Reload,
    Ignore,
}

pub fn classify(event: &SseEvent) -> FeedMessage {
    match event.event.as_str() {
        "ready" => FeedMessage::Ready,
        "lead" => match serde_json::from_str::<Lead>(&event.data) {
            Ok(lead) => FeedMessage::Lead(Box::new(lead)),
            Err(_) => FeedMessage::Reload,
        },
        "lagged" => FeedMessage::Reload,
        _ => FeedMessage::Ignore,
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    fn ev(event: &str, data: &str, id: Option<&str>) -> SseEvent {
        SseEvent {
            event: event.into(),
            data: data.into(),
            id: id.map(Into::into),
        }
    }

    #[test]
    fn parses_events_comments_and_ids() {
        let mut p = SseParser::new();
        let got = p.push(
            b"event: ready\ndata: {}\n\n:keep-alive\n\nevent:lead\nid: 7\ndata: {\"a\":1}\n\n",
        );
        assert_eq!(
            got,
            vec![ev("ready", "{}", None), ev("lead", "{\"a\":1}", Some("7"))]
        );
    }

    #[test]
    fn chunks_split_anywhere_even_in_utf8_and_crlf() {
        let stream = "event: lead\r\ndata: 福寿园\r\ndata: 第二行\r\n\r\ndata: x\r\r".as_bytes();
        let mut whole = SseParser::new();
        let expected = whole.push(stream);
        assert_eq!(
            expected,
            vec![ev("lead", "福寿园\n第二行", None), ev("message", "x", None)]
        );
        for split in 1..stream.len() {
            let mut p = SseParser::new();
            let mut got = p.push(&stream[..split]);
            got.extend(p.push(&stream[split..]));
            assert_eq!(got, expected, "split at {split}");
        }
        // One byte at a time.
        let mut p = SseParser::new();
        let got: Vec<_> = stream.iter().flat_map(|b| p.push(&[*b])).collect();
        assert_eq!(got, expected);
    }

    #[test]
    fn no_data_no_event_and_type_resets() {
        let mut p = SseParser::new();
        assert!(p.push(b"event: lead\n\n").is_empty());
        assert_eq!(p.push(b"data: 1\n\n"), vec![ev("message", "1", None)]);
        assert!(p.push(b"data: partial").is_empty());
    }

    #[test]
    fn classifies() {
        assert_eq!(classify(&ev("ready", "{}", None)), FeedMessage::Ready);
        assert_eq!(classify(&ev("lagged", "3", None)), FeedMessage::Reload);
        assert_eq!(classify(&ev("lead", "{}", None)), FeedMessage::Reload);
        assert_eq!(classify(&ev("message", "", None)), FeedMessage::Ignore);
        let lead = crate::dashboard::feed::tests::lead(5, "福寿园养老院");
        let json = serde_json::to_string(&lead).unwrap();
        assert_eq!(
            classify(&ev("lead", &json, Some("5"))),
            FeedMessage::Lead(Box::new(lead))
        );
    }
}
