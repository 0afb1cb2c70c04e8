//! The golden scenarios (tests/golden/classification.json), run natively and
//! in headless Chromium under wasm-bindgen-test. The file is compiled in, so
//! no filesystem is needed on wasm32.

mod risk_support;

use std::collections::BTreeSet;

use mopai_shared::risk::{Assessment, RULES, RuleId};
use risk_support::Scenario;
use serde::Deserialize;

#[cfg(target_arch = "wasm32")]
use wasm_bindgen_test::{wasm_bindgen_test, wasm_bindgen_test_configure};
#[cfg(target_arch = "wasm32")]
wasm_bindgen_test_configure!(run_in_browser);

const GOLDEN: &str = include_str!("golden/classification.json");

#[derive(Deserialize)]
struct Golden {
    #[allow(dead_code)]
    about: Vec<String>,
    scenarios: Vec<Scenario>,
}

fn scenarios() -> Vec<Scenario> {
    serde_json::from_str::<Golden>(GOLDEN)
        .expect("golden file parses")
        .scenarios
}

#[cfg_attr(target_arch = "wasm32", wasm_bindgen_test)]
#[cfg_attr(not(target_arch = "wasm32"), test)]
fn golden_scenarios_classify_as_expected() {
    let failures: Vec<String> = scenarios()
        .iter()
        .flat_map(|s| {
            let got = s.classify();
            s.mismatches(&got)
                .into_iter()
                .map(move |m| format!("{:?}: {m}", s.name))
        })
        .collect();
    assert!(failures.is_empty(), "\n{}", failures.join("\n"));
}

#[cfg_attr(target_arch = "wasm32", wasm_bindgen_test)]
#[cfg_attr(not(target_arch = "wasm32"), test)]
fn golden_file_is_large_named_and_covers_every_rule() {
    let all = scenarios();
    assert!(all.len() >= 40, "only {} scenarios", all.len());
    let names: BTreeSet<&str> = all.iter().map(|s| s.name.as_str()).collect();
    assert_eq!(names.len(), all.len(), "scenario names must be unique");
    assert!(!names.contains(""), "every scenario has a name");

    let mut seen = BTreeSet::new();
    for s in &all {
        seen.extend(s.expect.fired.iter().copied());
        seen.extend(s.expect.disposal.as_deref().and_then(RuleId::from_code));
    }
    let missing: Vec<RuleId> = RuleId::ALL
        .iter()
        .filter(|r| !seen.contains(*r))
        .copied()
        .collect();
    assert!(missing.is_empty(), "no golden scenario fires {missing:?}");
}

/// The stored form survives JSON both ways, on both targets.
#[cfg_attr(target_arch = "wasm32", wasm_bindgen_test)]
#[cfg_attr(not(target_arch = "wasm32"), test)]
fn assessments_round_trip_through_json() {
    for s in scenarios() {
        let a = s.classify();
        let json = serde_json::to_string(&a).unwrap();
        let back: Assessment = serde_json::from_str(&json).unwrap();
        assert_eq!(back, a, "{}", s.name);
    }
}

#[cfg_attr(target_arch = "wasm32", wasm_bindgen_test)]
#[cfg_attr(not(target_arch = "wasm32"), test)]
fn rules_table_has_one_row_per_rule_id_in_id_order() {
    let ids: Vec<RuleId> = RULES.iter().map(|r| r.id).collect();
    assert_eq!(ids, RuleId::ALL);
    for r in RULES {
        assert_eq!(r.id.rule().id, r.id);
        assert!(!r.clause_zh.is_empty());
        // Exactly the U rules give no level.
        assert_eq!(r.level.is_none(), r.id.code().starts_with('U'), "{}", r.id);
    }
}
