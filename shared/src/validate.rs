//! Validation of document bodies before submission or save: the USCC
//! (GB 32100-2015), required fields per category, ranges of amounts, counts,
//! dates and GPS fixes, and a guard against ID-card numbers in interviews.
//!
//! Each rule has a stable English `code` (programs and tests match on it)
//! and a Chinese message the page shows as is. Field names are paths
//! relative to the document body, in [`FieldPath`](crate::doc::FieldPath)
//! form: `visits[<id>].findings.prepayment.total_yuan`. Validation reports;
//! it never blocks a save, because an inspector offline must be able to keep
//! a half-filled form.

use std::collections::HashSet;
use std::fmt::Display;

use crate::model::{
    Category, CheckFinding, CountyRecord, CountySettings, Day, DisposalPlan, Facility,
    FacilityReview, Findings, GpsFix, LegalForm, Method, Profile, ReviewState, Schedule,
    Thresholds, Timestamp, TownshipLog, Visit, Yuan,
};

#[derive(Debug, Clone, PartialEq, Eq)]
pub struct ValidationError {
    pub code: &'static str,
    pub field: String,
    pub message_zh: String,
}

/// A rule: its code and the message shown when it fails.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub struct Rule {
    pub code: &'static str,
    pub message_zh: &'static str,
}

macro_rules! rules {
    ($($name:ident => $code:literal, $zh:literal;)+) => {
        $(pub const $name: Rule = Rule { code: $code, message_zh: $zh };)+
        /// Every rule, so a test can show that each one fires.
        pub const ALL_RULES: &[Rule] = &[$($name),+];
    };
}

rules! {
    REQUIRED => "required", "必填项未填写";
    CATEGORY_REQUIRED => "category_required", "请选择摸排对象类别";
    USCC_REQUIRED => "uscc_required", "已登记的机构须填写统一社会信用代码";
    USCC_LENGTH => "uscc_length", "统一社会信用代码应为18位";
    USCC_CHARSET => "uscc_charset", "统一社会信用代码含无效字符（字母须大写，且不使用I、O、S、V、Z）";
    USCC_REGION => "uscc_region", "统一社会信用代码第3至8位应为行政区划码（数字）";
    USCC_CHECK_CHAR => "uscc_check_char", "统一社会信用代码校验位错误，请核对";
    USCC_REGISTRATION_TYPE => "uscc_registration_type", "统一社会信用代码第1、2位不是养老服务机构的登记类型（12事业单位、52民办非企业单位、91企业、92个体工商户）";
    USCC_LEGAL_FORM_MISMATCH => "uscc_legal_form_mismatch", "统一社会信用代码所示登记类型与所选机构性质不符";
    FILING_REQUIRED => "filing_required", "已备案机构须填写备案时间、备案机关和备案回执号";
    FILING_UNEXPECTED => "filing_unexpected", "未备案机构不应有备案信息，请核对类别";
    VENUE_NATURE_REQUIRED => "venue_nature_required", "未经登记的场所须填写场所性质";
    VENUE_RESIDENTS_REQUIRED => "venue_residents_required", "未经登记的场所须填写收住老人数";
    AMOUNT_NEGATIVE => "amount_negative", "金额不能为负数";
    AMOUNT_TOO_LARGE => "amount_too_large", "金额超出合理范围（不超过100亿元）";
    COUNT_TOO_LARGE => "count_too_large", "数量超出合理范围";
    MONTHS_TOO_LARGE => "months_too_large", "预付月数超出合理范围（不超过1200个月）";
    PREPAY_MAX_EXCEEDS_TOTAL => "prepay_max_exceeds_total", "单人最高预付金额不能大于预付总额";
    PREPAY_NOT_COLLECTED => "prepay_not_collected", "已选“未收取预付费”，却填写了预付金额或人数";
    PREPAY_PERSONS_REQUIRED => "prepay_persons_required", "填写了预付总额，须填写涉及人数";
    INSPECTORS_REQUIRED => "inspectors_required", "须记录在场的排查人员";
    METHOD_REASON_REQUIRED => "method_reason_required", "未上门排查的，须说明无法上门的原因";
    FRAUD_BASIS_REQUIRED => "fraud_basis_required", "认定涉嫌非法集资或诈骗的，须写明依据";
    OTHER_RISK_REASON_REQUIRED => "other_risk_reason_required", "认定存在其他经营风险的，须写明理由";
    RESIDENT_ID_NUMBER => "resident_id_number", "请勿记录身份证号码，只填写能辨认的称呼";
    PHOTO_SHA256 => "photo_sha256", "照片摘要应为64位小写十六进制SHA-256";
    PHOTO_MIME => "photo_mime", "照片格式不受支持（仅限JPEG、PNG、WebP、HEIC）";
    PHOTO_SIZE => "photo_size", "照片大小无效或超过30MB";
    LEVEL_OVERRIDE_REASON => "level_override_reason", "确认的风险等级与计算结果不同，须写明理由";
    RETURN_COMMENT_REQUIRED => "return_comment_required", "退回时须附意见";
    DISPOSAL_RESPONSIBLE_REQUIRED => "disposal_responsible_required", "处置方案须明确责任单位和责任人";
    DISPOSAL_DEADLINE_REQUIRED => "disposal_deadline_required", "处置方案须明确化解时限";
    CHECK_REFERENCE_REQUIRED => "check_reference_required", "核查发现问题的，须填写出处（案号、名单或网址）";
    DATE_OUT_OF_RANGE => "date_out_of_range", "日期超出合理范围（1949年至2100年）";
    DATE_IN_FUTURE => "date_in_future", "日期不能晚于今天";
    SCHEDULE_ORDER => "schedule_order", "工作日程的先后顺序有误";
    GPS_RANGE => "gps_range", "GPS坐标超出有效范围";
    GPS_OUTSIDE_CHINA => "gps_outside_china", "GPS坐标不在中国境内，请重新定位";
    GPS_ACCURACY => "gps_accuracy", "GPS精度数值无效";
    THRESHOLD_INVALID => "threshold_invalid", "阈值须为正数";
    TOWNSHIP_NAME_DUPLICATE => "township_name_duplicate", "乡镇名称重复";
}

