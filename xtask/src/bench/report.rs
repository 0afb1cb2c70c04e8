//! BENCHMARKS.md: settings, machine, targets met or not met, one section
//! per part, and what the run leaves out. A part that did not run or failed
//! shows a dash and its error; it never stops the report.

use std::fmt::Write;

use serde_json::Value;

use super::machine::Machine;
use super::{Results, Settings};

/// `1234567` → `1,234,567`.
fn thousands(n: f64) -> String {
    let neg = n < 0.0;
    let digits = format!("{:.0}", n.abs());
    let mut out = String::new();
    for (i, c) in digits.chars().enumerate() {
        if i > 0 && (digits.len() - i) % 3 == 0 {
            out.push(',');
        }
        out.push(c);
    }
    if neg { format!("-{out}") } else { out }
}

fn num(v: &Value) -> Option<f64> {
    v.as_f64()
}

/// A number with `digits` decimals, or a dash.
fn f(v: &Value, digits: usize) -> String {
    num(v).map_or("—".into(), |x| format!("{x:.digits$}"))
}

/// An integer with separators, or a dash.
fn n(v: &Value) -> String {
    num(v).map_or("—".into(), thousands)
}

/// kB → MB with one decimal.
fn mb(v: &Value) -> String {
    num(v).map_or("—".into(), |kb| format!("{:.1}", kb / 1024.0))
}

/// `[1.5, 2]` → `1.5, 2`.
fn list(v: &Value) -> String {
    v.as_array()
        .map(|a| a.iter().map(|x| f(x, 0)).collect::<Vec<_>>().join(", "))
        .unwrap_or_else(|| "—".into())
}

fn ratio(ours: Option<f64>, theirs: Option<f64>) -> Option<f64> {
    match (ours, theirs) {
        (Some(a), Some(b)) if b > 0.0 => Some(a / b),
        _ => None,
    }
}

fn ratio_text(r: Option<f64>) -> String {
    r.map_or("—".into(), |r| format!("{r:.2}×"))
}

fn met(ok: Option<bool>) -> &'static str {
    match ok {
        Some(true) => "**met**",
        Some(false) => "**not met**",
        None => "not measured",
    }
}

/// The run of one phone count in an ingest result.
fn ingest_run(ingest: Option<&Value>, devices: usize) -> Option<&Value> {
    ingest?["runs"]
        .as_array()?
        .iter()
        .find(|r| r["devices"].as_u64() == Some(devices as u64))
}

/// `failed: HTTP 500 after 10,156 ms (…)` for a request that did not answer 200.
fn failed(e: &Value) -> Option<String> {
    let f = e.get("failed").filter(|f| !f.is_null())?;
    let why = f["server_log"]
        .as_str()
        .map(|log| format!("server log: {log}"))
        .unwrap_or_else(|| f["body"].as_str().unwrap_or("").to_owned());
    Some(format!(
        "failed: HTTP {} after {} ms ({})",
        n(&f["status"]),
        n(&f["ms"]),
        why.replace('|', "/")
    ))
}

fn error_of(v: Option<&Value>) -> Option<String> {
    v.and_then(|v| v["error"].as_str().map(str::to_owned))
}

pub fn render(settings: &Settings, machine: &Machine, r: &Results, total_s: f64) -> String {
    let mut o = String::new();
    header(&mut o, settings, machine, r, total_s);
    targets(&mut o, settings, r);
    ingest(&mut o, settings, r);
    bytes(&mut o, r);
    national(&mut o, settings, r);
    client(&mut o, r);
    left_out(&mut o, r);
    o
}

/// Sections written by other commands than the bench (`cargo xtask size`,
/// the interrupted-pull test), each between its begin and end marker: a
/// regenerated report keeps the previous file's, before
/// `## Where the misses come from`.
pub const KEPT_SECTIONS: [(&str, &str); 2] = [
    (SIZE_BEGIN, SIZE_END),
    (
        "<!-- interrupted-pull:begin -->",
        "<!-- interrupted-pull:end -->",
    ),
];
pub const SIZE_BEGIN: &str = "<!-- client-size:begin -->";
pub const SIZE_END: &str = "<!-- client-size:end -->";

pub fn keep_hand_written_sections(mut report: String, previous: &str) -> String {
    for (begin, end) in KEPT_SECTIONS {
        report = keep_section(report, previous, begin, end);
    }
    report
}

