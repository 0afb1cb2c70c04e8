//! A small demo-like county for the dashboard and annex-table tests: two
//! townships, the five roles, and facilities synced from simulated phones
//! so that every rule (R1-R4, O1-O4, Y1-Y5, U1, U2) fires on one of them.
//! County staff record the online checks; the 城关镇 lead approves a visit,
//! reports to the county, records disposal plans and publicity activities.
//!
//! Each facility is a [`Spec`]: what its profile and its one visit say, and
//! the level and rules the server must compute from that.

use mopai_shared::doc::Scope;
use mopai_shared::ids::{
    ActivityId, CheckId, DocId, FacilityId, MeasureId, ProgressId, TownshipId, UserId, VisitId,
};
use mopai_shared::model::*;
use mopai_shared::roles::Role;

use crate::device::Device;
use crate::server::TestServer;

pub const PASSWORD: &str = "county-test-1";
pub const TOWNSHIPS: [&str; 2] = ["城关镇", "开云镇"];

/// One seeded facility.
pub struct Spec {
    pub name: &'static str,
    /// Index into [`TOWNSHIPS`].
    pub township: usize,
    pub category: Category,
    pub level: RiskLevel,
    /// Rules that must fire (U1/U2 included).
    pub rules: &'static [&'static str],
    /// A finding county staff record from an online check.
    pub check: Option<CheckFinding>,
    pub profile: fn(&mut Profile),
    pub findings: fn(&mut Findings),
}

fn nothing<T>(_: &mut T) {}

fn large(f: &mut Findings, fund: FundUse, solvency: Solvency) {
    f.prepayment.collected = Some(true);
    f.prepayment.total_yuan = Some(600_000);
    f.prepayment.persons = Some(30);
    f.prepayment.fund_use = Choices::default().with(fund, true);
    f.solvency = Some(solvency);
    f.operations_stable = Some(true);
}

fn no_prepayment(f: &mut Findings) {
    f.prepayment.collected = Some(false);
    f.operations_stable = Some(true);
}

