//! PROTOCOL.md, checked against the code it describes.
//!
//! The document is written for people building another client, so every
//! figure in it that the code decides is read back here: the worked sync
//! request and response (hex, byte tables, re-encoding), the genesis
//! examples, the Automerge schema tables (field paths, Automerge types,
//! which fields may be `Null`, genesis values and their order), the
//! vocabularies, the refusal codes, the JSON examples and the limits.
#![cfg(not(target_arch = "wasm32"))] // reads the Markdown at compile time; native only

use std::collections::{BTreeMap, BTreeSet};

use automerge::transaction::Transactable;
use automerge::{ActorId, AutoCommit, ObjId, ObjType, ROOT, ReadDoc, ScalarValue, Value};
use mopai_shared::api::{ErrorBody, LoginRequest, LoginResponse};
use mopai_shared::doc::{
    DocBody, DocHeader, DocKind, SCHEMA_VERSION, Scope, create, genesis_actor, genesis_hash,
    hydrate_doc, reconcile_body,
};
use mopai_shared::ids::*;
use mopai_shared::model::*;
use mopai_shared::roles::Role;
use mopai_shared::sync::limits;
use mopai_shared::sync::{
    DocMessage, MAX_DOCS_PER_REQUEST, MAX_ROUNDS, PROTOCOL_VERSION, Refusal, RefusalCode,
    SyncRequest, SyncResponse, decode_request, decode_response, encode,
};
use serde_json::Value as Json;
use uuid::Uuid;

const DOC: &str = include_str!(concat!(env!("CARGO_MANIFEST_DIR"), "/../PROTOCOL.md"));
const SYNC_RS: &str = include_str!(concat!(
    env!("CARGO_MANIFEST_DIR"),
    "/../server/src/sync.rs"
));
const BODY_RS: &str = include_str!(concat!(
    env!("CARGO_MANIFEST_DIR"),
    "/../server/src/http/body.rs"
));
const RATE_LIMIT_RS: &str = include_str!(concat!(
    env!("CARGO_MANIFEST_DIR"),
    "/../server/src/auth/rate_limit.rs"
));
const PASSWORD_RS: &str = include_str!(concat!(
    env!("CARGO_MANIFEST_DIR"),
    "/../server/src/auth/password.rs"
));
const HTTP_RS: &str = include_str!(concat!(
    env!("CARGO_MANIFEST_DIR"),
    "/../server/src/http/mod.rs"
));

// The fixed ids of the examples, as PROTOCOL.md states them.
const DEVICE: &str = "00112233-4455-6677-8899-aabbccddeeff";
const FACILITY: &str = "7d0c3f4e-2a1b-4c5d-8e9f-a0b1c2d3e4f5";
const TOWNSHIP: &str = "3b2a1908-7f6e-4d5c-9b4a-392817161514";
const COUNTY: &str = "c0c0c0c0-0000-4000-8000-000000000001";

fn uuid(s: &str) -> Uuid {
    Uuid::parse_str(s).unwrap()
}

// ---------------------------------------------------------------- Markdown

/// The lines of a fenced block whose info string is `{lang} id={id}`.
fn fenced(lang: &str, id: &str) -> String {
    let opening = format!("```{lang} id={id}");
    let mut lines = DOC.lines();
    assert!(
        lines.any(|l| l.trim() == opening),
        "PROTOCOL.md has no block {opening}"
    );
    let body: Vec<&str> = lines.take_while(|l| l.trim() != "```").collect();
    body.join("\n")
}

fn unhex(text: &str) -> Vec<u8> {
    let digits: Vec<u8> = text.bytes().filter(|b| !b.is_ascii_whitespace()).collect();
    assert!(digits.len().is_multiple_of(2), "odd hex: {text}");
    digits
        .chunks(2)
        .map(|pair| u8::from_str_radix(std::str::from_utf8(pair).unwrap(), 16).unwrap())
        .collect()
}

fn hex(bytes: &[u8]) -> String {
    bytes.iter().map(|b| format!("{b:02x}")).collect()
}

fn hex_block(id: &str) -> Vec<u8> {
    unhex(&fenced("hex", id))
}

/// The body rows of the table that follows `<!-- {marker} -->`, as cells.
fn table(marker: &str) -> Vec<Vec<String>> {
    let comment = format!("<!-- {marker} -->");
    let mut lines = DOC.lines().skip_while(|l| l.trim() != comment);
    assert!(lines.next().is_some(), "PROTOCOL.md has no {comment}");
    let rows: Vec<Vec<String>> = lines
        .skip_while(|l| l.trim().is_empty())
        .take_while(|l| l.trim_start().starts_with('|'))
        .map(|l| {
            let inner = l.trim().trim_start_matches('|').trim_end_matches('|');
            inner.split('|').map(|c| c.trim().to_owned()).collect()
        })
        .collect();
    assert!(rows.len() > 2, "table {marker} is empty");
    // Header and separator.
    rows[2..].to_vec()
}

/// The code spans of a cell, in order.
fn spans(cell: &str) -> Vec<&str> {
    cell.split('`').skip(1).step_by(2).collect()
}

fn span(cell: &str) -> &str {
    spans(cell)
        .first()
        .copied()
        .unwrap_or_else(|| panic!("no code span in {cell:?}"))
}

fn number(cell: &str) -> u64 {
    span(cell).replace('_', "").parse().unwrap()
}

// ------------------------------------------------------ the sync examples

fn example_request() -> SyncRequest {
    SyncRequest {
        protocol: PROTOCOL_VERSION,
        device: uuid(DEVICE),
        checkpoint: 300,
        docs: vec![DocMessage {
            doc: format!("facility:{FACILITY}"),
            message: vec![0x42, 0x01, 0x02, 0x03],
        }],
    }
}

fn example_response() -> SyncResponse {
    SyncResponse {
        protocol: PROTOCOL_VERSION,
        checkpoint: 301,
        docs: Vec::new(),
        changed: vec![format!("review:{FACILITY}")],
        more: false,
        refused: vec![Refusal::new(
            format!("facility:{FACILITY}"),
            RefusalCode::ValueInvalid,
            "profile.beds",
            "记录中有无效的值（profile.beds）：数量超出合理范围",
        )],
    }
}

