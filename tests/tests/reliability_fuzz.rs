//! The cargo-fuzz targets (`fuzz/src/lib.rs`: the request decoder and the
//! merge path) without libFuzzer: a bounded run over seeded random and
//! mutated inputs, in the normal suite. `cargo xtask fuzz --seconds N` runs
//! the same functions under libFuzzer with coverage guidance.
//!
//! Goal: 0 panics over `MOPAI_FUZZ_CASES` inputs per target (10,000 here).

#[path = "../../fuzz/src/lib.rs"]
mod targets;

use std::collections::BTreeMap;
use std::panic::{AssertUnwindSafe, catch_unwind};
use std::time::Instant;

use mopai_tests::rng::{Rng, env_count};

/// An input: raw random bytes (even first byte), or a few edits to a seed
/// (odd first byte, a seed index, then 3 bytes per edit).
fn input(rng: &mut Rng) -> Vec<u8> {
    if rng.chance(20) {
        let mut data = rng.bytes_below(2048);
        data.insert(0, 0);
        return data;
    }
    let edits = rng.index(targets::MAX_EDITS + 1);
    let mut data = rng.bytes(2 + 3 * edits);
    data[0] = 1;
    data
}

#[test]
fn fuzz_targets_do_not_panic_on_random_and_mutated_input() {
    let cases = env_count("MOPAI_FUZZ_CASES", 10_000);
    let mut rng = Rng::from_env("fuzz harness");
    let started = Instant::now();
    let seeds = targets::seeds();
    assert!(!seeds.messages.is_empty() && !seeds.requests.is_empty());
    // The seeds themselves (odd mode, seed i, no edits) merge.
    assert!(
        (0..seeds.messages.len())
            .any(|i| targets::merge(&[1, i as u8]) == targets::Merged::Changed),
        "no seed message changes the stored document"
    );

    let mut panics = Vec::new();
    let mut outcomes: BTreeMap<String, usize> = BTreeMap::new();
    // Panics are counted, not printed as they happen.
    let hook = std::panic::take_hook();
    std::panic::set_hook(Box::new(|_| {}));
    for _ in 0..cases {
        let data = input(&mut rng);
        if catch_unwind(AssertUnwindSafe(|| targets::sync_request(&data))).is_err() {
            panics.push(("sync_request", data.clone()));
        }
        match catch_unwind(AssertUnwindSafe(|| targets::merge(&data))) {
            Ok(outcome) => *outcomes.entry(format!("{outcome:?}")).or_default() += 1,
            Err(_) => panics.push(("merge", data)),
        }
    }
    std::panic::set_hook(hook);
    println!(
        "fuzz harness: {cases} inputs x 2 targets in {:.1} s; merge outcomes {outcomes:?}; panics: {}",
        started.elapsed().as_secs_f64(),
        panics.len()
    );
    for (target, data) in panics.iter().take(5) {
        println!("  {target} panicked on {}", hex::encode(data));
    }
    assert!(panics.is_empty(), "{} inputs panicked", panics.len());
    assert!(
        outcomes.get("Changed").copied().unwrap_or(0) > 0,
        "no mutated input reached the merge: the harness did not test it"
    );
}