/// The rules a stored document must pass (the write gate's values check):
/// each is about one value, so the page can refuse the keystroke that
/// breaks it. The others (required fields, agreement between fields) are
/// reported on the form and block submission, not storage.
pub const INTEGRITY_RULES: &[Rule] = &[
    AMOUNT_NEGATIVE,
    AMOUNT_TOO_LARGE,
    COUNT_TOO_LARGE,
    MONTHS_TOO_LARGE,
    RESIDENT_ID_NUMBER,
    PHOTO_SHA256,
    PHOTO_MIME,
    PHOTO_SIZE,
    DATE_OUT_OF_RANGE,
    GPS_RANGE,
    GPS_ACCURACY,
    THRESHOLD_INVALID,
];

impl ValidationError {
    /// Breaks an [`INTEGRITY_RULES`] rule: the document may not be stored.
    pub fn is_integrity(&self) -> bool {
        INTEGRITY_RULES.iter().any(|r| r.code == self.code)
    }
}

/// "Today" for checks that must not depend on a clock: no date is in the
/// future of it, so only the plausible-year rule applies to dates.
pub const NO_TODAY: Day = Day(time::Date::MAX);

pub const MAX_YUAN: Yuan = 10_000_000_000;
pub const MAX_COUNT: u32 = 100_000;
pub const MAX_MONTHS: u32 = 1_200;
pub const MAX_PHOTO_BYTES: u64 = 30 * 1024 * 1024;
const PHOTO_MIMES: &[&str] = &[
    "image/jpeg",
    "image/png",
    "image/webp",
    "image/heic",
    "image/heif",
];

/// GB 32100-2015 code characters, in value order (no I, O, S, V, Z).
const USCC_ALPHABET: &str = "0123456789ABCDEFGHJKLMNPQRTUWXY";
const USCC_WEIGHTS: [u32; 17] = [
    1, 3, 9, 27, 19, 26, 16, 17, 20, 29, 25, 13, 8, 24, 10, 30, 28,
];

/// The check character for the first 17 characters of a USCC, or `None`
/// when they are not 17 code characters.
pub fn uscc_check_char(first17: &str) -> Option<char> {
    let values: Vec<u32> = first17.chars().map(uscc_value).collect::<Option<_>>()?;
    if values.len() != 17 {
        return None;
    }
    let sum: u32 = values.iter().zip(USCC_WEIGHTS).map(|(v, w)| v * w).sum();
    let check = (31 - sum % 31) % 31;
    USCC_ALPHABET.chars().nth(check as usize)
}