fn leb128(bytes: &[u8]) -> u64 {
    let mut value = 0u64;
    for (i, b) in bytes.iter().enumerate() {
        value |= u64::from(b & 0x7f) << (7 * i);
        if b & 0x80 == 0 {
            assert_eq!(i + 1, bytes.len(), "varint shorter than its row");
            return value;
        }
    }
    panic!("unterminated varint {bytes:?}")
}

/// `docs[0].message` in a JSON value.
fn at<'a>(json: &'a Json, path: &str) -> &'a Json {
    let mut here = json;
    for part in path.split('.') {
        let (key, index) = match part.split_once('[') {
            Some((k, i)) => (k, Some(i.trim_end_matches(']').parse::<usize>().unwrap())),
            None => (part, None),
        };
        here = &here[key];
        if let Some(i) = index {
            here = &here[i];
        }
        assert!(!here.is_null(), "no {path}");
    }
    here
}

fn is_bytes(v: &Json) -> bool {
    matches!(v, Json::Array(items) if !items.is_empty() && items.iter().all(Json::is_u64))
}

/// What a table row must say for a field: numbers in decimal, strings as
/// they are, byte vectors as spaced hex.
fn render(v: &Json) -> String {
    match v {
        Json::String(s) => s.clone(),
        Json::Number(n) => n.to_string(),
        Json::Bool(b) => b.to_string(),
        Json::Array(items) if is_bytes(v) => items
            .iter()
            .map(|b| format!("{:02x}", b.as_u64().unwrap()))
            .collect::<Vec<_>>()
            .join(" "),
        other => panic!("not a leaf: {other}"),
    }
}

/// Every row a byte table must have for `json`: (path, "" | "length" | "count").
fn expected_rows(json: &Json, path: &str, out: &mut BTreeSet<(String, String)>) {
    let join = |k: &str| match path {
        "" => k.to_owned(),
        p => format!("{p}.{k}"),
    };
    match json {
        Json::Object(fields) => {
            for (k, v) in fields {
                expected_rows(v, &join(k), out);
            }
        }
        Json::Array(_) if is_bytes(json) => {
            out.insert((path.to_owned(), "length".into()));
            out.insert((path.to_owned(), String::new()));
        }
        Json::Array(items) => {
            out.insert((path.to_owned(), "count".into()));
            for (i, item) in items.iter().enumerate() {
                expected_rows(item, &format!("{path}[{i}]"), out);
            }
        }
        Json::String(_) => {
            out.insert((path.to_owned(), "length".into()));
            out.insert((path.to_owned(), String::new()));
        }
        _ => {
            out.insert((path.to_owned(), String::new()));
        }
    }
}

/// Checks a byte-by-byte table against `bytes` and the decoded value.
fn check_byte_table(marker: &str, bytes: &[u8], json: &Json) {
    let mut next = 0usize;
    let mut seen = BTreeSet::new();
    for row in table(marker) {
        let [offset, shown, field, value] = &row[..] else {
            panic!("{marker}: row {row:?} has not 4 cells")
        };
        let (start, end) = match offset.split_once('–') {
            Some((a, b)) => (a.parse::<usize>().unwrap(), b.parse::<usize>().unwrap()),
            None => (offset.parse().unwrap(), offset.parse().unwrap()),
        };
        assert_eq!(start, next, "{marker}: row {row:?} does not follow on");
        assert!(end < bytes.len(), "{marker}: row {row:?} runs past the end");
        let actual = &bytes[start..=end];
        let shown = span(shown);
        match shown.split_once('…') {
            Some((head, tail)) => {
                let (head, tail) = (unhex(head), unhex(tail));
                assert!(
                    actual.starts_with(&head) && actual.ends_with(&tail),
                    "{marker}: {row:?} shows other bytes than {}",
                    hex(actual)
                );
            }
            None => assert_eq!(unhex(shown), actual, "{marker}: row {row:?}"),
        }
        next = end + 1;
        let path = span(field).to_owned();
        let what = field.rsplit('`').next().unwrap().trim().to_owned();
        let stated = spans(value)
            .first()
            .copied()
            .unwrap_or(value.as_str())
            .to_owned();
        let v = at(json, &path);
        match what.as_str() {
            "length" | "count" => {
                let n = leb128(actual);
                assert_eq!(stated, n.to_string(), "{marker}: {row:?}");
                let len = match v {
                    // A Uuid is 16 bytes on the wire, 36 characters in JSON.
                    Json::String(s) if Uuid::parse_str(s).is_ok() => 16,
                    Json::String(s) => s.len(),
                    Json::Array(items) => items.len(),
                    other => panic!("{marker}: {path} has no length: {other}"),
                };
                assert_eq!(n as usize, len, "{marker}: {row:?}");
            }
            "" => assert_eq!(stated, render(v), "{marker}: {row:?}"),
            other => panic!("{marker}: unknown row kind {other:?}"),
        }
        seen.insert((path, what));
    }
    assert_eq!(next, bytes.len(), "{marker}: the table stops early");
    let mut expected = BTreeSet::new();
    expected_rows(json, "", &mut expected);
    assert_eq!(seen, expected, "{marker}: rows and fields differ");
}

#[test]
fn the_worked_sync_request_decodes_to_what_the_document_says_and_re_encodes_exactly() {
    let bytes = hex_block("sync-request");
    let decoded = decode_request(&bytes).unwrap();
    assert_eq!(decoded, example_request());
    assert_eq!(encode(&decoded), bytes, "re-encoding gives other bytes");
    let json = serde_json::to_value(&decoded).unwrap();
    check_byte_table("bytes: sync-request", &bytes, &json);
}

#[test]
fn the_worked_sync_response_decodes_to_what_the_document_says_and_re_encodes_exactly() {
    let bytes = hex_block("sync-response");
    let decoded = decode_response(&bytes).unwrap();
    assert_eq!(decoded, example_response());
    assert_eq!(encode(&decoded), bytes, "re-encoding gives other bytes");
    let json = serde_json::to_value(&decoded).unwrap();
    assert_eq!(json["refused"][0]["code"], "value_invalid");
    check_byte_table("bytes: sync-response", &bytes, &json);
}

