//! Table-driven tests: each rule once firing and once holding back, then the
//! boundary values of every threshold the rules read from the settings.

mod risk_support;

use std::collections::BTreeSet;

use mopai_shared::risk::RuleId::{self, *};
use risk_support::scenario;
use serde_json::{Value, json};

#[cfg(target_arch = "wasm32")]
use wasm_bindgen_test::{wasm_bindgen_test, wasm_bindgen_test_configure};
#[cfg(target_arch = "wasm32")]
wasm_bindgen_test_configure!(run_in_browser);

/// A large prepayment, with use and solvency answered so Y5 stays quiet.
fn large(extra: Value) -> Value {
    let mut v = json!({ "per_person_yuan": 60000, "fund_use": { "bank_custody": true }, "solvency": "solvent" });
    merge(&mut v, extra);
    v
}

/// A prepayment answered in full and under every threshold.
fn small(extra: Value) -> Value {
    let mut v =
        json!({ "collected": true, "total_yuan": 100000, "per_person_yuan": 10000, "months": 6 });
    merge(&mut v, extra);
    v
}

fn merge(into: &mut Value, extra: Value) {
    if let (Value::Object(a), Value::Object(b)) = (into, extra) {
        a.extend(b);
    }
}

fn venue(extra: Value) -> Value {
    let mut v =
        json!({ "category": "unregistered_venue", "nature": "enterprise", "houses_elderly": true });
    merge(&mut v, extra);
    v
}