fn uscc_value(c: char) -> Option<u32> {
    USCC_ALPHABET.find(c).map(|i| i as u32)
}

/// The legal form USCC characters 1–2 encode, if the code is well formed.
pub fn uscc_legal_form(uscc: &str) -> Option<LegalForm> {
    uscc.get(..2).and_then(LegalForm::from_uscc_prefix)
}

/// Checks one USCC; stops at the first structural fault, after which the
/// later checks would only repeat it.
pub fn validate_uscc(uscc: &str, field: &str) -> Vec<ValidationError> {
    let fail = |rule: Rule| vec![rule.at(field)];
    if uscc.chars().count() != 18 {
        return fail(USCC_LENGTH);
    }
    if !uscc.chars().all(|c| uscc_value(c).is_some()) {
        return fail(USCC_CHARSET);
    }
    if !uscc[2..8].bytes().all(|b| b.is_ascii_digit()) {
        return fail(USCC_REGION);
    }
    if uscc_check_char(&uscc[..17]) != uscc.chars().last() {
        return fail(USCC_CHECK_CHAR);
    }
    if uscc_legal_form(uscc).is_none() {
        return fail(USCC_REGISTRATION_TYPE);
    }
    Vec::new()
}

impl Rule {
    pub fn at(self, field: impl Into<String>) -> ValidationError {
        ValidationError {
            code: self.code,
            field: field.into(),
            message_zh: self.message_zh.to_owned(),
        }
    }
}

/// Collects errors under a field prefix.
struct Check<'a> {
    prefix: String,
    today: Day,
    out: &'a mut Vec<ValidationError>,
}

impl<'a> Check<'a> {
    fn new(out: &'a mut Vec<ValidationError>, today: Day) -> Self {
        Self {
            prefix: String::new(),
            today,
            out,
        }
    }

    fn child(&mut self, part: impl Display) -> Check<'_> {
        let prefix = self.path(part);
        self.nested(prefix)
    }

    /// Prefix for list items, named by id like conflict paths.
    fn item(&mut self, list: &str, id: impl Display) -> Check<'_> {
        let prefix = format!("{}[{id}]", self.path(list));
        self.nested(prefix)
    }

    fn nested(&mut self, prefix: String) -> Check<'_> {
        Check {
            prefix,
            today: self.today,
            out: self.out,
        }
    }

    fn path(&self, part: impl Display) -> String {
        match self.prefix.as_str() {
            "" => part.to_string(),
            p => format!("{p}.{part}"),
        }
    }

    fn fail(&mut self, rule: Rule, field: &str) {
        let field = self.path(field);
        self.out.push(rule.at(field));
    }

    fn when(&mut self, failed: bool, rule: Rule, field: &str) {
        if failed {
            self.fail(rule, field);
        }
    }

    fn required(&mut self, field: &str, value: &str) {
        self.when(value.trim().is_empty(), REQUIRED, field);
    }

    fn amount(&mut self, field: &str, value: Option<Yuan>) {
        let v = value.unwrap_or(0);
        self.when(v < 0, AMOUNT_NEGATIVE, field);
        self.when(v > MAX_YUAN, AMOUNT_TOO_LARGE, field);
    }

    fn count(&mut self, field: &str, value: Option<u32>, max: u32) {
        self.when(value.is_some_and(|v| v > max), COUNT_TOO_LARGE, field);
    }

    fn months(&mut self, field: &str, value: Option<u32>) {
        self.when(
            value.is_some_and(|v| v > MAX_MONTHS),
            MONTHS_TOO_LARGE,
            field,
        );
    }

    /// Any date: a plausible year (deadlines may lie ahead).
    fn day(&mut self, field: &str, value: Option<Day>) {
        let implausible = value.is_some_and(|d| !(1949..=2100).contains(&d.0.year()));
        self.when(implausible, DATE_OUT_OF_RANGE, field);
    }

    /// A date something already happened on.
    fn past_day(&mut self, field: &str, value: Option<Day>) {
        self.day(field, value);
        self.when(value.is_some_and(|d| d > self.today), DATE_IN_FUTURE, field);
    }

    fn past_time(&mut self, field: &str, value: Option<Timestamp>) {
        self.past_day(field, value.map(|t| t.day()));
    }

    fn gps(&mut self, field: &str, fix: Option<&GpsFix>) {
        let Some(fix) = fix else { return };
        let in_range = fix.lat.is_finite()
            && fix.lon.is_finite()
            && (-90.0..=90.0).contains(&fix.lat)
            && (-180.0..=180.0).contains(&fix.lon);
        // China's bounding box; (0, 0) is the usual symptom of a failed fix.
        let in_china = (3.8..=53.6).contains(&fix.lat) && (73.4..=135.1).contains(&fix.lon);
        self.when(!in_range, GPS_RANGE, field);
        self.when(in_range && !in_china, GPS_OUTSIDE_CHINA, field);
        let accuracy_ok = fix.accuracy_m.is_finite() && fix.accuracy_m >= 0.0;
        self.when(!accuracy_ok, GPS_ACCURACY, field);
        self.past_time(field, fix.taken_at);
    }
}

