//! The generated data: facility bodies with realistic visits, from a fixed
//! seed, so every run (and every device count) pushes the same documents.
//!
//! The peer's driver (`bench/peer/driver.mjs`) makes D records of ~30
//! scalar fields plus a `visits` list of 3 maps of ~20 fields. [`ingest_facility`]
//! is the same shape in our model: a [`Profile`] with ~30 answered fields
//! and 3 [`Visit`]s with ~20 answered fields each (method, the six 四不两直
//! ticks, GPS, findings, one resident interview), written with the shared
//! `doc::create` + `reconcile_body` by the device that owns it.
//! [`national_facility`] is the national-scale shape: 5 visits, and
//! findings drawn so that every risk level occurs.

use mopai_shared::ids::{InterviewId, PhotoId, UserId, VisitId};
use mopai_shared::model::{
    Attestation, Category, Choices, Day, Facility, FeeMethod, Findings, FundUse, GpsFix, Industry,
    LegalForm, ListingSource, Marketing, Method, OperatingStatus, Ownership, Phase, PhotoRef,
    Premises, Profile, ResidentInterview, Respondent, RiskLevel, Solvency, Timestamp, VenueInfo,
    Visit,
};
use uuid::Uuid;

/// mulberry32, as in the peer's driver: small, fast, and the same stream
/// for the same seed on every machine.
#[derive(Debug, Clone)]
pub struct Rng(u32);

impl Rng {
    pub fn new(seed: u32) -> Self {
        Self(seed)
    }

    pub fn next_f64(&mut self) -> f64 {
        self.0 = self.0.wrapping_add(0x6d2b_79f5);
        let mut t = self.0;
        t = (t ^ (t >> 15)).wrapping_mul(1 | t);
        t = (t.wrapping_add((t ^ (t >> 7)).wrapping_mul(61 | t))) ^ t;
        f64::from(t ^ (t >> 14)) / 4_294_967_296.0
    }

    /// Uniform in `lo..=hi`.
    pub fn int(&mut self, lo: u32, hi: u32) -> u32 {
        lo + (self.next_f64() * f64::from(hi - lo + 1)) as u32
    }

    pub fn chance(&mut self, p: f64) -> bool {
        self.next_f64() < p
    }

    pub fn pick<T: Copy>(&mut self, items: &[T]) -> T {
        items[(self.next_f64() * items.len() as f64) as usize % items.len()]
    }

    /// A random v4-shaped UUID from this stream (ids stay reproducible).
    pub fn uuid(&mut self) -> Uuid {
        let mut bytes = [0u8; 16];
        for b in &mut bytes {
            *b = self.int(0, 255) as u8;
        }
        uuid::Builder::from_random_bytes(bytes).into_uuid()
    }

    /// `lo..=hi` characters drawn from common Chinese characters, as an
    /// inspector's notes are (3 bytes each in UTF-8).
    pub fn zh(&mut self, lo: u32, hi: u32) -> String {
        const CHARS: &[char] = &[
            '老', '人', '院', '费', '用', '预', '交', '床', '位', '服', '务', '护', '理', '员',
            '家', '属', '反', '映', '现', '场', '检', '查', '记', '录', '收', '据', '合', '同',
            '资', '金', '账', '户', '说', '明', '情', '况', '负', '责', '未', '发', '现', '问',
            '题', '已', '告', '知', '风', '险', '月', '年', '元', '入', '住', '登', '记',
        ];
        let n = self.int(lo, hi);
        (0..n).map(|_| self.pick(CHARS)).collect()
    }

    /// ASCII letters and digits, `lo..=hi` long.
    pub fn alnum(&mut self, lo: u32, hi: u32) -> String {
        const ALPH: &[u8] = b"ABCDEFGHJKLMNPQRTUWXY0123456789";
        let n = self.int(lo, hi);
        (0..n).map(|_| char::from(self.pick(ALPH))).collect()
    }

    pub fn digits(&mut self, n: u32) -> String {
        (0..n)
            .map(|_| char::from(b'0' + self.int(0, 9) as u8))
            .collect()
    }
}

const SURNAMES: &[&str] = &["王", "李", "张", "刘", "陈", "杨", "黄", "赵", "周", "吴"];
const GIVEN: &[&str] = &["芳", "建国", "伟", "敏", "静", "强", "磊", "洋", "艳", "军"];
const PLACES: &[&str] = &[
    "开云", "新桥", "白果", "店门", "岭坡", "东湖", "贯塘", "长江",
];
const KINDS: &[&str] = &[
    "养老院",
    "敬老院",
    "颐养中心",
    "老年公寓",
    "托老所",
    "康养中心",
];