fn keep_section(report: String, previous: &str, begin: &str, end: &str) -> String {
    let (Some(start), Some(stop)) = (previous.find(begin), previous.find(end)) else {
        return report;
    };
    if stop < start {
        return report;
    }
    let section = &previous[start..stop + end.len()];
    match report.find("## Where the misses come from") {
        Some(at) => format!("{}{section}\n\n{}", &report[..at], &report[at..]),
        None => format!("{report}\n{section}\n"),
    }
}

fn header(o: &mut String, s: &Settings, m: &Machine, r: &Results, total_s: f64) {
    let target = std::env::var("CARGO_TARGET_DIR")
        .map(|d| format!("CARGO_TARGET_DIR={d} "))
        .unwrap_or_default();
    let _ = writeln!(o, "# Benchmarks\n");
    let _ = writeln!(
        o,
        "Written by `cargo xtask bench`. These are benchmarks, not tests: the figures are \
         reported, each target is marked met or not met, and nothing fails on a miss. \
         Regenerate with the command below; `cargo xtask bench --help` lists the options.\n"
    );
    let _ = writeln!(o, "- Command: `{target}{}`", s.command);
    let _ = writeln!(o, "- Date: {}; commit {}", m.date, m.git);
    let _ = writeln!(
        o,
        "- Mode: {}; ingest D = {} documents, U = {} updates, phones {:?}, upload window {}; peer runs {} (median shown); \
         national scale {} ({} facilities, {} visits); seed 1",
        if s.full { "full" } else { "quick (default)" },
        s.docs,
        s.updates,
        s.devices,
        s.window,
        s.peer_reps,
        s.scale,
        thousands(s.facilities as f64),
        thousands((s.facilities * s.visits) as f64),
    );
    let _ = writeln!(o, "- Whole run: {:.1} min\n", total_s / 60.0);
    let _ = writeln!(o, "## Machine\n");
    let _ = writeln!(o, "| `nproc` | CPU | memory | kernel |\n|---|---|---|---|");
    let _ = writeln!(
        o,
        "| {} | {} | {} | {} |\n",
        m.cpus, m.cpu_model, m.memory, m.kernel
    );
    let _ = writeln!(
        o,
        "The machine is shared: other engineers' builds ran during parts of this run. Below, \
         for each part, the compiler processes (rustc, cc1, ld…) seen beside it (sampled \
         every 2 s) and the 1-minute load average. Where it says *noisy*, trust the counts \
         (bytes, round trips, documents) and the CPU seconds per operation over the rates \
         and latencies.\n"
    );
    let _ = writeln!(
        o,
        "| part | wall (s) | other compilers mean / max | load 1 min mean / max | |\n|---|---|---|---|---|"
    );
    for ((name, noise), (_, secs)) in r.noise.iter().zip(&r.timings) {
        let _ = writeln!(
            o,
            "| {name} | {secs:.0} | {:.1} / {} | {:.1} / {:.1} | {} |",
            noise.compilers_mean,
            noise.compilers_max,
            noise.load_mean,
            noise.load_max,
            if noise.noisy() { "noisy" } else { "" }
        );
    }
    let _ = writeln!(o, "\n## Versions\n\n| component | version |\n|---|---|");
    for (k, v) in &m.versions {
        let _ = writeln!(o, "| {k} | {v} |");
    }
    let _ = writeln!(o);
}

/// Brotli bytes of the wasm, JS and CSS a first load fetches.
fn brotli_total(r: &Results) -> Option<usize> {
    r.sizes
        .as_ref()
        .map(|rows| rows.iter().map(|row| row.4).sum())
}