#[test]
fn encoding_details_the_document_states() {
    // A Uuid is a byte string: length 16, then the 16 bytes, big-endian as written.
    let device = uuid(DEVICE);
    assert_eq!(
        hex(&postcard::to_allocvec(&device).unwrap()),
        format!("10{}", DEVICE.replace('-', ""))
    );
    // Varints: u16 and u64 are LEB128, least significant group first, no zigzag.
    let varint = |v: u64| postcard::to_allocvec(&v).unwrap();
    assert_eq!(varint(0), [0x00]);
    assert_eq!(varint(127), [0x7f]);
    assert_eq!(varint(128), [0x80, 0x01]);
    assert_eq!(varint(300), [0xac, 0x02]);
    assert_eq!(varint(u64::MAX).len(), 10);
    assert_eq!(postcard::to_allocvec(&2u16).unwrap(), [0x02]);
    assert_eq!(
        postcard::to_allocvec(&u16::MAX).unwrap(),
        [0xff, 0xff, 0x03]
    );
    assert_eq!(postcard::to_allocvec(&true).unwrap(), [0x01]);
    assert_eq!(postcard::to_allocvec(&false).unwrap(), [0x00]);
    // Strings: byte length (UTF-8), then the bytes; codes are strings.
    assert_eq!(
        postcard::to_allocvec("开").unwrap(),
        [0x03, 0xe5, 0xbc, 0x80]
    );
    assert_eq!(
        postcard::to_allocvec(&RefusalCode::TooLarge).unwrap(),
        b"\x09too_large"
    );

    let good = encode(&example_request());
    // The server's decoder takes an overlong varint; encoders write the shortest.
    let mut overlong = vec![0x82, 0x00];
    overlong.extend_from_slice(&good[1..]);
    assert_eq!(decode_request(&overlong).unwrap(), example_request());
    // A Uuid of any other length, trailing bytes and a cut body are malformed.
    let mut short_uuid = good.clone();
    short_uuid[1] = 15;
    assert_eq!(
        decode_request(&short_uuid).unwrap_err().code(),
        "sync_body_malformed"
    );
    let mut padded = good.clone();
    padded.push(0);
    assert_eq!(
        decode_request(&padded).unwrap_err().code(),
        "sync_body_malformed"
    );
    assert_eq!(
        decode_request(&good[..good.len() - 1]).unwrap_err().code(),
        "sync_body_malformed"
    );
    // Another version is refused by number, before the rest is read.
    let mut v1 = good.clone();
    v1[0] = 1;
    v1.truncate(3);
    assert_eq!(
        decode_request(&v1).unwrap_err().code(),
        "sync_protocol_version"
    );
    // A bool is exactly 00 or 01.
    let mut response = encode(&example_response());
    let more_at = response.len() - refused_len(&example_response()) - 1;
    assert_eq!(response[more_at], 0x00);
    response[more_at] = 0x02;
    assert_eq!(
        decode_response(&response).unwrap_err().code(),
        "sync_body_malformed"
    );
}

/// Bytes of the `refused` field at the end of a response.
fn refused_len(response: &SyncResponse) -> usize {
    postcard::to_allocvec(&response.refused).unwrap().len()
}

// -------------------------------------------------------------- genesis

fn township() -> TownshipId {
    TownshipId::from_uuid(uuid(TOWNSHIP))
}

fn header_of(kind: DocKind) -> DocHeader {
    match kind {
        DocKind::TownshipLog => {
            DocHeader::new(DocId::township_log(township()), Scope::Township(township()))
        }
        DocKind::Settings => DocHeader::new(
            DocId::settings(CountyId::from_uuid(uuid(COUNTY))),
            Scope::County,
        ),
        kind => DocHeader::new(
            DocId::new(kind, uuid(FACILITY)),
            Scope::Township(township()),
        ),
    }
}

#[test]
fn the_genesis_examples_are_what_create_and_genesis_hash_give() {
    let header = header_of(DocKind::TownshipLog);
    assert_eq!(
        genesis_actor(&header).to_bytes(),
        hex_block("genesis-township-log-actor")
    );
    let mut doc = create::<TownshipLog>(&header, ActorId::random()).unwrap();
    let changes = doc.get_changes(&[]);
    assert_eq!(changes.len(), 1);
    assert_eq!(
        changes[0].raw_bytes(),
        hex_block("genesis-township-log-change")
    );
    assert_eq!(
        genesis_hash(&header).unwrap().0.to_vec(),
        hex_block("genesis-township-log-hash")
    );
    assert_eq!(changes[0].hash(), genesis_hash(&header).unwrap());
    assert_eq!(changes[0].timestamp(), 0);
    assert_eq!(changes[0].message(), None);
    // The chunk header as the document spells it out.
    let bytes = changes[0].raw_bytes();
    let actor = genesis_actor(&header).to_bytes().to_vec();
    assert_eq!(bytes[..4], [0x85, 0x6f, 0x4a, 0x83]);
    assert_eq!(bytes[4..8], genesis_hash(&header).unwrap().0[..4]);
    assert_eq!(bytes[8..11], [0x01, 0xbb, 0x02]);
    assert_eq!(bytes.len(), 11 + 315);
    assert_eq!(bytes[11..13], [0x00, 0x30]);
    assert_eq!(bytes[13..61], actor[..]);
    assert_eq!(bytes[61..66], [0x01, 0x01, 0x00, 0x00, 0x00]);

    let facility = header_of(DocKind::Facility);
    assert_eq!(
        genesis_actor(&facility).to_bytes(),
        hex_block("genesis-facility-actor")
    );
    assert_eq!(
        genesis_hash(&facility).unwrap().0.to_vec(),
        hex_block("genesis-facility-hash")
    );
    // One vector per kind, as a client in another language checks itself.
    for row in table("genesis-hashes") {
        let kind: DocKind = span(&row[0]).parse().unwrap();
        let header = DocHeader {
            schema_version: SCHEMA_VERSION,
            kind,
            township: span(&row[2]).parse().unwrap(),
            entity: uuid(span(&row[1])),
        };
        assert_eq!(header, header_of(kind));
        assert_eq!(
            genesis_hash(&header).unwrap().to_string(),
            span(&row[3]),
            "{kind}"
        );
    }
    // The actor is entity ‖ kind code ‖ schema version (u32, big-endian) ‖ township.
    let settings = header_of(DocKind::Settings);
    let mut expected = uuid(COUNTY).as_bytes().to_vec();
    expected.extend_from_slice(b"settings");
    expected.extend_from_slice(&SCHEMA_VERSION.to_be_bytes());
    expected.extend_from_slice(b"county");
    assert_eq!(genesis_actor(&settings).to_bytes(), expected);
}