fn person(rng: &mut Rng) -> String {
    format!("{}{}", rng.pick(SURNAMES), rng.pick(GIVEN))
}

/// A Unix time in the survey's months (2022).
fn survey_time(rng: &mut Rng) -> Timestamp {
    let start = 1_641_000_000; // 2022-01-01
    Timestamp::from_unix(start + i64::from(rng.int(0, 180 * 86_400)))
        .unwrap_or(Timestamp(time::OffsetDateTime::UNIX_EPOCH))
}

fn gps(rng: &mut Rng) -> GpsFix {
    GpsFix {
        lat: 27.2 + rng.next_f64() * 0.2,
        lon: 112.8 + rng.next_f64() * 0.2,
        accuracy_m: f64::from(rng.int(5, 60)),
        taken_at: Some(survey_time(rng)),
    }
}

/// A profile with ~30 answered fields.
fn profile(rng: &mut Rng, i: usize) -> Profile {
    let place = rng.pick(PLACES);
    Profile {
        name: format!("{place}{}{}号{}", rng.zh(1, 3), i, rng.pick(KINDS)),
        village: format!("{}村", rng.zh(2, 3)),
        address: format!(
            "{place}镇{}路{}号{}",
            rng.zh(2, 4),
            rng.int(1, 300),
            rng.zh(8, 20)
        ),
        gps: Some(gps(rng)),
        uscc: format!("91430423{}", rng.alnum(10, 10)),
        legal_form: Some(rng.pick(&[LegalForm::Enterprise, LegalForm::PrivateNonEnterprise])),
        ownership: Some(rng.pick(Ownership::ALL)),
        for_profit: Some(rng.chance(0.6)),
        filing_date: Day::ymd(2018 + rng.int(0, 4) as i32, rng.int(1, 12) as u8, 1),
        filing_authority: "衡山县民政局".into(),
        filing_receipt_no: format!("衡民养备〔20{}〕{}号", rng.int(18, 22), rng.int(1, 99)),
        legal_representative: person(rng),
        contact_person: person(rng),
        contact_phone: format!("13{}", rng.digits(9)),
        actual_controller: person(rng),
        investors: vec![person(rng), person(rng)],
        operator: format!("{place}{}养老服务有限公司", rng.zh(2, 3)),
        affiliated_companies: vec![format!("{}健康科技有限公司", rng.zh(2, 3))],
        beds: Some(rng.int(10, 200)),
        residents: Some(rng.int(5, 150)),
        care_staff: Some(rng.int(2, 40)),
        building_area_m2: Some(rng.int(200, 6000)),
        premises: Some(rng.pick(Premises::ALL)),
        other_industries: Choices::default().with(Industry::HealthProducts, rng.chance(0.1)),
        other_industries_note: rng.zh(0, 12),
        branches: Some(rng.int(0, 3)),
        status: Some(OperatingStatus::Operating),
        venue: VenueInfo::default(),
    }
}

/// How risky the drawn findings are.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Risk {
    /// Answers that fire no rule.
    Clean,
    /// Draw each warning sign with a small probability, so every level occurs.
    Mixed,
}

fn findings(rng: &mut Rng, risk: Risk) -> Findings {
    let p = |rng: &mut Rng, x: f64| match risk {
        Risk::Clean => false,
        Risk::Mixed => rng.chance(x),
    };
    let mut f = Findings {
        marketing: Choices::default().with(Marketing::SalesMeetings, p(rng, 0.05)),
        fees: Choices::default().with(rng.pick(FeeMethod::ALL), true),
        operations_stable: Some(!p(rng, 0.05)),
        solvency: Some(Solvency::Solvent),
        legal_rep_changes_3y: Some(rng.int(0, 1)),
        address_changes_3y: Some(rng.int(0, 1)),
        promised_returns: Some(p(rng, 0.01)),
        rapid_expansion: Some(p(rng, 0.01)),
        suspected_fraud: Some(p(rng, 0.001)),
        other_risk: Some(p(rng, 0.01)),
        ..Findings::default()
    };
    f.prepayment.collected = Some(rng.chance(0.4));
    if f.prepayment.collected == Some(true) {
        f.prepayment.total_yuan = Some(i64::from(rng.int(1, 80)) * 10_000);
        f.prepayment.persons = Some(rng.int(1, 60));
        f.prepayment.max_per_person_yuan = Some(i64::from(rng.int(1, 10)) * 10_000);
        f.prepayment.longest_months = Some(rng.int(1, 36));
        f.prepayment.fund_use = Choices::default().with(
            if p(rng, 0.02) {
                FundUse::DivertedToAffiliates
            } else {
                FundUse::BankCustody
            },
            true,
        );
        f.prepayment.residents_told_risks = Some(rng.chance(0.8));
        if p(rng, 0.08) {
            f.solvency = Some(rng.pick(&[Solvency::Insolvent, Solvency::Unknown]));
        }
    }
    f.incidents.defaulted = Some(p(rng, 0.001));
    f.incidents.group_petition = Some(p(rng, 0.001));
    f.incidents.negative_publicity = Some(p(rng, 0.002));
    f.incidents.complaints = Some(if p(rng, 0.01) { rng.int(1, 5) } else { 0 });
    if f.suspected_fraud == Some(true) {
        f.suspected_fraud_basis = rng.zh(20, 40);
    }
    if f.other_risk == Some(true) {
        f.other_risk_reason = rng.zh(10, 30);
    }
    f
}