/// A facility document body: category, profile, every visit.
pub fn validate_facility(facility: &Facility, today: Day) -> Vec<ValidationError> {
    let mut out = Vec::new();
    let mut c = Check::new(&mut out, today);
    c.when(facility.category.is_none(), CATEGORY_REQUIRED, "category");
    profile(
        &mut c.child("profile"),
        facility.category,
        &facility.profile,
    );
    for v in &facility.visits {
        visit(&mut c.item("visits", v.id), v);
    }
    out
}

fn profile(c: &mut Check<'_>, category: Option<Category>, p: &Profile) {
    c.required("name", &p.name);
    c.required("address", &p.address);
    c.gps("gps", p.gps.as_ref());
    if !p.uscc.is_empty() {
        let errors = validate_uscc(&p.uscc, &c.path("uscc"));
        let well_formed = errors.is_empty();
        c.out.extend(errors);
        let coded = uscc_legal_form(&p.uscc);
        let mismatch = well_formed && p.legal_form.is_some() && coded != p.legal_form;
        c.when(mismatch, USCC_LEGAL_FORM_MISMATCH, "legal_form");
    }
    let filing = [
        ("filing_date", p.filing_date.is_some()),
        ("filing_authority", !p.filing_authority.trim().is_empty()),
        ("filing_receipt_no", !p.filing_receipt_no.trim().is_empty()),
    ];
    match category {
        Some(Category::FiledInstitution) => {
            c.when(p.uscc.is_empty(), USCC_REQUIRED, "uscc");
            for (field, present) in filing {
                c.when(!present, FILING_REQUIRED, field);
            }
        }
        Some(Category::UnfiledInstitution) => {
            c.when(p.uscc.is_empty(), USCC_REQUIRED, "uscc");
            for (field, present) in filing {
                c.when(present, FILING_UNEXPECTED, field);
            }
        }
        Some(Category::UnregisteredVenue) => {
            c.when(
                p.venue.nature.is_none(),
                VENUE_NATURE_REQUIRED,
                "venue.nature",
            );
            c.when(p.residents.is_none(), VENUE_RESIDENTS_REQUIRED, "residents");
        }
        None => {}
    }
    c.past_day("filing_date", p.filing_date);
    for (field, value) in [
        ("beds", p.beds),
        ("residents", p.residents),
        ("care_staff", p.care_staff),
        ("branches", p.branches),
    ] {
        c.count(field, value, MAX_COUNT);
    }
    c.count("building_area_m2", p.building_area_m2, 10_000_000);
}

/// One visit, with its findings, interviews and photos.
pub fn validate_visit(v: &Visit, today: Day) -> Vec<ValidationError> {
    let mut out = Vec::new();
    visit(&mut Check::new(&mut out, today), v);
    out
}