fn targets(o: &mut String, s: &Settings, r: &Results) {
    let _ = writeln!(o, "## Targets\n\n| target | figure | |\n|---|---|---|");
    let peer = r.peer.as_ref().map(|p| &p["summary"]);
    let ours1 = ingest_run(r.ingest_full.as_ref(), 1);
    let rate = ratio(
        ours1.and_then(|x| num(&x["upload"]["docs_per_s"])),
        peer.and_then(|p| num(&p["upload_docs_per_s"])),
    );
    let _ = writeln!(
        o,
        "| ingest ≥ 3× the peer's, fsync on (1 phone, window {}, D = {}) | {} ({} vs {} docs/s) | {} |",
        s.window,
        s.docs,
        ratio_text(rate),
        ours1.map_or("—".into(), |x| f(&x["upload"]["docs_per_s"], 1)),
        peer.map_or("—".into(), |p| f(&p["upload_docs_per_s"], 1)),
        met(rate.map(|x| x >= 3.0))
    );
    // Memory: our highest peak over every phone count, against the peer's peak.
    let our_hwm = r.ingest_full.as_ref().and_then(|i| {
        i["runs"]
            .as_array()?
            .iter()
            .filter_map(|x| num(&x["server"]["after_fetch"]["hwm_kb"]))
            .reduce(f64::max)
    });
    let mem = ratio(our_hwm, peer.and_then(|p| num(&p["server_hwm_kb_end"])));
    let _ = writeln!(
        o,
        "| memory ≤ 1/3 of the peer's (peak RSS, our highest over all phone counts) | {} ({} vs {} MB) | {} |",
        ratio_text(mem),
        our_hwm.map_or("—".into(), |k| format!("{:.1}", k / 1024.0)),
        peer.map_or("—".into(), |p| mb(&p["server_hwm_kb_end"])),
        met(mem.map(|x| x <= 1.0 / 3.0))
    );
    let b = r.bytes.as_ref();
    let steady = b.and_then(|b| num(&b["steady"]["bytes_total"]));
    let _ = writeln!(
        o,
        "| steady-state sync < 1 KB | {} B in {} round trip(s) | {} |",
        steady.map_or("—".into(), thousands),
        b.map_or("—".into(), |b| n(&b["steady"]["rounds"])),
        met(steady.map(|x| x < 1024.0))
    );
    let visit = b.and_then(|b| num(&b["one_visit"]["sync"]["bytes_total"]));
    let _ = writeln!(
        o,
        "| one visit ≤ 8 KB | {} B in {} round trip(s) | {} |",
        visit.map_or("—".into(), thousands),
        b.map_or("—".into(), |b| n(&b["one_visit"]["sync"]["rounds"])),
        met(visit.map(|x| x <= 8192.0))
    );
    let scale_note = if s.scale < 1.0 {
        format!(" (at {} scale: not the target's scale)", s.scale)
    } else {
        String::new()
    };
    let nat = r.national.as_ref();
    let endpoints = nat.and_then(|x| x["queries"]["endpoints"].as_array().cloned());
    for e in endpoints.iter().flatten() {
        let name = e["name"].as_str().unwrap_or("?");
        let median = num(&e["median_ms"]);
        let (label, limit) = if name.starts_with("export all.zip") {
            ("full annex export < 15 s", 15_000.0)
        } else if name.starts_with("export") {
            continue; // single tables as CSV: in the national section only
        } else {
            ("national dashboard query < 200 ms", 200.0)
        };
        let (figure, ok) = match failed(e) {
            Some(why) => (why, Some(false)),
            None => (
                format!(
                    "{} ms (median of {}; first {} ms)",
                    median.map_or("—".into(), |m| format!("{m:.0}")),
                    n(&e["runs"]),
                    f(&e["first_ms"], 0)
                ),
                median.map(|m| m < limit),
            ),
        };
        let _ = writeln!(
            o,
            "| {label}: {name}{scale_note} | {figure} | {} |",
            met(ok)
        );
    }
    let rss = nat.and_then(|x| num(&x["queries"]["server_end"]["hwm_kb"]));
    let _ = writeln!(
        o,
        "| national RSS < 500 MB (server peak over all queries and exports){scale_note} | {} MB | {} |",
        rss.map_or("—".into(), |k| format!("{:.1}", k / 1024.0)),
        met(rss.map(|k| k < 500.0 * 1024.0))
    );
    let br = brotli_total(r);
    let _ = writeln!(
        o,
        "| first load ≤ 350 KB brotli (wasm + JS + CSS) | {} B | {} |",
        br.map_or("—".into(), |b| thousands(b as f64)),
        met(br.map(|b| b <= 350 * 1024))
    );
    let c = r.client.as_ref();
    let repeat = c.and_then(|c| num(&c["repeat_load"]["ready_ms_median"]));
    let _ = writeln!(
        o,
        "| repeat load < 1 s (service worker, Slow 4G, 4× CPU) | {} ms | {} |",
        repeat.map_or("—".into(), |m| format!("{m:.0}")),
        met(repeat.map(|m| m < 1000.0))
    );
    let _ = writeln!(o);
}

