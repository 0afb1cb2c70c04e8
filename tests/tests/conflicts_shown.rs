//! A field two phones recorded differently offline is shown as a conflict,
//! every value standing, in the live feed, the facility list and the
//! tables, until the lead settles it; never only the winner.

use mopai_shared::dashboard::{FacilityListRow, Lead};
use mopai_shared::ids::VisitId;
use mopai_shared::model::{Facility, FundUse, Timestamp, Visit};
use mopai_shared::roles::Role;
use mopai_tests::events::Events;
use mopai_tests::server::TestServer;

const PASSWORD: &str = "conflict-password";

#[tokio::test]
async fn concurrent_values_reach_the_feed_the_list_and_the_tables() {
    let server = TestServer::start().await;
    let township = server.add_townships(&["开云镇"])[0];
    for name in ["wang", "li"] {
        server.add_user(name, Role::Inspector, Some("开云镇"), PASSWORD);
    }
    server.add_user("county", Role::CountyStaff, None, PASSWORD);
    let county = server.token("county", PASSWORD).await;
    let mut feed = Events::open(&server, &county).await;

    let mut wang = server.phone("wang", PASSWORD).await;
    let id = wang.create_facility(township, "夕阳红养老院");
    wang.sync().await.unwrap();
    let mut li = server.phone("li", PASSWORD).await;
    li.sync().await.unwrap();

    // Offline, each writes a different operator; wang also finds money
    // moved to an affiliate, which makes the facility orange.
    wang.edit::<Facility>(&id, |f| f.profile.operator = "甲公司".into());
    li.edit::<Facility>(&id, |f| f.profile.operator = "乙公司".into());
    li.sync().await.unwrap();
    let by = wang.user.as_ref().unwrap().id;
    wang.edit::<Facility>(&id, |f| {
        let mut v = Visit::new(VisitId::random(), by);
        v.arrived_at = Timestamp::from_unix(mopai_server::clock::unix_now() - 3600);
        let p = &mut v.findings.prepayment;
        p.collected = Some(true);
        p.total_yuan = Some(3_000_000);
        p.persons = Some(30);
        p.fund_use = p.fund_use.clone().with(FundUse::DivertedToAffiliates, true);
        f.visits.push(v);
    });
    wang.sync().await.unwrap();

    let both = |values: &[String]| {
        let mut v = values.to_vec();
        v.sort();
        v == ["乙公司", "甲公司"]
    };
    let lead: Lead = feed.next_lead().await.expect("a lead event");
    let conflict = lead
        .conflicts
        .iter()
        .find(|c| c.field == "profile.operator")
        .unwrap_or_else(|| panic!("no conflict in the feed: {:?}", lead.conflicts));
    assert!(both(&conflict.values), "{conflict:?}");

    let (status, rows) = server
        .get_json::<Vec<FacilityListRow>>("/api/facilities", &county)
        .await;
    assert_eq!(status, 200);
    let row = rows.unwrap().into_iter().next().expect("the facility");
    assert!(both(&row.conflicts[0].values), "{:?}", row.conflicts);

    let csv = reqwest::Client::new()
        .get(server.url("/api/export/3.csv"))
        .bearer_auth(&county)
        .send()
        .await
        .unwrap()
        .text()
        .await
        .unwrap();
    let header = csv.lines().next().unwrap();
    assert!(header.ends_with("未决冲突（待审核裁决）"), "{header}");
    let line = csv.lines().find(|l| l.contains("夕阳红养老院")).unwrap();
    assert!(
        line.contains("profile.operator：甲公司／乙公司")
            || line.contains("profile.operator：乙公司／甲公司"),
        "{line}"
    );
}
