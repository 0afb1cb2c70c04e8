//! The county dashboard: roll-ups and lists scoped by role, and the live
//! `lead` event a county staff user receives when an inspector's sync
//! commits a red result. Events are awaited with a bound, never slept for.

use mopai_shared::dashboard::{Dashboard, FacilityListRow, Lead};
use mopai_shared::doc::Scope;
use mopai_shared::ids::{DocId, FacilityId, VisitId};
use mopai_shared::model::{Category, RiskLevel};
use mopai_tests::county::{self, SPECS};
use mopai_tests::events::Events;
use mopai_tests::server::TestServer;

async fn get<T: serde::de::DeserializeOwned>(
    server: &TestServer,
    path: &str,
    token: &str,
) -> (u16, Option<T>) {
    server.get_json(path, token).await
}

/// Syncs one facility from `username`'s phone, as `county::SPECS[spec]` says.
async fn sync_facility(
    server: &TestServer,
    username: &str,
    township: mopai_shared::ids::TownshipId,
    inspector: mopai_shared::ids::UserId,
    spec: usize,
) -> FacilityId {
    let mut phone = county::device(server, username).await;
    let id = FacilityId::random();
    let body = county::facility(&SPECS[spec], VisitId::random(), inspector, 14);
    phone.create(DocId::facility(id), Scope::Township(township), &body);
    phone.sync().await.expect("sync");
    id
}

fn spec_index(name: &str) -> usize {
    SPECS.iter().position(|s| s.name == name).expect("spec")
}

#[tokio::test]
async fn county_staff_get_a_lead_event_when_a_red_result_syncs() {
    let (server, townships, inspectors, _) = county::accounts().await;
    let staff = server.token("staff", county::PASSWORD).await;
    let lead_b = server.token("lead-b", county::PASSWORD).await;
    let mut staff_events = Events::open(&server, &staff).await;
    let mut b_events = Events::open(&server, &lead_b).await;

    let red = spec_index("福寿园养老院");
    assert_eq!(SPECS[red].level, RiskLevel::Red);
    let id = sync_facility(&server, "insp-a", townships[0], inspectors[0], red).await;
    let lead = staff_events.next_lead().await.expect("a lead");
    assert_eq!((lead.facility, lead.level), (id, RiskLevel::Red));
    assert_eq!(lead.township.name, county::TOWNSHIPS[0]);
    assert!(lead.main_problems.contains("R1"), "{}", lead.main_problems);

    // 开云镇's lead is not told about 城关镇: the first lead it hears of is
    // its own township's, synced after the red one.
    let orange = spec_index("长青院");
    let own = sync_facility(&server, "insp-b", townships[1], inspectors[1], orange).await;
    let heard = b_events.next_lead().await.expect("a lead");
    assert_eq!((heard.facility, heard.level), (own, RiskLevel::Orange));
    assert_eq!(
        staff_events.next_lead().await.expect("a lead").facility,
        own
    );

    // A yellow result is no lead: the next one staff hear of is the red
    // result synced after it.
    let yellow = spec_index("百岁坊");
    sync_facility(&server, "insp-a", townships[0], inspectors[0], yellow).await;
    let red = spec_index("夕阳红公寓");
    let newest = sync_facility(&server, "insp-a", townships[0], inspectors[0], red).await;
    assert_eq!(
        staff_events.next_lead().await.expect("a lead").facility,
        newest
    );
}