fn ingest(o: &mut String, s: &Settings, r: &Results) {
    let _ = writeln!(o, "## Sync ingest\n");
    let _ = writeln!(
        o,
        "Workload (the peer driver's, same counts): D = {} documents, each ~30 profile fields and \
         3 visits of ~20 answered fields (one interview, one photo reference), made by the phone \
         with the shared `doc::create` + `reconcile_body`; then U = {} single-field updates to random \
         documents, each synced at once; then a fresh county account pulls everything. N phones, \
         each an inspector in its own township, on one client thread (as the peer's Node driver); \
         each sends ⌈{}/N⌉ documents per sync, so about {} are in flight, like the peer's \
         `--upload-window {}`. The server is `mopai serve` (release) in its own process on \
         127.0.0.1. Acknowledgement latency: the `POST /api/sync` whose messages carried the \
         changes, request to answer (the answer comes after the commit). Round trips per sync: \
         a new document's first sync message carries only its heads (Automerge sends changes \
         once it knows the other side's heads), so pushing new documents takes two round trips \
         and the changes go in the second; an edit to a document synced before goes in the \
         first, as the client resumes from the heads the server acknowledged. RSS and CPU: \
         /proc of the server process.\n",
        s.docs, s.updates, s.window, s.window, s.window
    );
    let _ = writeln!(
        o,
        "Durability. Ours: every sync is one SQLite transaction in WAL mode, answered only after \
         its commit; `synchronous=FULL` (the default) fsyncs the WAL at every commit; `--durability \
         normal` (for reference only) leaves the fsync to checkpoints and survives a process crash \
         but not a power cut. The peer: writes with no fsync, acknowledges (announces its heads) \
         before saving, and keeps every document in memory; the driver counts acknowledgements \
         whose document had no file on disk yet (\"acked before on disk\").\n"
    );
    let peer = r.peer.as_ref().map(|p| &p["summary"]);
    if let Some(e) = error_of(r.peer.as_ref()) {
        let _ = writeln!(o, "Peer failed: {e}\n");
    }
    if let Some(p) = peer {
        let _ = writeln!(
            o,
            "Peer document: {} B saved, {} ops. Acked before on disk: {} of {}. Disconnects: {}. Errors: {}.\n",
            n(&p["avg_doc_bytes"]),
            n(&p["avg_doc_ops"]),
            n(&p["acked_before_on_disk"]),
            n(&p["docs"]),
            n(&p["disconnects"]),
            if p["errors"].as_array().is_some_and(|a| !a.is_empty()) {
                p["errors"].to_string()
            } else {
                "none".into()
            }
        );
    }
    for ing in [&r.ingest_full, &r.ingest_normal].into_iter().flatten() {
        if let Some(e) = error_of(Some(ing)) {
            let _ = writeln!(o, "Ingest ({}) failed: {e}\n", ing["durability"]);
        }
    }
    if let Some(x) = ingest_run(r.ingest_full.as_ref(), 1) {
        let _ = writeln!(
            o,
            "Our document: {} B saved, {} ops, {} Automerge changes per document (the shared genesis and the body).\n",
            n(&x["doc_bytes"]),
            n(&x["doc_ops"]),
            f(
                &Value::from(
                    num(&x["changes"]).unwrap_or(0.0) / num(&x["docs"]).unwrap_or(1.0).max(1.0)
                ),
                1
            ),
        );
    }

    let _ = writeln!(o, "### Upload\n");
    let _ = writeln!(
        o,
        "| server | fsync | phones | docs/sync | round trips/sync | docs/s | changes/s | ack p50 / p95 / p99 (ms) | server CPU ms/doc | RSS after (MB) | peak RSS (MB) |\n|---|---|---|---|---|---|---|---|---|---|---|"
    );
    if let Some(p) = peer {
        let _ = writeln!(
            o,
            "| peer | none | 1 | window {} | — | {} | ≈ docs/s | — | {} | {} | {} |",
            s.window,
            f(&p["upload_docs_per_s"], 1),
            f(&p["upload_server_cpu_ms_per_doc"], 2),
            mb(&p["upload_server_rss_kb"]),
            mb(&p["server_hwm_kb_end"]),
        );
    }
    for (ing, fsync) in [(&r.ingest_full, "FULL"), (&r.ingest_normal, "NORMAL")] {
        for x in ing
            .as_ref()
            .and_then(|i| i["runs"].as_array().cloned())
            .unwrap_or_default()
        {
            let u = &x["upload"];
            let _ = writeln!(
                o,
                "| mopai | {fsync} | {} | {} | {} | {} | {} | {} / {} / {} | {} | {} | {} |",
                n(&x["devices"]),
                n(&x["docs_per_request"]),
                f(&u["rounds_per_session"], 2),
                f(&u["docs_per_s"], 1),
                f(&u["changes_per_s"], 1),
                f(&u["ack_ms"]["p50"], 1),
                f(&u["ack_ms"]["p95"], 1),
                f(&u["ack_ms"]["p99"], 1),
                f(&u["server_cpu_ms_per_doc"], 2),
                mb(&x["server"]["after_upload"]["rss_kb"]),
                mb(&x["server"]["after_fetch"]["hwm_kb"]),
            );
        }
    }
    let _ = writeln!(o, "\n### Updates and fetch\n");
    let _ = writeln!(
        o,
        "The peer's driver makes all U updates back to back and then waits: its latency runs \
         from a document's last local change until the server's heads match, so it includes the \
         queue behind the whole burst, and its updates/s is bounded by the driver \
         (`bench/peer/README.md`). Each of our phones edits, syncs, and waits for the answer \
         before its next edit, so a single phone's rate is bounded by its round trip. Compare \
         the server CPU per update. Fetch: the peer's second repo loads every document; ours is \
         a fresh county phone pulling every document (and the settings).\n"
    );
    let _ = writeln!(
        o,
        "| server | fsync | phones | updates/s | round trips/sync | update ack p50 / p95 (p90 peer) / p99 (ms) | server CPU ms/update | fetch docs/s | fetch rounds / bytes received | errors |\n|---|---|---|---|---|---|---|---|---|---|"
    );
    if let Some(p) = peer {
        let _ = writeln!(
            o,
            "| peer | none | 1 | {} | — | {} / {} / {} | {} | {} | — | {} |",
            f(&p["updates_per_s"], 1),
            f(&p["update_ack_ms_p50"], 1),
            f(&p["update_ack_ms_p90"], 1),
            f(&p["update_ack_ms_p99"], 1),
            f(&p["update_server_cpu_ms"], 2),
            f(&p["fetch_docs_per_s"], 1),
            p["errors"].as_array().map_or(0, Vec::len),
        );
    }
    for (ing, fsync) in [(&r.ingest_full, "FULL"), (&r.ingest_normal, "NORMAL")] {
        for x in ing
            .as_ref()
            .and_then(|i| i["runs"].as_array().cloned())
            .unwrap_or_default()
        {
            let u = &x["updates"];
            let fe = &x["fetch"];
            let errors = x["errors"].as_array().map_or(0, Vec::len)
                + usize::from(!fe["error"].is_null())
                + fe["heads_mismatched"].as_u64().unwrap_or(0) as usize;
            let _ = writeln!(
                o,
                "| mopai | {fsync} | {} | {} | {} | {} / {} / {} | {} | {} | {} / {} | {} |",
                n(&x["devices"]),
                f(&u["per_s"], 1),
                f(&u["rounds_per_session"], 2),
                f(&u["ack_ms"]["p50"], 1),
                f(&u["ack_ms"]["p95"], 1),
                f(&u["ack_ms"]["p99"], 1),
                f(&u["server_cpu_ms_per_update"], 2),
                f(&fe["docs_per_s"], 1),
                n(&fe["rounds"]),
                n(&fe["bytes_received"]),
                errors,
            );
        }
    }

    let _ = writeln!(o, "\n### Ratios, ours / theirs\n");
    let _ = writeln!(
        o,
        "Above 1 is better for rates; below 1 is better for CPU, latency and memory. The peer has \
         one writer, so every phone count is set against the same peer run.\n"
    );
    let _ = writeln!(
        o,
        "| fsync | phones | upload docs/s | server CPU per doc | update ack p50 | server CPU per update | peak RSS |\n|---|---|---|---|---|---|---|"
    );
    for (ing, fsync) in [(&r.ingest_full, "FULL"), (&r.ingest_normal, "NORMAL")] {
        for x in ing
            .as_ref()
            .and_then(|i| i["runs"].as_array().cloned())
            .unwrap_or_default()
        {
            let q = |ours: &Value, theirs: &str| {
                ratio_text(ratio(num(ours), peer.and_then(|p| num(&p[theirs]))))
            };
            let _ = writeln!(
                o,
                "| {fsync} | {} | {} | {} | {} | {} | {} |",
                n(&x["devices"]),
                q(&x["upload"]["docs_per_s"], "upload_docs_per_s"),
                q(
                    &x["upload"]["server_cpu_ms_per_doc"],
                    "upload_server_cpu_ms_per_doc"
                ),
                q(&x["updates"]["ack_ms"]["p50"], "update_ack_ms_p50"),
                q(
                    &x["updates"]["server_cpu_ms_per_update"],
                    "update_server_cpu_ms"
                ),
                q(&x["server"]["after_fetch"]["hwm_kb"], "server_hwm_kb_end"),
            );
        }
    }
    if let Some(p) = r.peer.as_ref() {
        let _ = writeln!(
            o,
            "\nPeer command: `{}`",
            p["command"].as_str().unwrap_or("?")
        );
    }
    let _ = writeln!(o);
}