/// (rule, fires?, what, scenario)
fn rule_cases() -> Vec<(RuleId, bool, &'static str, Value)> {
    vec![
        (
            R1,
            true,
            "suspected fraud",
            json!({ "visits": [{ "suspected_fraud": true }] }),
        ),
        (
            R1,
            false,
            "answered no",
            json!({ "visits": [{ "suspected_fraud": false }] }),
        ),
        (
            R2,
            true,
            "large and insolvent",
            json!({ "visits": [large(json!({ "solvency": "insolvent" }))] }),
        ),
        (
            R2,
            false,
            "large and solvent",
            json!({ "visits": [large(json!({}))] }),
        ),
        (
            R2,
            false,
            "small and insolvent",
            json!({ "visits": [small(json!({ "solvency": "insolvent" }))] }),
        ),
        (
            R3,
            true,
            "defaulted",
            json!({ "visits": [{ "defaulted": true }] }),
        ),
        (
            R3,
            false,
            "not defaulted",
            json!({ "visits": [{ "defaulted": false }] }),
        ),
        (
            R4,
            true,
            "group petition",
            json!({ "visits": [{ "group_petition": true }] }),
        ),
        (
            R4,
            true,
            "negative publicity",
            json!({ "visits": [{ "negative_publicity": true }] }),
        ),
        (
            R4,
            false,
            "neither",
            json!({ "visits": [{ "group_petition": false, "negative_publicity": false }] }),
        ),
        (
            O1,
            true,
            "lawsuit found",
            json!({ "checks": ["economic_crime_lawsuit"] }),
        ),
        (
            O1,
            false,
            "checks clear or open",
            json!({ "checks": ["clear", null, "abnormal_operation"] }),
        ),
        (
            O2,
            true,
            "one complaint",
            json!({ "visits": [{ "complaints": 1 }] }),
        ),
        (
            O2,
            true,
            "listed from a public report",
            json!({ "source": "public_report" }),
        ),
        (
            O2,
            false,
            "zero complaints, police listing",
            json!({ "source": "police", "visits": [{ "complaints": 0 }] }),
        ),
        (
            O3,
            true,
            "elderly-care blacklist",
            json!({ "checks": ["blacklist_elderly_care"] }),
        ),
        (
            O3,
            false,
            "abnormal operation is no blacklist",
            json!({ "checks": ["abnormal_operation"] }),
        ),
        (
            O4,
            true,
            "large, diverted",
            json!({ "visits": [large(json!({ "fund_use": { "diverted_to_affiliates": true } }))] }),
        ),
        (
            O4,
            false,
            "large, custody",
            json!({ "visits": [large(json!({}))] }),
        ),
        (
            O4,
            false,
            "small, diverted",
            json!({ "visits": [small(json!({ "fund_use": { "diverted_to_affiliates": true } }))] }),
        ),
        (
            O4,
            false,
            "large, diverted, insolvent (R2 instead)",
            json!({ "visits": [large(json!({ "fund_use": { "diverted_to_affiliates": true }, "solvency": "insolvent" }))] }),
        ),
        (
            Y1,
            true,
            "large, construction",
            json!({ "visits": [large(json!({ "fund_use": { "construction": true } }))] }),
        ),
        (
            Y1,
            false,
            "small, construction",
            json!({ "visits": [small(json!({ "fund_use": { "construction": true } }))] }),
        ),
        (
            Y2,
            true,
            "rapid expansion",
            json!({ "visits": [{ "rapid_expansion": true }] }),
        ),
        (
            Y2,
            false,
            "no rapid expansion",
            json!({ "visits": [{ "rapid_expansion": false }] }),
        ),
        (
            Y3,
            true,
            "two changes",
            json!({ "visits": [{ "address_changes": 2 }] }),
        ),
        (
            Y3,
            false,
            "no changes",
            json!({ "visits": [{ "legal_rep_changes": 0, "address_changes": 0 }] }),
        ),
        (
            Y4,
            true,
            "other risk",
            json!({ "visits": [{ "other_risk": true, "other_risk_reason": "消防不达标" }] }),
        ),
        (
            Y4,
            false,
            "no other risk",
            json!({ "visits": [{ "other_risk": false }] }),
        ),
        (
            Y5,
            true,
            "large, use unknown",
            json!({ "visits": [large(json!({ "fund_use": { "unknown": true } }))] }),
        ),
        (
            Y5,
            true,
            "large, solvency unanswered",
            json!({ "visits": [{ "total_yuan": 900000, "fund_use": { "construction": true } }] }),
        ),
        (
            Y5,
            false,
            "large, both known",
            json!({ "visits": [large(json!({}))] }),
        ),
        (
            Y5,
            false,
            "small, both unknown",
            json!({ "visits": [small(json!({}))] }),
        ),
        (
            U1,
            true,
            "venue, stable, no prepayment",
            venue(json!({ "visits": [{ "collected": false, "operations_stable": true }] })),
        ),
        (
            U1,
            false,
            "venue, stable, prepayment unknown",
            venue(json!({ "visits": [{ "operations_stable": true }] })),
        ),
        (
            U1,
            false,
            "institution, stable, no prepayment",
            json!({ "visits": [{ "collected": false, "operations_stable": true }] }),
        ),
        (
            U2,
            true,
            "venue, large",
            venue(json!({ "visits": [large(json!({}))] })),
        ),
        (
            U2,
            false,
            "venue housing no elderly, large",
            venue(json!({ "houses_elderly": false, "visits": [large(json!({}))] })),
        ),
        (
            U2,
            false,
            "filed institution, large",
            json!({ "visits": [large(json!({}))] }),
        ),
    ]
}

#[cfg_attr(target_arch = "wasm32", wasm_bindgen_test)]
#[cfg_attr(not(target_arch = "wasm32"), test)]
fn each_rule_fires_and_holds_back() {
    let mut failures = Vec::new();
    let mut covered = BTreeSet::new();
    for (rule, fires, what, value) in rule_cases() {
        covered.insert((rule, fires));
        let a = scenario(value).classify();
        let fired =
            a.fired_ids().any(|r| r == rule) || a.disposal.as_ref().is_some_and(|d| d.rule == rule);
        if fired != fires {
            failures.push(format!("{rule} {what}: fired={fired}, expected {fires}"));
        }
    }
    assert!(failures.is_empty(), "\n{}", failures.join("\n"));
    for rule in RuleId::ALL {
        assert!(
            covered.contains(&(*rule, true)),
            "{rule} has no firing case"
        );
        assert!(
            covered.contains(&(*rule, false)),
            "{rule} has no holding-back case"
        );
    }
}