#[tokio::test]
async fn dashboard_rolls_up_per_township_and_scopes_by_role() {
    let county = county::build().await;
    let staff = county.token("staff").await;
    let lead_a = county.token("lead-a").await;
    let lead_b = county.token("lead-b").await;
    let server = &county.server;

    let (status, d) = get::<Dashboard>(server, "/api/dashboard", &staff).await;
    assert_eq!(status, 200);
    let d = d.expect("dashboard");
    assert_eq!(d.townships.len(), 2);
    assert_eq!(d.total.listed.total as usize, SPECS.len());
    assert_eq!(d.total.visited as usize, SPECS.len());
    assert_eq!(d.total.reviewed, 1);
    assert_eq!(d.total.coverage_pct, Some(100.0));
    let count = |level| SPECS.iter().filter(|s| s.level == level).count() as u32;
    assert_eq!(
        (
            d.total.levels.red,
            d.total.levels.orange,
            d.total.levels.yellow,
            d.total.levels.green
        ),
        (
            count(RiskLevel::Red),
            count(RiskLevel::Orange),
            count(RiskLevel::Yellow),
            count(RiskLevel::Green)
        )
    );
    let venues = SPECS
        .iter()
        .filter(|s| s.category == Category::UnregisteredVenue)
        .count();
    assert_eq!(d.total.listed.venue as usize, venues);
    assert_eq!(d.total.disposal.refunded_yuan, county::REFUNDED_YUAN);
    assert_eq!(
        d.total.disposal.plans_overdue, 1,
        "福寿园's deadline passed unresolved"
    );
    assert!(
        d.total.review_overdue,
        "tables were due in 2022; most visits unapproved"
    );
    let total_row = d.by_category.last().expect("total row");
    assert!(total_row.total && total_row.levels.total as usize == SPECS.len());
    assert_eq!(
        d.by_day.last().map(|x| x.cumulative as usize),
        Some(SPECS.len())
    );
    let full_survey = d
        .schedule
        .iter()
        .find(|p| p.phase.code() == "full_survey")
        .expect("phase");
    assert!(full_survey.ended);
    assert_eq!(full_survey.visits as usize, SPECS.len());

    // A township lead sees their own township only; another one is 404.
    let (_, mine) = get::<Dashboard>(server, "/api/dashboard", &lead_a).await;
    let mine = mine.expect("dashboard");
    assert_eq!(mine.townships.len(), 1);
    assert_eq!(mine.township.expect("scoped").name, county::TOWNSHIPS[0]);
    assert_eq!(mine.total.publicity_activities as usize, county::ACTIVITIES);
    let other = format!("/api/dashboard?township={}", county.townships[1]);
    assert_eq!(get::<Dashboard>(server, &other, &lead_a).await.0, 404);

    // Leads: red and orange, scoped the same way.
    let (_, leads) = get::<Vec<Lead>>(server, "/api/leads", &staff).await;
    let leads = leads.expect("leads");
    assert_eq!(
        leads.len() as u32,
        count(RiskLevel::Red) + count(RiskLevel::Orange)
    );
    let (_, b_leads) = get::<Vec<Lead>>(server, "/api/leads", &lead_b).await;
    let names: Vec<String> = b_leads
        .expect("leads")
        .into_iter()
        .map(|l| l.name)
        .collect();
    assert_eq!(names, ["长青院"]);

    // Facility rows filter by level and category; bad filters are 400.
    let (_, red) = get::<Vec<FacilityListRow>>(server, "/api/facilities?level=red", &staff).await;
    assert_eq!(red.expect("rows").len() as u32, count(RiskLevel::Red));
    let (_, venues_rows) = get::<Vec<FacilityListRow>>(
        server,
        "/api/facilities?category=unregistered_venue",
        &staff,
    )
    .await;
    let venues_rows = venues_rows.expect("rows");
    assert_eq!(venues_rows.len(), venues);
    assert!(
        venues_rows.iter().all(|r| r.must_report),
        "every venue is reported"
    );
    let (_, planned) =
        get::<Vec<FacilityListRow>>(server, "/api/facilities?level=red", &lead_a).await;
    let planned = planned.expect("rows");
    let plan = &planned
        .iter()
        .find(|r| r.name == county::PLANNED)
        .expect("row")
        .plan;
    assert!(plan.overdue && plan.measures_done == 3);
    assert_eq!(
        get::<Vec<FacilityListRow>>(server, "/api/facilities?level=purple", &staff)
            .await
            .0,
        400
    );
}

/// The county dashboard recomputes only the townships written since it last
/// looked; whatever it keeps, each answer equals a fresh computation at the
/// same moment, after writes in either township and on a new day.
#[tokio::test]
async fn the_cached_county_dashboard_always_equals_a_fresh_one() {
    use mopai_server::dashboard_cache::DashboardCache;
    use mopai_server::storage::rollups::Area;
    use mopai_shared::model::Timestamp;

    let county = county::build().await;
    let server = &county.server;
    let cache = DashboardCache::default();
    let now = Timestamp::from_unix(1_700_000_000).expect("a moment");
    let check = |now: Timestamp| {
        server
            .storage()
            .read(|tx| {
                let cached = cache.county(tx, now)?;
                let fresh = tx.dashboard(Area::County, None, now)?;
                assert_eq!(cached, fresh, "cached and fresh differ at {now:?}");
                Ok::<_, mopai_server::error::AppError>(cached)
            })
            .expect("dashboard")
    };
    let first = check(now);
    assert_eq!(check(now), first, "nothing written: the same answer");

    let red = spec_index("福寿园养老院");
    for (t, username) in [(0, "insp-a"), (1, "insp-b")] {
        let before = check(now);
        sync_facility(
            server,
            username,
            county.townships[t],
            county.inspectors[t],
            red,
        )
        .await;
        let after = check(now);
        assert_eq!(after.total.levels.red, before.total.levels.red + 1);
        assert_eq!(
            after.townships[t].levels.red,
            before.townships[t].levels.red + 1,
            "the written township's part was recomputed"
        );
        assert_eq!(after.townships[1 - t], before.townships[1 - t]);
    }
    let next_day = Timestamp::from_unix(1_700_000_000 + 86_400).expect("a moment");
    check(next_day);

    let staff = county.token("staff").await;
    let (_, served) = get::<Dashboard>(server, "/api/dashboard", &staff).await;
    let served = served.expect("dashboard");
    assert_eq!(served.total.levels.red, check(now).total.levels.red);
}