fn bytes(o: &mut String, r: &Results) {
    let _ = writeln!(o, "## Bytes and round trips\n");
    let Some(b) = r.bytes.as_ref() else {
        let _ = writeln!(o, "Not run.\n");
        return;
    };
    if let Some(e) = error_of(Some(b)) {
        let _ = writeln!(o, "Failed: {e}\n");
        return;
    }
    let _ = writeln!(
        o,
        "One township of {} facilities with {} visits each, pushed by one inspector's phone; the \
         shared sync client over HTTP to `mopai serve` (FULL). Bytes are the request and response \
         bodies of `POST /api/sync` (binary, postcard + Automerge sync messages); HTTP headers \
         (about 300 B per round trip with the bearer token) come on top.\n",
        n(&b["facilities"]),
        n(&b["visits_per_facility"])
    );
    let _ = writeln!(
        o,
        "| case | round trips | sent (B) | received (B) | total (B) | wall (ms) |\n|---|---|---|---|---|---|"
    );
    for (name, v) in [
        ("steady state, nothing new", &b["steady"]),
        ("one new visit", &b["one_visit"]["sync"]),
        ("100 offline edits (10 facilities)", &b["offline_100"]),
        ("fresh phone pulls the township", &b["fresh_pull"]["sync"]),
        (
            "the same phone right after",
            &b["fresh_pull"]["then_steady"],
        ),
    ] {
        let _ = writeln!(
            o,
            "| {name} | {} | {} | {} | {} | {} |",
            n(&v["rounds"]),
            n(&v["bytes_sent"]),
            n(&v["bytes_received"]),
            n(&v["bytes_total"]),
            f(&v["wall_ms"], 1),
        );
    }
    let _ = writeln!(
        o,
        "\nThe new visit's own Automerge change: {} B. The fresh pull received {} documents; their \
         saved size on the first phone: {} B.",
        n(&b["one_visit"]["visit_change_bytes"]),
        n(&b["fresh_pull"]["docs"]),
        n(&b["fresh_pull"]["saved_doc_bytes_total"]),
    );
    let _ = writeln!(o);
}