/// One visit as an inspector submits it: ~20 answered fields, one interview
/// and one photo reference.
pub fn visit(rng: &mut Rng, by: UserId, partner: UserId, risk: Risk) -> Visit {
    let arrived = survey_time(rng);
    let mut v = Visit::new(VisitId::from_uuid(rng.uuid()), by);
    v.phase = Some(rng.pick(Phase::ALL));
    v.method = Some(Method::OnSite);
    v.attestation = Attestation {
        no_notice: true,
        no_greeting: true,
        no_briefing: true,
        no_escort: true,
        straight_to_grassroots: true,
        straight_to_scene: true,
    };
    v.arrived_at = Some(arrived);
    v.gps = Some(gps(rng));
    v.inspectors = vec![by, partner];
    v.findings = findings(rng, risk);
    let mut interview = ResidentInterview::new(InterviewId::from_uuid(rng.uuid()));
    interview.respondent = Some(rng.pick(&[Respondent::Resident, Respondent::Family]));
    interview.label = format!("{}号床 {}奶奶", rng.int(1, 99), rng.pick(SURNAMES));
    interview.prepaid = Some(rng.chance(0.3));
    interview.told_risks = Some(true);
    interview.notes = rng.zh(20, 40);
    v.interviews.push(interview);
    v.photos.push(PhotoRef {
        id: PhotoId::from_uuid(rng.uuid()),
        sha256: (0..4)
            .map(|_| format!("{:016x}", rng.uuid().as_u128() as u64))
            .collect(),
        size_bytes: u64::from(rng.int(80_000, 400_000)),
        mime: "image/jpeg".into(),
        caption: rng.zh(4, 10),
        taken_at: Some(arrived),
    });
    v.proposed_level = Some(RiskLevel::Green);
    v.proposal_note = rng.zh(10, 30);
    v.submitted_at = Some(arrived);
    v
}

/// Where listings come from, mostly the civil affairs bureau's own list.
fn source(rng: &mut Rng) -> ListingSource {
    match rng.int(0, 99) {
        0..=49 => ListingSource::Daily,
        50..=69 => ListingSource::Police,
        70..=89 => ListingSource::MarketSupervision,
        90..=96 => ListingSource::NewMarketEntity,
        _ => ListingSource::PublicReport,
    }
}

/// The ingest document: the peer's shape (~30 scalars, 3 visits).
pub fn ingest_facility(rng: &mut Rng, i: usize, by: UserId, partner: UserId) -> Facility {
    Facility {
        category: Some(rng.pick(Category::ALL)),
        source: Some(source(rng)),
        profile: profile(rng, i),
        visits: (0..3)
            .map(|_| visit(rng, by, partner, Risk::Clean))
            .collect(),
    }
}

/// The national-scale document: `visits` visits with mixed findings.
pub fn national_facility(
    rng: &mut Rng,
    i: usize,
    visits: usize,
    by: UserId,
    partner: UserId,
) -> Facility {
    Facility {
        category: Some(rng.pick(Category::ALL)),
        source: Some(source(rng)),
        profile: profile(rng, i),
        visits: (0..visits)
            .map(|_| visit(rng, by, partner, Risk::Mixed))
            .collect(),
    }
}

/// One single-field edit, as the peer's update phase makes: a profile field
/// chosen at random gets a new value.
pub fn single_field_update(rng: &mut Rng, k: usize, f: &mut Facility) {
    let p = &mut f.profile;
    match rng.int(0, 5) {
        0 => p.contact_phone = format!("13{}", rng.digits(9)),
        1 => p.residents = Some(rng.int(5, 150)),
        2 => p.care_staff = Some(rng.int(2, 40)),
        3 => p.contact_person = format!("{}{k}", person(rng)),
        4 => p.beds = Some(rng.int(10, 200)),
        _ => p.other_industries_note = format!("u{k}-{}", rng.zh(4, 10)),
    }
}