/// (threshold patch, visit, expected large prepayment verdict)
fn large_prepayment_cases() -> Vec<(Value, Value, Option<bool>)> {
    let full = |months: u32, per: i64, total: i64| json!({ "collected": true, "months": months, "per_person_yuan": per, "total_yuan": total });
    vec![
        // DOMAIN defaults: > 12 months, ≥ 50,000 per person, ≥ 500,000 in total.
        (json!({}), full(12, 30_000, 300_000), Some(false)),
        (json!({}), full(13, 30_000, 300_000), Some(true)),
        (json!({}), full(6, 49_999, 300_000), Some(false)),
        (json!({}), full(6, 50_000, 300_000), Some(true)),
        (json!({}), full(6, 20_000, 499_999), Some(false)),
        (json!({}), full(6, 20_000, 500_000), Some(true)),
        // County settings move every boundary.
        (
            json!({ "large_prepay_months": 24 }),
            full(24, 1, 1),
            Some(false),
        ),
        (
            json!({ "large_prepay_months": 24 }),
            full(25, 1, 1),
            Some(true),
        ),
        (
            json!({ "large_prepay_per_person_yuan": 100000 }),
            full(1, 99_999, 99_999),
            Some(false),
        ),
        (
            json!({ "large_prepay_per_person_yuan": 100000 }),
            full(1, 100_000, 100_000),
            Some(true),
        ),
        (
            json!({ "large_prepay_total_yuan": 1000000 }),
            full(1, 1, 999_999),
            Some(false),
        ),
        (
            json!({ "large_prepay_total_yuan": 1000000 }),
            full(1, 1, 1_000_000),
            Some(true),
        ),
        // Membership fees count only while the setting says so.
        (
            json!({}),
            json!({ "fees": { "membership_card": true } }),
            Some(true),
        ),
        (
            json!({ "membership_fee_is_large": false }),
            json!({ "fees": { "membership_card": true } }),
            None,
        ),
        // 一次性预付多年 means at least 24 months: large only above a lower bar.
        (
            json!({}),
            json!({ "fees": { "multi_year_prepay": true } }),
            Some(true),
        ),
        (
            json!({ "large_prepay_months": 23 }),
            json!({ "fees": { "multi_year_prepay": true } }),
            Some(true),
        ),
        (
            json!({ "large_prepay_months": 24 }),
            json!({ "fees": { "multi_year_prepay": true } }),
            None,
        ),
        // "Not collected" answers every figure with 0; nothing answered is unknown.
        (json!({}), json!({ "collected": false }), Some(false)),
        (json!({}), json!({ "collected": true }), None),
        (json!({}), json!({}), None),
        // Residents' accounts count, at the same boundaries.
        (
            json!({}),
            json!({ "interviews": [{ "prepaid_yuan": 49_999, "prepaid_months": 12 }] }),
            None,
        ),
        (
            json!({}),
            json!({ "interviews": [{ "prepaid_yuan": 50_000 }] }),
            Some(true),
        ),
        (
            json!({}),
            json!({ "interviews": [{ "prepaid_months": 13 }] }),
            Some(true),
        ),
    ]
}

#[cfg_attr(target_arch = "wasm32", wasm_bindgen_test)]
#[cfg_attr(not(target_arch = "wasm32"), test)]
fn large_prepayment_boundaries() {
    let failures: Vec<String> = large_prepayment_cases()
        .into_iter()
        .filter_map(|(settings, visit, want)| {
            let s = scenario(json!({ "settings": settings, "visits": [visit] }));
            let got = s.classify().large_prepayment;
            (got != want).then(|| format!("{settings} {visit}: got {got:?}, expected {want:?}"))
        })
        .collect();
    assert!(failures.is_empty(), "\n{}", failures.join("\n"));
}

/// (threshold patch, visit, Y3 fires?)
#[cfg_attr(target_arch = "wasm32", wasm_bindgen_test)]
#[cfg_attr(not(target_arch = "wasm32"), test)]
fn frequent_changes_boundaries() {
    let cases = [
        (json!({}), json!({ "legal_rep_changes": 1 }), false),
        (json!({}), json!({ "legal_rep_changes": 2 }), true),
        (
            json!({}),
            json!({ "legal_rep_changes": 1, "address_changes": 1 }),
            true,
        ),
        (
            json!({ "frequent_changes": 3 }),
            json!({ "legal_rep_changes": 1, "address_changes": 1 }),
            false,
        ),
        (
            json!({ "frequent_changes": 3 }),
            json!({ "legal_rep_changes": 2, "address_changes": 1 }),
            true,
        ),
        (
            json!({ "frequent_changes": 1 }),
            json!({ "address_changes": 1 }),
            true,
        ),
        // Nothing answered is not "zero changes ≥ 0".
        (json!({ "frequent_changes": 0 }), json!({}), false),
    ];
    for (settings, visit, fires) in cases {
        let a = scenario(json!({ "settings": settings, "visits": [visit] })).classify();
        assert_eq!(a.fired_ids().any(|r| r == Y3), fires, "{settings} {visit}");
    }
}