// --------------------------------------------------------- schema tables

/// One row of a schema table.
#[derive(Debug, Clone)]
struct Row {
    path: String,
    /// `Str`, `Uint`, `Map`, `List<Str>`, `Map<Boolean>`, … without the `?`.
    ty: String,
    nullable: bool,
    /// The genesis value as written (`""`, `null`, `{}`, `12`), if any.
    genesis: Option<String>,
}

fn schema_rows(marker: &str) -> Vec<Row> {
    table(marker)
        .iter()
        .map(|cells| {
            let ty = span(&cells[1]);
            let (ty, nullable) = match ty.strip_suffix('?') {
                Some(t) => (t, true),
                None => (ty, false),
            };
            Row {
                path: span(&cells[0]).to_owned(),
                ty: ty.to_owned(),
                nullable,
                genesis: spans(&cells[2]).first().map(|s| (*s).to_owned()),
            }
        })
        .collect()
}

fn scalar_type(s: &ScalarValue) -> &'static str {
    match s {
        ScalarValue::Str(_) => "Str",
        ScalarValue::Uint(_) => "Uint",
        ScalarValue::Int(_) => "Int",
        ScalarValue::F64(_) => "F64",
        ScalarValue::Boolean(_) => "Boolean",
        ScalarValue::Null => "Null",
        ScalarValue::Timestamp(_) => "Timestamp",
        ScalarValue::Bytes(_) => "Bytes",
        ScalarValue::Counter(_) => "Counter",
        ScalarValue::Unknown { .. } => "Unknown",
    }
}

fn join(path: &str, key: &str) -> String {
    match path {
        "" => key.to_owned(),
        p => format!("{p}.{key}"),
    }
}

/// Every value under `obj` as path → Automerge type; list items are `[]`.
fn walk(
    doc: &AutoCommit,
    obj: &ObjId,
    path: &str,
    dynamic: &BTreeSet<String>,
    out: &mut BTreeMap<String, String>,
) {
    for key in doc.keys(obj).collect::<Vec<_>>() {
        let here = join(path, &key);
        let (value, id) = doc.get(obj, key.as_str()).unwrap().unwrap();
        let ty = match value {
            Value::Scalar(s) => scalar_type(&s).to_owned(),
            Value::Object(ObjType::Map) if dynamic.contains(&here) => {
                let answers: Vec<String> = doc.keys(&id).collect();
                assert!(!answers.is_empty(), "tick an option of {here}");
                for answer in answers {
                    let got = doc.get(&id, answer.as_str()).unwrap().unwrap().0;
                    assert!(
                        matches!(&got, Value::Scalar(s) if matches!(s.as_ref(), ScalarValue::Boolean(_))),
                        "{here}.{answer} is not a Boolean"
                    );
                }
                "Map<Boolean>".to_owned()
            }
            Value::Object(ObjType::Map) => {
                walk(doc, &id, &here, dynamic, out);
                "Map".to_owned()
            }
            Value::Object(ObjType::List) => {
                let len = doc.length(&id);
                assert!(len > 0, "give {here} an item");
                let mut item_types = BTreeSet::new();
                for i in 0..len {
                    let (item, item_id) = doc.get(&id, i).unwrap().unwrap();
                    item_types.insert(match item {
                        Value::Scalar(s) => scalar_type(&s).to_owned(),
                        Value::Object(ObjType::Map) => {
                            walk(doc, &item_id, &format!("{here}[]"), dynamic, out);
                            "Map".to_owned()
                        }
                        Value::Object(other) => format!("{other:?}"),
                    });
                }
                assert_eq!(item_types.len(), 1, "{here} mixes item types");
                format!("List<{}>", item_types.first().unwrap())
            }
            Value::Object(other) => format!("{other:?}"),
        };
        out.insert(here, ty);
    }
}

fn body_obj(doc: &AutoCommit) -> ObjId {
    match doc.get(ROOT, "body").unwrap() {
        Some((Value::Object(ObjType::Map), id)) => id,
        other => panic!("no body map: {other:?}"),
    }
}

/// The object at `prop` of `obj`.
fn child(doc: &AutoCommit, obj: &ObjId, prop: automerge::Prop) -> ObjId {
    doc.get(obj, prop).unwrap().unwrap().1
}

/// The map holding the last key of `path`, and that key; `[]` steps into
/// the first item of a list.
fn locate(doc: &AutoCommit, path: &str) -> (ObjId, String) {
    let mut obj = body_obj(doc);
    let parts: Vec<&str> = path.split('.').collect();
    let (last, parents) = parts.split_last().unwrap();
    for part in parents {
        let (key, item) = match part.strip_suffix("[]") {
            Some(k) => (k, true),
            None => (*part, false),
        };
        obj = child(doc, &obj, key.into());
        if item {
            obj = child(doc, &obj, 0.into());
        }
    }
    (obj, (*last).to_owned())
}