pub const SPECS: &[Spec] = &[
    Spec {
        name: "福寿园养老院",
        township: 0,
        category: Category::FiledInstitution,
        level: RiskLevel::Red,
        rules: &["R1"],
        check: None,
        profile: |p| {
            p.beds = Some(80);
            p.residents = Some(50);
            p.filing_date = Day::ymd(2019, 3, 1);
            p.ownership = Some(Ownership::Private);
        },
        findings: |f| {
            f.suspected_fraud = Some(true);
            f.suspected_fraud_basis = "以高额返利吸收老人资金".into();
        },
    },
    Spec {
        name: "康乐院",
        township: 0,
        category: Category::FiledInstitution,
        level: RiskLevel::Red,
        rules: &["R2"],
        check: None,
        profile: |p| {
            p.beds = Some(60);
            p.filing_date = Day::ymd(2018, 5, 1);
        },
        findings: |f| large(f, FundUse::DailyOperations, Solvency::Insolvent),
    },
    Spec {
        name: "夕阳红公寓",
        township: 0,
        category: Category::FiledInstitution,
        level: RiskLevel::Red,
        rules: &["R3"],
        check: None,
        profile: nothing,
        findings: |f| f.incidents.defaulted = Some(true),
    },
    Spec {
        name: "颐年居",
        township: 0,
        category: Category::UnfiledInstitution,
        level: RiskLevel::Red,
        rules: &["R4"],
        check: None,
        profile: nothing,
        findings: |f| f.incidents.group_petition = Some(true),
    },
    Spec {
        name: "松鹤楼",
        township: 0,
        category: Category::FiledInstitution,
        level: RiskLevel::Orange,
        rules: &["O1"],
        check: Some(CheckFinding::EconomicCrimeLawsuit),
        profile: nothing,
        findings: no_prepayment,
    },
    Spec {
        name: "长青院",
        township: 1,
        category: Category::FiledInstitution,
        level: RiskLevel::Orange,
        rules: &["O2"],
        check: None,
        profile: |p| p.beds = Some(30),
        findings: |f| f.incidents.complaints = Some(3),
    },
    Spec {
        name: "安康苑",
        township: 0,
        category: Category::UnfiledInstitution,
        level: RiskLevel::Orange,
        rules: &["O3"],
        check: Some(CheckFinding::BlacklistEnterprise),
        profile: nothing,
        findings: no_prepayment,
    },
    Spec {
        name: "金色年华",
        township: 0,
        category: Category::FiledInstitution,
        level: RiskLevel::Orange,
        rules: &["O4"],
        check: None,
        profile: nothing,
        findings: |f| large(f, FundUse::DivertedToAffiliates, Solvency::Solvent),
    },
    Spec {
        name: "幸福里",
        township: 0,
        category: Category::FiledInstitution,
        level: RiskLevel::Yellow,
        rules: &["Y1"],
        check: None,
        profile: nothing,
        findings: |f| large(f, FundUse::Construction, Solvency::Solvent),
    },
    Spec {
        name: "百岁坊",
        township: 0,
        category: Category::FiledInstitution,
        level: RiskLevel::Yellow,
        rules: &["Y2"],
        check: None,
        profile: nothing,
        findings: |f| f.rapid_expansion = Some(true),
    },
    Spec {
        name: "同心园",
        township: 0,
        category: Category::FiledInstitution,
        level: RiskLevel::Yellow,
        rules: &["Y3"],
        check: None,
        profile: nothing,
        findings: |f| {
            f.legal_rep_changes_3y = Some(1);
            f.address_changes_3y = Some(1);
        },
    },
    Spec {
        name: "和美家",
        township: 0,
        category: Category::UnfiledInstitution,
        level: RiskLevel::Yellow,
        rules: &["Y4"],
        check: None,
        profile: nothing,
        findings: |f| {
            f.other_risk = Some(true);
            f.other_risk_reason = "护理员严重不足".into();
        },
    },
    Spec {
        name: "乐龄汇",
        township: 0,
        category: Category::FiledInstitution,
        level: RiskLevel::Yellow,
        rules: &["Y5"],
        check: None,
        profile: nothing,
        findings: |f| {
            f.fees = Choices::default().with(FeeMethod::MembershipCard, true);
            f.prepayment.collected = Some(true);
            f.prepayment.fund_use = Choices::default().with(FundUse::Unknown, true);
        },
    },
    Spec {
        name: "张家托老点",
        township: 0,
        category: Category::UnregisteredVenue,
        level: RiskLevel::Green,
        rules: &["U1"],
        check: None,
        profile: |p| {
            p.residents = Some(6);
            p.venue.houses_elderly = Some(true);
            p.venue.nature = Some(VenueNature::Individual);
        },
        findings: no_prepayment,
    },
    Spec {
        name: "李家养老点",
        township: 0,
        category: Category::UnregisteredVenue,
        level: RiskLevel::Green,
        rules: &["U2"],
        check: None,
        profile: |p| {
            p.residents = Some(12);
            p.venue.houses_elderly = Some(true);
            p.venue.nature = Some(VenueNature::Enterprise);
        },
        findings: |f| large(f, FundUse::DailyOperations, Solvency::Solvent),
    },
    Spec {
        name: "南岳养老中心",
        township: 0,
        category: Category::FiledInstitution,
        level: RiskLevel::Green,
        rules: &[],
        check: None,
        profile: |p| {
            p.beds = Some(120);
            p.residents = Some(80);
            p.care_staff = Some(15);
            p.building_area_m2 = Some(3000);
            p.premises = Some(Premises::Owned);
            p.filing_date = Day::ymd(2020, 6, 1);
            p.legal_form = Some(LegalForm::PrivateNonEnterprise);
        },
        findings: no_prepayment,
    },
    Spec {
        name: "开云敬老院",
        township: 1,
        category: Category::UnfiledInstitution,
        level: RiskLevel::Green,
        rules: &[],
        check: None,
        profile: |p| p.beds = Some(20),
        findings: no_prepayment,
    },
];

/// The facility 城关镇's lead records a full disposal plan for (R1).
pub const PLANNED: &str = "福寿园养老院";
/// The facility declared resolved (已化解), closed down.
pub const RESOLVED: &str = "夕阳红公寓";
/// Refunded under [`PLANNED`]'s plan, in 元.
pub const REFUNDED_YUAN: Yuan = 100_000;
/// Publicity activities 城关镇 logs.
pub const ACTIVITIES: usize = 2;