fn national(o: &mut String, s: &Settings, r: &Results) {
    let _ = writeln!(o, "## National scale\n");
    let Some(x) = r.national.as_ref() else {
        let _ = writeln!(o, "Not run.\n");
        return;
    };
    if let Some(e) = error_of(Some(x)) {
        let _ = writeln!(o, "Failed: {e}\n");
        return;
    }
    let g = &x["generate"];
    let _ = writeln!(
        o,
        "{} facilities and {} visits ({} per facility, mixed findings so every level occurs) in \
         {} townships of {} facilities, one database, scale {}{}. Each document is made as a \
         phone makes it (shared `doc::create` under the township inspector's bound actor, \
         `reconcile_body`) and stored through the server's storage API (`append_changes`, \
         `record_doc_scope`, `projection::refresh`), 1,000 facilities per transaction at \
         `synchronous=NORMAL`; no server code was added for it.\n",
        n(&x["facilities"]),
        n(&x["visits"]),
        n(&x["visits_per_facility"]),
        n(&g["townships"]),
        n(&x["facilities_per_township"]),
        s.scale,
        if g["reused"].as_bool() == Some(true) {
            " (database reused from an earlier run)"
        } else {
            ""
        },
    );
    let _ = writeln!(
        o,
        "Load: {} s ({} facilities/s; the document-making thread was busy {} s); database {} MB; loader peak RSS {} MB.\n",
        f(&g["load_s"], 1),
        f(&g["facilities_per_s"], 1),
        f(&g["maker_thread_s"], 1),
        num(&g["db_bytes"]).map_or("—".into(), |b| format!("{:.0}", b / 1e6)),
        mb(&g["loader_hwm_kb"]),
    );
    let _ = writeln!(
        o,
        "Then `mopai serve` (FULL) on that database; a county staff account asks, over loopback \
         (time to the last byte of the body). The county dashboard is a sum of per-township \
         parts: the first request after a start reads every township, later ones reuse the parts \
         and recompute only townships written since (after a sync, about the cost of the \
         one-township dashboard). Reads use their own SQLite connections, so none of these \
         requests holds up a sync.\n"
    );
    let _ = writeln!(
        o,
        "| request | runs | first (ms) | median (ms) | max (ms) | body (B) | server RSS after (MB) |\n|---|---|---|---|---|---|---|"
    );
    for e in x["queries"]["endpoints"]
        .as_array()
        .cloned()
        .unwrap_or_default()
    {
        let name = e["name"].as_str().unwrap_or("?");
        let path = e["path"].as_str().unwrap_or("?");
        if let Some(why) = failed(&e) {
            let _ = writeln!(
                o,
                "| {name} `{path}` | {why} | | | | | {} |",
                mb(&e["server_rss_kb_after"]),
            );
            continue;
        }
        let _ = writeln!(
            o,
            "| {name} `{path}` | {} | {} | {} | {} | {} | {} |",
            n(&e["runs"]),
            f(&e["first_ms"], 0),
            f(&e["median_ms"], 0),
            f(&e["max_ms"], 0),
            n(&e["bytes"]),
            mb(&e["server_rss_kb_after"]),
        );
    }
    let _ = writeln!(
        o,
        "\nServer RSS idle {} MB, at the end {} MB, peak {} MB.\n",
        mb(&x["queries"]["server_idle"]["rss_kb"]),
        mb(&x["queries"]["server_end"]["rss_kb"]),
        mb(&x["queries"]["server_end"]["hwm_kb"]),
    );
}