/// The type a JavaScript client writes by default in place of `scalar`
/// (a plain string is Text, a plain number Int), or a near miss.
fn near_miss(doc: &mut AutoCommit, obj: &ObjId, key: &str) -> Option<&'static str> {
    let (value, _) = doc.get(obj, key).unwrap()?;
    let Value::Scalar(s) = value else { return None };
    let s = s.into_owned();
    match s {
        ScalarValue::Str(text) => {
            let t = doc.put_object(obj, key, ObjType::Text).unwrap();
            doc.splice_text(t, 0, 0, &text).unwrap();
            Some("Text in place of Str")
        }
        ScalarValue::Uint(u) => {
            doc.put(obj, key, ScalarValue::Int(u as i64)).unwrap();
            Some("Int in place of Uint")
        }
        ScalarValue::Int(i) => {
            doc.put(obj, key, ScalarValue::Uint(i as u64)).unwrap();
            Some("Uint in place of Int")
        }
        ScalarValue::F64(f) => {
            doc.put(obj, key, ScalarValue::Int(f as i64)).unwrap();
            Some("Int in place of F64")
        }
        _ => None,
    }
}

fn hydrates<B: DocBody>(doc: &AutoCommit) -> bool {
    hydrate_doc::<B, _>(doc).is_ok()
}

fn check_schema<B: DocBody + std::fmt::Debug + PartialEq>(marker: &str, full: B) {
    let rows = schema_rows(marker);
    let header = header_of(B::KIND);
    let mut doc = create::<B>(&header, ActorId::from([7u8; 16])).unwrap();
    reconcile_body(&mut doc, &full).unwrap();
    assert_eq!(hydrate_doc::<B, _>(&doc).unwrap().body, full);

    // 1. Paths and Automerge types, both ways.
    let dynamic: BTreeSet<String> = rows
        .iter()
        .filter(|r| r.ty == "Map<Boolean>")
        .map(|r| r.path.clone())
        .collect();
    let mut found = BTreeMap::new();
    walk(&doc, &body_obj(&doc), "", &dynamic, &mut found);
    let stated: BTreeMap<String, String> = rows
        .iter()
        .map(|r| (r.path.clone(), r.ty.clone()))
        .collect();
    assert_eq!(stated.len(), rows.len(), "{marker}: a path is listed twice");
    for (path, ty) in &found {
        assert_eq!(stated.get(path), Some(ty), "{marker}: {path}");
    }
    for path in stated.keys() {
        assert!(
            found.contains_key(path),
            "{marker}: {path} is not in the model"
        );
    }

    // 2. Per field: Null only where the table says `?`; a missing key never;
    //    the JavaScript default types never.
    for row in &rows {
        let (obj, key) = locate(&doc, &row.path);
        let mut nulled = doc.fork();
        nulled.put(&obj, key.as_str(), ScalarValue::Null).unwrap();
        assert_eq!(
            hydrates::<B>(&nulled),
            row.nullable,
            "{marker}: {} with Null",
            row.path
        );
        let mut missing = doc.fork();
        missing.delete(&obj, key.as_str()).unwrap();
        assert!(
            !hydrates::<B>(&missing),
            "{marker}: {} may be missing",
            row.path
        );
        let mut wrong = doc.fork();
        if let Some(what) = near_miss(&mut wrong, &obj, &key) {
            assert!(
                !hydrates::<B>(&wrong),
                "{marker}: {} takes {what}",
                row.path
            );
        }
    }

    // 3. Genesis: the ops of the one genesis change, in order, are the rows
    //    that have a genesis value, in table order, with those values.
    let genesis = doc.get_changes(&[])[0].clone();
    assert_eq!(genesis.hash(), genesis_hash(&header).unwrap());
    let ops = genesis_ops(&genesis);
    let header_rows = schema_rows("schema: header");
    assert_eq!(
        ops.len(),
        header_rows.len() + 1 + rows_with_genesis(&rows).len()
    );
    for (op, row) in ops.iter().zip(&header_rows) {
        assert_eq!(op.path, row.path, "header op order");
        assert_eq!(op.ty, row.ty, "header.{}", row.path);
        if let Some(g) = row.genesis.as_deref().filter(|g| !g.contains('<')) {
            assert_eq!(&op.literal, g, "{}", row.path);
        }
    }
    assert_eq!(ops[header_rows.len()].path, "body");
    for (op, row) in ops[header_rows.len() + 1..]
        .iter()
        .zip(rows_with_genesis(&rows))
    {
        let op_path = op.path.strip_prefix("body.").unwrap();
        assert_eq!(op_path, row.path, "{marker}: genesis op order");
        assert_eq!(
            Some(&op.literal),
            row.genesis.as_ref(),
            "{marker}: {}",
            row.path
        );
        match op.ty.as_str() {
            "Null" => assert!(row.nullable, "{marker}: {} is null at genesis", row.path),
            "List" => assert!(row.ty.starts_with("List<"), "{marker}: {}", row.path),
            "Map" => assert!(row.ty.starts_with("Map"), "{marker}: {}", row.path),
            ty => assert_eq!(ty, row.ty, "{marker}: {} at genesis", row.path),
        }
    }
}

fn rows_with_genesis(rows: &[Row]) -> Vec<&Row> {
    rows.iter().filter(|r| r.genesis.is_some()).collect()
}

#[derive(Debug)]
struct GenesisOp {
    path: String,
    ty: String,
    literal: String,
}

/// The ops of a change as (path from the root, type, value as written).
fn genesis_ops(change: &automerge::Change) -> Vec<GenesisOp> {
    let expanded = serde_json::to_value(change.decode()).unwrap();
    let mut paths: BTreeMap<String, String> = BTreeMap::new();
    paths.insert("_root".into(), String::new());
    let ops = expanded["ops"].as_array().unwrap();
    let mut out = Vec::new();
    for (i, op) in ops.iter().enumerate() {
        let parent = &paths[op["obj"].as_str().unwrap()];
        let path = join(parent, op["key"].as_str().unwrap());
        let (ty, literal) = match op["action"].as_str().unwrap() {
            "makeMap" => {
                let id = format!("{}@{}", i + 1, expanded["actor"].as_str().unwrap());
                paths.insert(id, path.clone());
                ("Map".to_owned(), "{}".to_owned())
            }
            "makeList" => ("List".to_owned(), "[]".to_owned()),
            "set" => {
                let value = &op["value"];
                let ty = match (op["datatype"].as_str(), value) {
                    (Some("uint"), _) => "Uint",
                    (Some("int"), _) => "Int",
                    (Some("float64"), _) => "F64",
                    (None, Json::String(_)) => "Str",
                    (None, Json::Bool(_)) => "Boolean",
                    (None, Json::Null) => "Null",
                    other => panic!("op value {other:?}"),
                };
                (ty.to_owned(), value.to_string())
            }
            other => panic!("genesis has a {other} op"),
        };
        out.push(GenesisOp { path, ty, literal });
    }
    out
}