pub struct Seeded {
    pub id: FacilityId,
    pub visit: VisitId,
    pub spec: &'static Spec,
}

pub struct County {
    pub server: TestServer,
    pub townships: Vec<TownshipId>,
    pub facilities: Vec<Seeded>,
    pub inspectors: Vec<UserId>,
    pub lead: UserId,
}

impl County {
    pub fn seeded(&self, name: &str) -> &Seeded {
        self.facilities
            .iter()
            .find(|s| s.spec.name == name)
            .expect("seeded facility")
    }

    /// A bearer token for one of the seeded accounts.
    pub async fn token(&self, username: &str) -> String {
        self.server.token(username, PASSWORD).await
    }

    /// A phone logged in as `username`.
    pub async fn device(&self, username: &str) -> Device {
        device(&self.server, username).await
    }
}

pub async fn device(server: &TestServer, username: &str) -> Device {
    server.phone(username, PASSWORD).await
}

/// The server with townships and accounts only: `insp-a`, `lead-a`
/// (城关镇), `insp-b`, `lead-b` (开云镇), `staff`, `admin`.
pub async fn accounts() -> (TestServer, Vec<TownshipId>, Vec<UserId>, UserId) {
    let server = TestServer::start().await;
    let townships = server.add_townships(&TOWNSHIPS);
    let mut inspectors = Vec::new();
    for (i, t) in TOWNSHIPS.iter().enumerate() {
        let suffix = ["a", "b"][i];
        inspectors.push(
            server
                .add_user(
                    &format!("insp-{suffix}"),
                    Role::Inspector,
                    Some(t),
                    PASSWORD,
                )
                .id,
        );
        server.add_user(
            &format!("lead-{suffix}"),
            Role::TownshipLead,
            Some(t),
            PASSWORD,
        );
    }
    let lead = server
        .storage()
        .read(|tx| tx.user_by_username("lead-a"))
        .expect("read")
        .expect("lead-a")
        .id;
    server.add_user("staff", Role::CountyStaff, None, PASSWORD);
    server.add_user("admin", Role::Admin, None, PASSWORD);
    (server, townships, inspectors, lead)
}

/// A facility document body for `spec`, with one submitted visit.
pub fn facility(spec: &Spec, visit: VisitId, inspector: UserId, day: u8) -> Facility {
    let mut f = Facility {
        category: Some(spec.category),
        source: Some(ListingSource::Daily),
        ..Facility::default()
    };
    f.profile.name = spec.name.to_owned();
    f.profile.legal_representative = "负责人".to_owned();
    (spec.profile)(&mut f.profile);
    let mut v = Visit::new(visit, inspector);
    v.phase = Some(Phase::FullSurvey);
    v.method = Some(Method::OnSite);
    let at = |h: u8| {
        format!("2022-01-{day:02}T{h:02}:00:00+08:00")
            .parse::<Timestamp>()
            .ok()
    };
    v.arrived_at = at(9);
    v.submitted_at = at(11);
    (spec.findings)(&mut v.findings);
    let mut interview = ResidentInterview::new(mopai_shared::ids::InterviewId::random());
    interview.label = "1号房老人".into();
    v.interviews.push(interview);
    f.visits.push(v);
    f
}

/// The whole county, synced.
pub async fn build() -> County {
    build_with(|_| 1).await
}

/// The county with `copies(spec)` facilities of each spec, for tables that
/// span pages. A spec made more than once names its copies "名称-001",
/// "名称-002", …, all of one length, so no name contains another.
pub async fn build_with(copies: impl Fn(&Spec) -> usize) -> County {
    let (server, townships, inspectors, lead) = accounts().await;
    let mut facilities = Vec::new();
    for (t, username) in ["insp-a", "insp-b"].into_iter().enumerate() {
        let mut phone = device(&server, username).await;
        for (n, spec) in SPECS.iter().enumerate().filter(|(_, s)| s.township == t) {
            let copies = copies(spec);
            for copy in 1..=copies {
                let (id, visit) = (FacilityId::random(), VisitId::random());
                let mut body = facility(spec, visit, inspectors[t], 10 + (n % 8) as u8);
                if copies > 1 {
                    body.profile.name = format!("{}-{copy:03}", spec.name);
                }
                phone.create(DocId::facility(id), Scope::Township(townships[t]), &body);
                facilities.push(Seeded { id, visit, spec });
            }
        }
        phone.sync().await.expect("inspector sync");
    }
    let county = County {
        server,
        townships,
        facilities,
        inspectors,
        lead,
    };
    online_checks(&county).await;
    lead_records(&county).await;
    county
}