fn client(o: &mut String, r: &Results) {
    let _ = writeln!(o, "## Client\n");
    if let Some(note) = &r.client_note {
        let _ = writeln!(o, "Note: {note}.\n");
    }
    if let Some(rows) = &r.sizes {
        let _ = writeln!(
            o,
            "Bytes of `client/dist/assets` (the `cargo xtask size` rows):\n\n| kind | file | raw | gzip | brotli |\n|---|---|---|---|---|"
        );
        let mut total = (0, 0, 0);
        for (kind, name, raw, gz, br) in rows {
            let _ = writeln!(
                o,
                "| {kind} | {name} | {} | {} | {} |",
                thousands(*raw as f64),
                thousands(*gz as f64),
                thousands(*br as f64)
            );
            total = (total.0 + raw, total.1 + gz, total.2 + br);
        }
        let _ = writeln!(
            o,
            "| total | | {} | {} | {} |\n",
            thousands(total.0 as f64),
            thousands(total.1 as f64),
            thousands(total.2 as f64)
        );
    }
    let Some(c) = r.client.as_ref() else {
        let _ = writeln!(o, "Browser timings not run.\n");
        return;
    };
    if let Some(e) = error_of(Some(c)) {
        let _ = writeln!(o, "Browser timings failed: {e}\n");
        return;
    }
    let _ = writeln!(
        o,
        "Headless Chromium (360×740 phone profile) through chromedriver, throttled over CDP: {}, \
         CPU slowdown {}×. \"Interactive\" is the moment the first view the user can act on \
         (`{}`) is in the DOM, in ms since navigation start, noted in the page by a \
         MutationObserver installed with `Page.addScriptToEvaluateOnNewDocument`. A first load \
         starts from an empty profile (cache and service worker cleared over CDP); a repeat load \
         is the same URL again with the service worker installed. Transferred bytes are what \
         Resource Timing reports for the document and every resource (the server sends the \
         precompressed brotli files).\n",
        c["throttling"]["network"].as_str().unwrap_or("?"),
        f(&c["throttling"]["cpu_slowdown"], 0),
        c["ready_selector"].as_str().unwrap_or("?"),
    );
    let _ = writeln!(
        o,
        "| load | interactive (ms) | DOMContentLoaded (ms) | transferred (B) | service worker in control afterwards |\n|---|---|---|---|---|"
    );
    for (name, loads) in [
        ("first", &c["first_load"]["loads"]),
        ("repeat", &c["repeat_load"]["loads"]),
    ] {
        for l in loads.as_array().cloned().unwrap_or_default() {
            let _ = writeln!(
                o,
                "| {name} | {} | {} | {} | {} |",
                f(&l["ready_ms"], 0),
                f(&l["dom_content_loaded_ms"], 0),
                n(&l["transfer"]),
                l["sw_controlled"]
                    .as_bool()
                    .map_or("—", |b| if b { "yes" } else { "no" }),
            );
        }
    }
    let _ = writeln!(
        o,
        "\nMedian: first load {} ms, repeat load {} ms.\n",
        f(&c["first_load"]["ready_ms_median"], 0),
        f(&c["repeat_load"]["ready_ms_median"], 0),
    );
    let fo = &c["facility_open"];
    if let Some(e) = fo["error"].as_str() {
        let _ = writeln!(
            o,
            "Open a facility with 20 visits from IndexedDB: not measured: {e}. The hook is \
             `bench/src/browser.rs` (`FACILITY_ROW`, `VISIT_ROW`): the benchmark logs in, waits \
             for the synced facility's row, clicks it and waits for 20 visit rows.\n"
        );
    } else {
        let _ = writeln!(
            o,
            "Open a facility with 20 visits the phone holds in IndexedDB (same throttling): in the \
             app, from a click on its row until 20 `{}` are shown: median {} ms (runs: {}); cold, \
             loading `/facility/{{id}}` until the same: median {} ms (runs: {}).\n",
            fo["visit_selector"].as_str().unwrap_or("?"),
            f(&fo["in_app_ms_median"], 0),
            list(&fo["in_app_ms"]),
            f(&fo["cold_ms_median"], 0),
            list(&fo["cold_ms"]),
        );
    }
}