// The bodies below give every optional field a value and every list an
// item, so that the walk reaches every field.

fn user(n: u128) -> UserId {
    UserId::from_uuid(Uuid::from_u128(n))
}

fn ts(s: &str) -> Timestamp {
    s.parse().unwrap()
}

fn day(s: &str) -> Day {
    s.parse().unwrap()
}

fn gps() -> GpsFix {
    GpsFix {
        lat: 27.23,
        lon: 112.86,
        accuracy_m: 12.5,
        taken_at: Some(ts("2022-01-16T09:30:00+08:00")),
    }
}

fn comment(n: u128) -> Comment {
    Comment {
        id: CommentId::from_uuid(Uuid::from_u128(n)),
        author: user(1),
        at: ts("2022-01-17T10:00:00+08:00"),
        text: "请补充预付费凭证".into(),
    }
}

fn full_facility() -> Facility {
    Facility {
        category: Some(Category::FiledInstitution),
        source: Some(ListingSource::Police),
        profile: Profile {
            name: "夕阳红养老院".into(),
            village: "城关社区".into(),
            address: "开云镇城关路1号".into(),
            gps: Some(gps()),
            uscc: "52430423MJJ5123456".into(),
            legal_form: Some(LegalForm::PrivateNonEnterprise),
            ownership: Some(Ownership::Private),
            for_profit: Some(false),
            filing_date: Some(day("2020-05-06")),
            filing_authority: "衡山县民政局".into(),
            filing_receipt_no: "BA-2020-017".into(),
            legal_representative: "张三".into(),
            contact_person: "李四".into(),
            contact_phone: "13800000000".into(),
            actual_controller: "张三".into(),
            investors: vec!["张三".into()],
            operator: "某某养老服务中心".into(),
            affiliated_companies: vec!["某某健康科技有限公司".into()],
            beds: Some(120),
            residents: Some(80),
            care_staff: Some(15),
            building_area_m2: Some(3000),
            premises: Some(Premises::Leased),
            other_industries: Choices::default().with(Industry::HealthProducts, true),
            other_industries_note: "保健品门店".into(),
            branches: Some(2),
            status: Some(OperatingStatus::Operating),
            venue: VenueInfo {
                nature: Some(VenueNature::Enterprise),
                houses_elderly: Some(true),
                services: "日间照料".into(),
            },
        },
        visits: vec![full_visit()],
    }
}

fn full_visit() -> Visit {
    Visit {
        id: VisitId::from_uuid(Uuid::from_u128(2)),
        created_by: user(1),
        phase: Some(Phase::FullSurvey),
        method: Some(Method::OnSite),
        method_reason: String::new(),
        attestation: Attestation {
            no_notice: true,
            no_greeting: true,
            no_briefing: true,
            no_escort: true,
            straight_to_grassroots: true,
            straight_to_scene: true,
        },
        arrived_at: Some(ts("2022-01-16T09:30:00+08:00")),
        gps: Some(gps()),
        inspectors: vec![user(1)],
        findings: Findings {
            marketing: Choices::default().with(Marketing::SalesMeetings, true),
            marketing_note: "每周讲座".into(),
            fees: Choices::default().with(FeeMethod::MembershipCard, true),
            prepayment: Prepayment {
                collected: Some(true),
                total_yuan: Some(600_000),
                persons: Some(20),
                max_per_person_yuan: Some(60_000),
                longest_months: Some(24),
                fund_use: Choices::default().with(FundUse::Unknown, true),
                residents_told_risks: Some(false),
            },
            promised_returns: Some(false),
            rapid_expansion: Some(false),
            expansion_note: String::new(),
            legal_rep_changes_3y: Some(1),
            address_changes_3y: Some(0),
            solvency: Some(Solvency::Unknown),
            operations_stable: Some(true),
            incidents: Incidents {
                defaulted: Some(false),
                group_petition: Some(false),
                negative_publicity: Some(false),
                complaints: Some(0),
            },
            suspected_fraud: Some(false),
            suspected_fraud_basis: String::new(),
            other_risk: Some(false),
            other_risk_reason: String::new(),
        },
        interviews: vec![ResidentInterview {
            id: InterviewId::from_uuid(Uuid::from_u128(3)),
            respondent: Some(Respondent::Resident),
            label: "3号房 王奶奶".into(),
            prepaid: Some(true),
            prepaid_yuan: Some(30_000),
            prepaid_months: Some(12),
            told_risks: Some(false),
            promised_returns: Some(false),
            notes: "会员卡".into(),
        }],
        photos: vec![PhotoRef {
            id: PhotoId::from_uuid(Uuid::from_u128(4)),
            sha256: "ab".repeat(32),
            size_bytes: 123_456,
            mime: "image/jpeg".into(),
            caption: "收费公示".into(),
            taken_at: Some(ts("2022-01-16T09:40:00+08:00")),
        }],
        proposed_level: Some(RiskLevel::Yellow),
        proposal_note: "预付费较大".into(),
        submitted_at: Some(ts("2022-01-16T11:00:00+08:00")),
        replies: vec![comment(5)],
    }
}