fn visit(c: &mut Check<'_>, v: &Visit) {
    let off_site = v.method.is_some_and(|m| m != Method::OnSite);
    c.when(
        off_site && v.method_reason.trim().is_empty(),
        METHOD_REASON_REQUIRED,
        "method_reason",
    );
    c.when(v.inspectors.is_empty(), INSPECTORS_REQUIRED, "inspectors");
    c.past_time("arrived_at", v.arrived_at);
    c.gps("gps", v.gps.as_ref());
    findings(&mut c.child("findings"), &v.findings);
    for i in &v.interviews {
        let mut c = c.item("interviews", i.id);
        c.required("label", &i.label);
        c.when(looks_like_id_number(&i.label), RESIDENT_ID_NUMBER, "label");
        c.when(looks_like_id_number(&i.notes), RESIDENT_ID_NUMBER, "notes");
        c.amount("prepaid_yuan", i.prepaid_yuan);
        c.months("prepaid_months", i.prepaid_months);
    }
    for p in &v.photos {
        let mut c = c.item("photos", p.id);
        let hex = p.sha256.len() == 64
            && p.sha256
                .bytes()
                .all(|b| matches!(b, b'0'..=b'9' | b'a'..=b'f'));
        c.when(!hex, PHOTO_SHA256, "sha256");
        c.when(!PHOTO_MIMES.contains(&p.mime.as_str()), PHOTO_MIME, "mime");
        c.when(
            !(1..=MAX_PHOTO_BYTES).contains(&p.size_bytes),
            PHOTO_SIZE,
            "size_bytes",
        );
        c.past_time("taken_at", p.taken_at);
    }
}

fn findings(c: &mut Check<'_>, f: &Findings) {
    let needs_text = |flag: Option<bool>, text: &str| flag == Some(true) && text.trim().is_empty();
    let basis_missing = needs_text(f.suspected_fraud, &f.suspected_fraud_basis);
    c.when(basis_missing, FRAUD_BASIS_REQUIRED, "suspected_fraud_basis");
    let reason_missing = needs_text(f.other_risk, &f.other_risk_reason);
    c.when(
        reason_missing,
        OTHER_RISK_REASON_REQUIRED,
        "other_risk_reason",
    );
    for (field, value) in [
        ("legal_rep_changes_3y", f.legal_rep_changes_3y),
        ("address_changes_3y", f.address_changes_3y),
        ("incidents.complaints", f.incidents.complaints),
    ] {
        c.count(field, value, MAX_COUNT);
    }
    let p = &f.prepayment;
    let mut c = c.child("prepayment");
    c.amount("total_yuan", p.total_yuan);
    c.amount("max_per_person_yuan", p.max_per_person_yuan);
    c.count("persons", p.persons, MAX_COUNT);
    c.months("longest_months", p.longest_months);
    let over = matches!((p.max_per_person_yuan, p.total_yuan), (Some(m), Some(t)) if m > t);
    c.when(over, PREPAY_MAX_EXCEEDS_TOTAL, "max_per_person_yuan");
    let some_money = p.total_yuan.is_some_and(|t| t > 0) || p.persons.is_some_and(|n| n > 0);
    c.when(
        p.collected == Some(false) && some_money,
        PREPAY_NOT_COLLECTED,
        "collected",
    );
    let no_persons = p.persons.is_none_or(|n| n == 0);
    c.when(
        p.total_yuan.is_some_and(|t| t > 0) && no_persons,
        PREPAY_PERSONS_REQUIRED,
        "persons",
    );
}

/// An ID-card number: 18 characters (17 digits and a digit or X) or the old
/// 15 digits, i.e. any run of 15 or more digits. Phone numbers (11) pass.
fn looks_like_id_number(text: &str) -> bool {
    text.split(|c: char| !c.is_ascii_digit())
        .any(|run| run.len() >= 15)
}

/// A review document body: reviews and the disposal plan.
pub fn validate_review(r: &FacilityReview, today: Day) -> Vec<ValidationError> {
    let mut out = Vec::new();
    let mut c = Check::new(&mut out, today);
    for review in &r.reviews {
        let mut c = c.item("reviews", review.visit);
        let overridden =
            review.confirmed_level.is_some() && review.confirmed_level != review.computed_level;
        c.when(
            overridden && review.level_reason.trim().is_empty(),
            LEVEL_OVERRIDE_REASON,
            "level_reason",
        );
        let returned_bare = review.state == ReviewState::Returned && review.comments.is_empty();
        c.when(returned_bare, RETURN_COMMENT_REQUIRED, "comments");
    }
    disposal(&mut c.child("disposal"), &r.disposal);
    out
}