#[cfg_attr(target_arch = "wasm32", wasm_bindgen_test)]
#[cfg_attr(not(target_arch = "wasm32"), test)]
fn unknown_use_setting_switches_y5_but_not_the_to_verify_item() {
    for on in [true, false] {
        let s = scenario(json!({
            "settings": { "unknown_use_is_yellow": on },
            "visits": [{ "per_person_yuan": 50000, "solvency": "solvent" }]
        }));
        let a = s.classify();
        assert_eq!(a.fired_ids().any(|r| r == Y5), on);
        assert!(
            a.to_verify.iter().any(|i| i.contains("资金去向不明")),
            "{on}"
        );
    }
}

#[cfg_attr(target_arch = "wasm32", wasm_bindgen_test)]
#[cfg_attr(not(target_arch = "wasm32"), test)]
fn report_and_police_flags() {
    // (scenario, must report, refer to police)
    let cases = [
        (
            json!({ "visits": [{ "suspected_fraud": true }] }),
            true,
            true,
        ),
        (json!({ "visits": [{ "defaulted": true }] }), true, false),
        (json!({ "visits": [{ "complaints": 1 }] }), true, false),
        (
            json!({ "visits": [{ "rapid_expansion": true }] }),
            true,
            false,
        ),
        (
            json!({ "visits": [{ "rapid_expansion": false }] }),
            false,
            false,
        ),
        (venue(json!({ "houses_elderly": false })), true, false),
    ];
    for (value, report, police) in cases {
        let a = scenario(value.clone()).classify();
        assert_eq!(a.must_report_to_county, report, "{value}");
        assert_eq!(a.refer_to_police, police, "{value}");
    }
}

#[cfg_attr(target_arch = "wasm32", wasm_bindgen_test)]
#[cfg_attr(not(target_arch = "wasm32"), test)]
fn measures_follow_the_level() {
    use mopai_shared::model::{MeasureKind, RiskLevel};
    let cases = [
        (
            json!({ "visits": [{ "suspected_fraud": true }] }),
            RiskLevel::Red,
            MeasureKind::TransferPolice,
        ),
        (
            json!({ "visits": [{ "complaints": 1 }] }),
            RiskLevel::Orange,
            MeasureKind::WarningTalk,
        ),
        (
            json!({ "visits": [{ "rapid_expansion": true }] }),
            RiskLevel::Yellow,
            MeasureKind::SpotChecks,
        ),
    ];
    for (value, level, kind) in cases {
        let a = scenario(value).classify();
        assert_eq!(a.level, level);
        assert!(a.measures.iter().any(|m| m.kind == Some(kind)), "{level}");
    }
    let green = scenario(json!({ "visits": [{}] })).classify();
    assert_eq!(green.measures.len(), 1);
    assert_eq!(green.measures[0].kind, None);
}

#[cfg_attr(target_arch = "wasm32", wasm_bindgen_test)]
#[cfg_attr(not(target_arch = "wasm32"), test)]
fn fired_rules_cite_clause_and_visit() {
    use mopai_shared::risk::Source;
    let a =
        scenario(json!({ "visits": [{ "suspected_fraud": true, "fraud_basis": "虚构养老项目" }] }))
            .classify();
    let r1 = &a.fired[0];
    assert_eq!(r1.clause.section, "一.三");
    assert!(r1.clause.text_zh.contains("涉嫌非法集资、诈骗"));
    assert!(r1.facts[0].text_zh.contains("虚构养老项目"));
    assert!(r1.facts[0].text_zh.contains("2022-01-10走访"));
    assert!(matches!(r1.facts[0].source, Some(Source::Visit { .. })));
    assert_eq!(a.main_problems_zh(), "R1 涉嫌非法集资、诈骗");
}