fn full_review() -> FacilityReview {
    FacilityReview {
        reviews: vec![Review {
            visit: VisitId::from_uuid(Uuid::from_u128(2)),
            state: ReviewState::Returned,
            state_at: ts("2022-01-17T10:00:00+08:00"),
            reviewer: user(9),
            comments: vec![comment(6)],
            computed_level: Some(RiskLevel::Yellow),
            confirmed_level: Some(RiskLevel::Orange),
            level_reason: "群众多次投诉".into(),
        }],
        signoff: Some(SignOff {
            by: user(9),
            at: ts("2022-01-18T10:00:00+08:00"),
            note: "同意".into(),
        }),
        reported_to_county_at: Some(ts("2022-01-18T11:00:00+08:00")),
        disposal: DisposalPlan {
            measures: vec![Measure {
                id: MeasureId::from_uuid(Uuid::from_u128(7)),
                kind: MeasureKind::Refund,
                detail: "督促清退".into(),
                done_on: Some(day("2022-01-20")),
                refunded_yuan: Some(100_000),
            }],
            responsible_unit: "开云镇人民政府".into(),
            responsible_person: "王五".into(),
            deadline: Some(day("2022-02-28")),
            progress: vec![ProgressEntry {
                id: ProgressId::from_uuid(Uuid::from_u128(8)),
                at: ts("2022-01-21T10:00:00+08:00"),
                by: user(9),
                text: "已清退一半".into(),
            }],
            resolved_on: Some(day("2022-02-20")),
        },
    }
}

fn full_county() -> CountyRecord {
    CountyRecord {
        online_checks: vec![OnlineCheck {
            id: CheckId::from_uuid(Uuid::from_u128(10)),
            source: CheckSource::CreditChina,
            subject: "某某养老服务中心".into(),
            finding: Some(CheckFinding::AbnormalOperation),
            detail: "列入经营异常名录".into(),
            checked_on: day("2022-01-19"),
            reference: "https://www.creditchina.gov.cn/".into(),
            checked_by: user(11),
        }],
        notes: vec![comment(12)],
    }
}

fn full_township_log() -> TownshipLog {
    TownshipLog {
        leadership_group: vec![GroupMember {
            id: MemberId::from_uuid(Uuid::from_u128(13)),
            name: "赵六".into(),
            position: "副镇长".into(),
            group_role: Some(GroupRole::Leader),
            phone: "13900000000".into(),
        }],
        work_plan: WorkPlan {
            title: "开云镇摸排工作方案".into(),
            issued_on: Some(day("2022-01-10")),
            text: "……".into(),
        },
        activities: vec![PublicityActivity {
            id: ActivityId::from_uuid(Uuid::from_u128(14)),
            date: day("2022-01-12"),
            venue_type: VenueType::Square,
            venue: "开云镇文化广场".into(),
            participants: 200,
            note: String::new(),
        }],
    }
}

fn full_settings() -> CountySettings {
    CountySettings {
        county_name: "衡山县".into(),
        townships: vec![Township {
            id: township(),
            name: "开云镇".into(),
            active: true,
        }],
        ..CountySettings::default()
    }
}

#[test]
fn the_schema_tables_are_the_models_as_automerge_stores_them() {
    check_schema("schema: facility", full_facility());
    check_schema("schema: review", full_review());
    check_schema("schema: county", full_county());
    check_schema("schema: township_log", full_township_log());
    check_schema("schema: settings", full_settings());
}

/// A copy of `doc` with `value` put at `path` (relative to the body).
fn edited(doc: &mut AutoCommit, path: &str, value: impl Into<ScalarValue>) -> AutoCommit {
    let mut fork = doc.fork();
    let (obj, key) = locate(&fork, path);
    fork.put(obj, key.as_str(), value.into()).unwrap();
    fork
}

#[test]
fn hydration_rules_the_document_states() {
    let header = header_of(DocKind::Facility);
    let mut doc = create::<Facility>(&header, ActorId::from([7u8; 16])).unwrap();
    reconcile_body(&mut doc, &full_facility()).unwrap();
    let ok = hydrates::<Facility>;
    // Keys the model does not know are ignored.
    assert!(ok(&edited(&mut doc, "extra", "x")));
    assert!(ok(&edited(&mut doc, "profile.extra", 1u64)));
    // Codes, ids, dates and instants must parse, in their one spelling.
    assert!(!ok(&edited(&mut doc, "category", "filed")));
    assert!(!ok(&edited(
        &mut doc,
        "visits[].id",
        "00000000-0000-0000-0000-00000000000A"
    )));
    assert!(!ok(&edited(&mut doc, "profile.filing_date", "2020-5-6")));
    assert!(!ok(&edited(
        &mut doc,
        "visits[].arrived_at",
        "2022-01-16 09:30:00"
    )));
    assert!(ok(&edited(
        &mut doc,
        "visits[].arrived_at",
        "2022-01-16T01:30:00.250Z"
    )));
    // Choices: an unknown option code fails, and so does a Null answer.
    assert!(!ok(&edited(
        &mut doc,
        "profile.other_industries.casinos",
        true
    )));
    assert!(!ok(&edited(
        &mut doc,
        "profile.other_industries.tourism",
        ScalarValue::Null
    )));
    // A u32 field takes no Uint beyond u32.
    assert!(!ok(&edited(
        &mut doc,
        "profile.beds",
        ScalarValue::Uint(u64::from(u32::MAX) + 1)
    )));
    // The header's schema_version is read from an Int as well.
    let mut int_version = doc.fork();
    let header_obj = match int_version.get(ROOT, "header").unwrap() {
        Some((Value::Object(ObjType::Map), id)) => id,
        other => panic!("{other:?}"),
    };
    int_version
        .put(header_obj, "schema_version", ScalarValue::Int(1))
        .unwrap();
    assert!(ok(&int_version));
}

// ------------------------------------------------------------ vocabularies

fn pairs<T: Coded>() -> Vec<(String, String)> {
    T::ALL
        .iter()
        .map(|t| (t.code().to_owned(), t.label_zh().to_owned()))
        .collect()
}

#[test]
fn the_vocabulary_table_lists_every_code_and_label() {
    let mut stated: BTreeMap<String, Vec<(String, String)>> = BTreeMap::new();
    let mut current = String::new();
    for row in table("vocabularies") {
        if let Some(name) = spans(&row[0]).first() {
            current = (*name).to_owned();
        }
        stated
            .entry(current.clone())
            .or_default()
            .push((span(&row[1]).to_owned(), row[2].clone()));
    }
    let mut expected: BTreeMap<String, Vec<(String, String)>> = BTreeMap::new();
    macro_rules! vocab {
        ($($t:ty),+ $(,)?) => {$(
            expected.insert(stringify!($t).to_owned(), pairs::<$t>());
        )+};
    }
    vocab!(
        DocKind,
        Role,
        Category,
        ListingSource,
        LegalForm,
        Ownership,
        Premises,
        Industry,
        OperatingStatus,
        VenueNature,
        Phase,
        Method,
        RiskLevel,
        Marketing,
        FeeMethod,
        FundUse,
        Solvency,
        Respondent,
        ReviewState,
        MeasureKind,
        CheckSource,
        CheckFinding,
        GroupRole,
        VenueType,
    );
    assert_eq!(stated, expected);
}

