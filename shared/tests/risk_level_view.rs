//! The lead's confirmed level beside the computed one: both kept, and an
//! out-of-date confirmation never hides a higher computed level.

use mopai_shared::ids::{UserId, VisitId};
use mopai_shared::model::RiskLevel::{self, *};
use mopai_shared::model::{FacilityReview, Review, ReviewState, Timestamp};
use mopai_shared::risk::LevelView;
use uuid::Uuid;

#[cfg(target_arch = "wasm32")]
use wasm_bindgen_test::{wasm_bindgen_test, wasm_bindgen_test_configure};
#[cfg(target_arch = "wasm32")]
wasm_bindgen_test_configure!(run_in_browser);

fn review(visit: u128, at: &str, then: Option<RiskLevel>, confirmed: Option<RiskLevel>) -> Review {
    Review {
        visit: VisitId::from_uuid(Uuid::from_u128(visit)),
        state: ReviewState::Approved,
        state_at: at.parse::<Timestamp>().unwrap(),
        reviewer: UserId::from_uuid(Uuid::from_u128(0xB)),
        comments: Vec::new(),
        computed_level: then,
        confirmed_level: confirmed,
        level_reason: "经核实已全额退款".into(),
    }
}

fn reviews(list: Vec<Review>) -> FacilityReview {
    FacilityReview {
        reviews: list,
        ..FacilityReview::default()
    }
}

const T1: &str = "2022-01-17T10:00:00+08:00";
const T2: &str = "2022-01-19T10:00:00+08:00";

#[cfg_attr(target_arch = "wasm32", wasm_bindgen_test)]
#[cfg_attr(not(target_arch = "wasm32"), test)]
fn without_confirmation_the_computed_level_holds() {
    for r in [None, Some(reviews(vec![review(1, T1, Some(Red), None)]))] {
        let v = LevelView::new(Red, r.as_ref());
        assert_eq!(v.confirmed, None);
        assert_eq!(v.effective(), Red);
        assert!(!v.overridden());
    }
}

#[cfg_attr(target_arch = "wasm32", wasm_bindgen_test)]
#[cfg_attr(not(target_arch = "wasm32"), test)]
fn a_current_confirmation_sets_the_level_and_keeps_both() {
    let r = reviews(vec![review(1, T1, Some(Orange), Some(Yellow))]);
    let v = LevelView::new(Orange, Some(&r));
    assert_eq!(v.computed, Orange);
    let c = v.confirmed.as_ref().unwrap();
    assert_eq!((c.level, c.stale), (Yellow, false));
    assert_eq!(c.reason, "经核实已全额退款");
    assert_eq!(v.effective(), Yellow);
    assert!(v.overridden());
}

#[cfg_attr(target_arch = "wasm32", wasm_bindgen_test)]
#[cfg_attr(not(target_arch = "wasm32"), test)]
fn a_stale_confirmation_can_raise_but_never_lower() {
    // Confirmed lower than computed, then new facts raised the computed level.
    let r = reviews(vec![review(1, T1, Some(Orange), Some(Yellow))]);
    let v = LevelView::new(Red, Some(&r));
    assert!(v.confirmed.as_ref().unwrap().stale);
    assert_eq!(v.effective(), Red);

    // Confirmed higher than computed, then the computed level moved.
    let r = reviews(vec![review(1, T1, Some(Yellow), Some(Red))]);
    assert_eq!(LevelView::new(Orange, Some(&r)).effective(), Red);
    assert_eq!(LevelView::new(Green, Some(&r)).effective(), Red);
}

#[cfg_attr(target_arch = "wasm32", wasm_bindgen_test)]
#[cfg_attr(not(target_arch = "wasm32"), test)]
fn the_latest_confirmation_counts() {
    let r = reviews(vec![
        review(2, T2, Some(Orange), Some(Orange)),
        review(1, T1, Some(Orange), Some(Green)),
    ]);
    let v = LevelView::new(Orange, Some(&r));
    assert_eq!(v.effective(), Orange);
    assert_eq!(
        v.confirmed.unwrap().visit,
        VisitId::from_uuid(Uuid::from_u128(2))
    );
}

#[cfg_attr(target_arch = "wasm32", wasm_bindgen_test)]
#[cfg_attr(not(target_arch = "wasm32"), test)]
fn without_the_level_of_the_moment_a_confirmation_may_only_raise() {
    let r = reviews(vec![review(1, T1, None, Some(Yellow))]);
    let v = LevelView::new(Orange, Some(&r));
    assert!(v.confirmed.as_ref().unwrap().stale);
    assert_eq!(v.effective(), Orange);
    assert_eq!(LevelView::new(Green, Some(&r)).effective(), Yellow);
}
