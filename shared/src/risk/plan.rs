//! The one-facility plan (一院一策, DOMAIN §4): which facilities need one,
//! and the measures a new plan starts with, taken from the level and, for
//! an unregistered venue, its disposal path. The phone pre-fills the lead's
//! plan with these; the server may use the same list.

use super::assessment::Assessment;
use super::disposal::DisposalPath;
use super::measures::{self, SuggestedMeasure};
use crate::ids::MeasureId;
use crate::model::{Measure, RiskLevel};

/// Every red, orange or yellow facility and every unregistered venue gets
/// a plan. `effective` is the level the lists file the facility under (the
/// lead's confirmed level when current), so a raised level asks for a plan
/// even before the rules agree.
pub fn needs_plan(assessment: &Assessment, effective: RiskLevel) -> bool {
    plan_required(assessment.must_report_to_county, effective)
}

/// [`needs_plan`] from what a projection keeps: whether the rules say the
/// facility must be reported to the county, and its effective level.
pub fn plan_required(must_report_to_county: bool, effective: RiskLevel) -> bool {
    must_report_to_county || effective >= RiskLevel::Yellow
}

/// The measures the plan prescribes for `level`, then those of the venue's
/// path, one per kind (the first wording wins: report-to-county appears in
/// both lists). Routine supervision has no kind and no place in a plan.
pub fn plan_measures(level: RiskLevel, path: Option<&DisposalPath>) -> Vec<SuggestedMeasure> {
    let mut out: Vec<SuggestedMeasure> = Vec::new();
    let by_path = path.into_iter().flat_map(|p| p.measures.iter().cloned());
    for m in measures::for_level(level).into_iter().chain(by_path) {
        if m.kind.is_some() && out.iter().all(|o| o.kind != m.kind) {
            out.push(m);
        }
    }
    out
}

/// [`plan_measures`] as the measures of a new plan, none done yet.
pub fn prefill(level: RiskLevel, path: Option<&DisposalPath>) -> Vec<Measure> {
    plan_measures(level, path)
        .into_iter()
        .filter_map(|m| {
            Some(Measure {
                id: MeasureId::random(),
                kind: m.kind?,
                detail: m.text_zh,
                done_on: None,
                refunded_yuan: None,
            })
        })
        .collect()
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::model::{Category, CountySettings, Facility, MeasureKind, VenueNature, Visit};
    use crate::risk::classify;
    use MeasureKind::*;

    fn kinds(level: RiskLevel, path: Option<&DisposalPath>) -> Vec<MeasureKind> {
        prefill(level, path).into_iter().map(|m| m.kind).collect()
    }

    /// An unregistered venue housing elderly people, with or without a
    /// large prepayment, classified by the shared rules.
    fn venue(prepaid: bool, nature: Option<VenueNature>) -> Facility {
        let mut f = Facility {
            category: Some(Category::UnregisteredVenue),
            ..Facility::default()
        };
        f.profile.venue.nature = nature;
        f.profile.venue.houses_elderly = Some(true);
        let mut v = Visit::new(crate::ids::VisitId::random(), crate::ids::UserId::random());
        v.findings.operations_stable = Some(true);
        v.findings.prepayment.collected = Some(prepaid);
        if prepaid {
            v.findings.prepayment.total_yuan = Some(600_000);
            v.findings.prepayment.persons = Some(20);
        }
        f.visits.push(v);
        f
    }

    #[test]
    fn each_level_starts_with_the_measures_domain_lists() {
        assert_eq!(
            kinds(RiskLevel::Red, None),
            [
                ReportCounty,
                AntiFraudMechanism,
                ResettleResidents,
                TransferPolice
            ]
        );
        assert_eq!(
            kinds(RiskLevel::Orange, None),
            [
                ReportCounty,
                AntiFraudMechanism,
                WarningTalk,
                OrderRectify,
                Refund
            ]
        );
        assert_eq!(
            kinds(RiskLevel::Yellow, None),
            [ReportCounty, RiskWarning, SpotChecks]
        );
        assert!(
            kinds(RiskLevel::Green, None).is_empty(),
            "routine supervision"
        );
        let red = prefill(RiskLevel::Red, None);
        assert!(
            red.iter()
                .all(|m| m.done_on.is_none() && !m.detail.is_empty())
        );
        assert_ne!(red[0].id, red[1].id);
    }

    #[test]
    fn a_venue_adds_its_path_once_per_kind() {
        let settings = CountySettings::default();
        let u1 = classify(&venue(false, None), None, &settings);
        let path = u1.disposal.as_ref().expect("U1");
        assert_eq!(
            kinds(u1.level, Some(path)),
            [UrgeRegistration, SpotChecks, ReportCounty]
        );
        let u2 = classify(&venue(true, Some(VenueNature::Enterprise)), None, &settings);
        let path = u2.disposal.as_ref().expect("U2");
        let got = kinds(u2.level, Some(path));
        for kind in [Refund, TransferMarketSupervision, BanOrClose, ReportCounty] {
            assert_eq!(
                got.iter().filter(|k| **k == kind).count(),
                1,
                "{kind:?} in {got:?}"
            );
        }
        let social = classify(
            &venue(true, Some(VenueNature::PrivateNonEnterprise)),
            None,
            &settings,
        );
        assert!(
            kinds(social.level, social.disposal.as_ref()).contains(&ReferSocialOrgRegistration)
        );
    }

    #[test]
    fn venues_and_levels_from_yellow_need_a_plan() {
        let settings = CountySettings::default();
        let green = classify(&Facility::default(), None, &settings);
        assert!(!needs_plan(&green, RiskLevel::Green));
        assert!(needs_plan(&green, RiskLevel::Yellow), "raised by the lead");
        let u1 = classify(&venue(false, None), None, &settings);
        assert!(needs_plan(&u1, u1.level));
    }
}