#[test]
fn the_refusal_code_table_lists_every_code() {
    let rows = table("refusal-codes");
    let stated: Vec<(String, String, bool)> = rows
        .iter()
        .map(|r| {
            let fixable = match r[3].as_str() {
                "yes" => true,
                "no" => false,
                other => panic!("fixable: {other:?}"),
            };
            (span(&r[0]).to_owned(), r[1].clone(), fixable)
        })
        .collect();
    let expected: Vec<(String, String, bool)> = RefusalCode::ALL
        .iter()
        .map(|c| {
            (
                c.code().to_owned(),
                c.label_zh().to_owned(),
                c.fixable_by_editing(),
            )
        })
        .collect();
    let sorted = |mut v: Vec<(String, String, bool)>| {
        v.sort();
        v
    };
    assert_eq!(sorted(stated), sorted(expected));
}

// -------------------------------------------------------------- JSON bodies

fn same_json<T: serde::Serialize + serde::de::DeserializeOwned>(id: &str) -> T {
    let text = fenced("json", id);
    let parsed: T = serde_json::from_str(&text).unwrap_or_else(|e| panic!("{id}: {e}"));
    let written: Json = serde_json::from_str(&text).unwrap();
    assert_eq!(serde_json::to_value(&parsed).unwrap(), written, "{id}");
    parsed
}

#[test]
fn the_json_examples_are_what_the_server_reads_and_writes() {
    let login: LoginRequest = same_json("login-request");
    assert_eq!(login.username, "kaiyun-inspector");
    let answer: LoginResponse = same_json("login-response");
    assert_eq!(answer.token.len(), 43);
    assert!(
        answer
            .token
            .bytes()
            .all(|b| b.is_ascii_alphanumeric() || b == b'-' || b == b'_')
    );
    assert_eq!(answer.user.role, Role::Inspector);
    assert_eq!(answer.user.township.as_ref().unwrap().id, township());
    // Expiry is written as RFC 3339 at UTC.
    assert_eq!(
        answer.expires_at,
        Timestamp::from_unix(1_700_000_000).unwrap()
    );
    assert_eq!(
        Timestamp::from_unix(1_700_000_000).unwrap().to_string(),
        "2023-11-14T22:13:20Z"
    );
    let error: ErrorBody = same_json("error-body");
    assert_eq!(error.code, "login_required");
}

// ------------------------------------------------------------------ limits

#[test]
fn the_shared_limits_are_the_constants() {
    let actual: BTreeMap<&str, u64> = [
        ("PROTOCOL_VERSION", u64::from(PROTOCOL_VERSION)),
        ("SCHEMA_VERSION", u64::from(SCHEMA_VERSION)),
        ("MAX_DOCS_PER_REQUEST", MAX_DOCS_PER_REQUEST as u64),
        ("MAX_ROUNDS", MAX_ROUNDS as u64),
        (
            "MAX_HASHES_PER_MESSAGE",
            limits::MAX_HASHES_PER_MESSAGE as u64,
        ),
        (
            "MAX_HAVES_PER_MESSAGE",
            limits::MAX_HAVES_PER_MESSAGE as u64,
        ),
        ("MAX_BLOOM_PROBES", limits::MAX_BLOOM_PROBES),
        ("MAX_BLOOM_BITS_PER_ENTRY", limits::MAX_BLOOM_BITS_PER_ENTRY),
        ("MAX_DOC_HEADS", limits::MAX_DOC_HEADS as u64),
        ("MAX_TEXT_CHARS", mopai_shared::gate::MAX_TEXT_CHARS as u64),
        ("MAX_LIST_ITEMS", mopai_shared::gate::MAX_LIST_ITEMS as u64),
        ("MAX_DEPTH", mopai_shared::gate::MAX_DEPTH as u64),
        ("MAX_BODY_BYTES", mopai_shared::gate::MAX_BODY_BYTES as u64),
    ]
    .into_iter()
    .collect();
    let rows = table("limits: shared");
    let stated: BTreeMap<&str, u64> = rows.iter().map(|r| (span(&r[0]), number(&r[1]))).collect();
    assert_eq!(stated, actual);
}

/// The value of `const NAME` in a server source file: products of integer
/// literals, possibly inside `Duration::from_secs(…)`.
fn server_const(source: &str, name: &str) -> u64 {
    let needle = format!("const {name}:");
    let line = source
        .lines()
        .find(|l| l.contains(&needle))
        .unwrap_or_else(|| panic!("no {needle} in the server source"));
    let expr = line.split_once('=').unwrap().1.trim().trim_end_matches(';');
    let expr = expr
        .strip_prefix("Duration::from_secs(")
        .and_then(|e| e.strip_suffix(')'))
        .unwrap_or(expr);
    expr.split('*')
        .map(|f| f.trim().replace('_', "").parse::<u64>().unwrap())
        .product()
}

#[test]
fn the_server_limits_are_the_constants() {
    let sources: BTreeMap<&str, &str> = [
        ("server/src/sync.rs", SYNC_RS),
        ("server/src/http/body.rs", BODY_RS),
        ("server/src/auth/rate_limit.rs", RATE_LIMIT_RS),
        ("server/src/auth/password.rs", PASSWORD_RS),
        ("server/src/http/mod.rs", HTTP_RS),
    ]
    .into_iter()
    .collect();
    for row in table("limits: server") {
        let name = span(&row[0]);
        let file = span(&row[1]);
        let source = sources
            .get(file)
            .unwrap_or_else(|| panic!("{file} is not read by this test"));
        assert_eq!(number(&row[2]), server_const(source, name), "{name}");
    }
}