async fn online_checks(county: &County) {
    let staff_id = county
        .server
        .storage()
        .read(|tx| tx.user_by_username("staff"))
        .expect("read")
        .expect("staff")
        .id;
    let mut phone = county.device("staff").await;
    for s in county.facilities.iter().filter(|s| s.spec.check.is_some()) {
        let record = CountyRecord {
            online_checks: vec![OnlineCheck {
                id: CheckId::random(),
                source: CheckSource::CreditChina,
                subject: "法定代表人".into(),
                finding: s.spec.check,
                detail: String::new(),
                checked_on: Day::ymd(2022, 1, 16).expect("date"),
                reference: "（2021）湘0423刑初12号".into(),
                checked_by: staff_id,
            }],
            notes: Vec::new(),
        };
        let township = county.townships[s.spec.township];
        phone.create(DocId::county(s.id), Scope::Township(township), &record);
    }
    phone.sync().await.expect("staff sync");
}

async fn lead_records(county: &County) {
    let mut phone = county.device("lead-a").await;
    let township = Scope::Township(county.townships[0]);
    let at = |d: u8| {
        format!("2022-01-{d:02}T15:00:00+08:00")
            .parse::<Timestamp>()
            .expect("time")
    };
    let day = |d: u8| Day::ymd(2022, 1, d).expect("date");
    let measure = |kind, done: u8, refunded| Measure {
        id: MeasureId::random(),
        kind,
        detail: String::new(),
        done_on: Some(day(done)),
        refunded_yuan: refunded,
    };

    let planned = county.seeded(PLANNED);
    let review = FacilityReview {
        reviews: vec![Review {
            visit: planned.visit,
            state: ReviewState::Approved,
            state_at: at(17),
            reviewer: county.lead,
            comments: Vec::new(),
            computed_level: Some(RiskLevel::Red),
            confirmed_level: Some(RiskLevel::Red),
            level_reason: String::new(),
        }],
        signoff: None,
        reported_to_county_at: Some(at(17)),
        disposal: DisposalPlan {
            measures: vec![
                measure(MeasureKind::WarningTalk, 18, None),
                measure(MeasureKind::Refund, 19, Some(REFUNDED_YUAN)),
                measure(MeasureKind::TransferPolice, 19, None),
            ],
            responsible_unit: "城关镇人民政府".into(),
            responsible_person: "刘镇长".into(),
            deadline: Some(day(31)),
            progress: vec![ProgressEntry {
                id: ProgressId::random(),
                at: at(19),
                by: county.lead,
                text: "已移交公安机关立案侦查".into(),
            }],
            resolved_on: None,
        },
    };
    phone.create(DocId::review(planned.id), township, &review);

    let resolved = county.seeded(RESOLVED);
    let closed = FacilityReview {
        reported_to_county_at: Some(at(18)),
        disposal: DisposalPlan {
            measures: vec![measure(MeasureKind::BanOrClose, 20, None)],
            resolved_on: Some(day(21)),
            ..DisposalPlan::default()
        },
        ..FacilityReview::default()
    };
    phone.create(DocId::review(resolved.id), township, &closed);

    let log = TownshipLog {
        activities: (0..ACTIVITIES)
            .map(|i| PublicityActivity {
                id: ActivityId::random(),
                date: day(12 + i as u8),
                venue_type: VenueType::Square,
                venue: "城关镇文化广场".into(),
                participants: 100,
                note: String::new(),
            })
            .collect(),
        ..TownshipLog::default()
    };
    phone.create(DocId::township_log(county.townships[0]), township, &log);
    phone.sync().await.expect("lead sync");
}