fn disposal(c: &mut Check<'_>, d: &DisposalPlan) {
    if !d.measures.is_empty() {
        c.when(
            d.responsible_unit.trim().is_empty(),
            DISPOSAL_RESPONSIBLE_REQUIRED,
            "responsible_unit",
        );
        c.when(
            d.responsible_person.trim().is_empty(),
            DISPOSAL_RESPONSIBLE_REQUIRED,
            "responsible_person",
        );
        c.when(d.deadline.is_none(), DISPOSAL_DEADLINE_REQUIRED, "deadline");
    }
    c.day("deadline", d.deadline);
    c.past_day("resolved_on", d.resolved_on);
    for m in &d.measures {
        let mut c = c.item("measures", m.id);
        c.amount("refunded_yuan", m.refunded_yuan);
        c.past_day("done_on", m.done_on);
    }
}

/// A county document body: online checks.
pub fn validate_county_record(r: &CountyRecord, today: Day) -> Vec<ValidationError> {
    let mut out = Vec::new();
    let mut c = Check::new(&mut out, today);
    for check in &r.online_checks {
        let mut c = c.item("online_checks", check.id);
        c.required("subject", &check.subject);
        let hit = check.finding.is_some_and(|f| f != CheckFinding::Clear);
        c.when(
            hit && check.reference.trim().is_empty(),
            CHECK_REFERENCE_REQUIRED,
            "reference",
        );
        c.past_day("checked_on", Some(check.checked_on));
    }
    out
}

/// A township log body.
pub fn validate_township_log(log: &TownshipLog, today: Day) -> Vec<ValidationError> {
    let mut out = Vec::new();
    let mut c = Check::new(&mut out, today);
    for m in &log.leadership_group {
        c.item("leadership_group", m.id).required("name", &m.name);
    }
    c.past_day("work_plan.issued_on", log.work_plan.issued_on);
    for a in &log.activities {
        let mut c = c.item("activities", a.id);
        c.past_day("date", Some(a.date));
        c.count("participants", Some(a.participants), MAX_COUNT);
    }
    out
}

/// The settings body. Needs no "today": schedules are planned ahead.
pub fn validate_settings(s: &CountySettings) -> Vec<ValidationError> {
    let mut out = Vec::new();
    let mut c = Check::new(&mut out, Day(time::Date::MAX));
    c.required("county_name", &s.county_name);
    let mut seen = HashSet::new();
    for t in &s.townships {
        let mut c = c.item("townships", t.id);
        c.required("name", &t.name);
        c.when(!seen.insert(t.name.trim()), TOWNSHIP_NAME_DUPLICATE, "name");
    }
    schedule(&mut c.child("schedule"), &s.schedule);
    thresholds(&mut c.child("thresholds"), &s.thresholds);
    out
}

fn schedule(c: &mut Check<'_>, s: &Schedule) {
    c.day("tables_due", Some(s.tables_due.day()));
    for (field, day) in [
        ("self_inspection_ends", s.self_inspection_ends),
        ("full_survey_ends", s.full_survey_ends),
        ("covert_check_starts", s.covert_check_starts),
        ("covert_check_ends", s.covert_check_ends),
    ] {
        c.day(field, Some(day));
    }
    c.when(
        s.self_inspection_ends > s.full_survey_ends,
        SCHEDULE_ORDER,
        "full_survey_ends",
    );
    c.when(
        s.covert_check_starts > s.covert_check_ends,
        SCHEDULE_ORDER,
        "covert_check_ends",
    );
}

fn thresholds(c: &mut Check<'_>, t: &Thresholds) {
    for (field, positive) in [
        ("large_prepay_months", t.large_prepay_months > 0),
        (
            "large_prepay_per_person_yuan",
            t.large_prepay_per_person_yuan > 0,
        ),
        ("large_prepay_total_yuan", t.large_prepay_total_yuan > 0),
        ("priority_beds", t.priority_beds > 0),
        ("frequent_changes", t.frequent_changes > 0),
        ("frequent_changes_years", t.frequent_changes_years > 0),
    ] {
        c.when(!positive, THRESHOLD_INVALID, field);
    }
    c.amount(
        "large_prepay_per_person_yuan",
        Some(t.large_prepay_per_person_yuan),
    );
    c.amount("large_prepay_total_yuan", Some(t.large_prepay_total_yuan));
}