fn left_out(o: &mut String, r: &Results) {
    let _ = writeln!(o, "## Where the misses come from\n");
    let _ = writeln!(
        o,
        "What the code does that the figures above show, and what would close each gap; none \
         of it is built yet.\n\n\
         - **Ingest, 3× the peer.** With 1 to 16 phones our upload rate is about the peer's \
           while our server spends less CPU per document. Every sync is its own SQLite \
           transaction with its own fsync, and writes are serialised, so with 64 and 256 \
           phones they queue (see the acknowledgement latencies). Committing several phones' \
           syncs in one transaction (group commit) is the known way to multiply the rate.\n\
         - **CPU per update.** Each sync loads the document's stored chunks, merges, stores \
           the new changes and re-classifies the facility in the same transaction; the peer \
           keeps every document in memory. A cache of recently synced documents would remove \
           most of the load.\n\
         - **Memory, 1/3 of the peer's.** Our peak grows with concurrent requests, each \
           holding the documents it merges; a single phone stays near 1/3.\n\
         - **County-wide facility lists.** `GET /api/facilities` without a township returns \
           every row as one JSON body; it is for API clients and scripts, not the page. \
           Paging would bound it.\n\
         - **Export time and memory.** The five tables are computed from one snapshot of \
           every facility row held in memory, so that they agree with each other; the XLSX \
           rows themselves stream to temporary files. Reading rows from the read transaction \
           table by table would bound the memory and most of the time.\n\
         - **First load.** The wasm is Automerge, Yew and every page in one module, built \
           for size and passed through Binaryen 132's `wasm-opt -Oz`, which shrinks it raw \
           but hardly brotli-compressed; where the bytes are is under Client size. Every \
           later load comes from the service worker.\n"
    );
    let _ = writeln!(o, "## Left out, and how to read this\n");
    let _ = writeln!(
        o,
        "- The phones and the server share the 2 cores, as the peer's Node driver and the peer \
           do; the phones run on one thread. Server CPU per operation is the figure least \
           affected by that and by other builds.\n\
         - The peer acknowledges before it has written anything and never fsyncs; our FULL \
           figures include an fsync per sync. NORMAL is shown only to separate the cost of the \
           fsync from the rest.\n\
         - HTTP headers are not counted in the byte figures; TLS is not used (loopback).\n\
         - National scale is written through the storage API, not through 270,000 syncs; the \
           sync path itself is what the ingest part measures.\n\
         - Photos (blob uploads) are not part of any figure; documents hold photo references only.\n\
         - `GET /api/facilities` for the whole county returns every row in one JSON body; \
           the page never asks for it (it reads `/api/dashboard` and `/api/leads`)."
    );
    if let Some(note) = &r.client_note {
        let _ = writeln!(o, "- {note}.");
    }
    let _ = writeln!(o);
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn a_regenerated_report_keeps_the_client_size_section() {
        let previous = format!("# B\n\n{SIZE_BEGIN}\n## Client size\n\nold\n{SIZE_END}\n\n## X\n");
        let report = "# B\n\n## Client\n\n## Where the misses come from\n\n- a\n".to_string();
        let kept = keep_hand_written_sections(report.clone(), &previous);
        assert_eq!(
            kept,
            format!(
                "# B\n\n## Client\n\n{SIZE_BEGIN}\n## Client size\n\nold\n{SIZE_END}\n\n\
                 ## Where the misses come from\n\n- a\n"
            )
        );
        assert_eq!(keep_hand_written_sections(report.clone(), "# B\n"), report);
    }
}
