//! The facility's own fields (category, listing source, profile), and how
//! the facility page groups them.

use mopai_shared::model::{
    Category, Facility, Industry, LegalForm, ListingSource, OperatingStatus, Ownership, Premises,
    VenueNature,
};

use super::field::{Field, field};

fn is_venue(f: &Facility) -> bool {
    f.category == Some(Category::UnregisteredVenue)
}

fn is_filed(f: &Facility) -> bool {
    f.category != Some(Category::UnfiledInstitution) && !is_venue(f)
}

/// Every editable field of a facility document body.
pub static FACILITY_FIELDS: &[Field<Facility>] = &[
    field!(category, "摸排对象类别", one(Category)),
    field!(source, "线索来源", one(ListingSource)),
    field!(profile.name, "机构（场所）名称", text),
    field!(profile.village, "村（社区）", text),
    field!(profile.address, "地址", text),
    field!(profile.uscc, "统一社会信用代码", text;
        hint "18位，字母大写；未登记场所不填"; show |f| !is_venue(f)),
    field!(profile.legal_form, "登记类型", one(LegalForm)),
    field!(profile.ownership, "机构性质", one(Ownership)),
    field!(profile.for_profit, "是否营利性", flag),
    field!(profile.status, "运营状态", one(OperatingStatus)),
    field!(profile.filing_date, "备案时间", date; show is_filed),
    field!(profile.filing_authority, "备案机关", text; show is_filed),
    field!(profile.filing_receipt_no, "备案回执号", text; show is_filed),
    field!(profile.legal_representative, "法定代表人或主要负责人", text),
    field!(profile.contact_person, "联系人", text),
    field!(profile.contact_phone, "联系电话", text),
    field!(profile.actual_controller, "实际控制人", text),
    field!(profile.investors, "投资人", lines; hint "多个用“、”分隔"),
    field!(profile.operator, "运营主体", text),
    field!(profile.affiliated_companies, "关联公司", lines; hint "多个用“、”分隔"),
    field!(profile.beds, "床位数", count),
    field!(profile.residents, "入住（收住）老人数", count),
    field!(profile.care_staff, "护理员数", count),
    field!(profile.building_area_m2, "服务设施面积（㎡）", count),
    field!(profile.premises, "场所权属", one(Premises)),
    field!(profile.branches, "分支机构（网点）数", count),
    field!(profile.other_industries, "涉足其他产业", many(Industry)),
    field!(profile.other_industries_note, "其他产业说明", text),
    field!(profile.venue.nature, "场所性质", one(VenueNature)),
    field!(profile.venue.houses_elderly, "是否收住老年人", flag),
    field!(profile.venue.services, "服务内容", long),
];

/// A titled group of fields on a page.
pub struct Section {
    pub title: &'static str,
    pub keys: &'static [&'static str],
    /// Open when the page loads; the rest start folded to keep a phone page short.
    pub open: bool,
    pub show: fn(&Facility) -> bool,
}

fn always(_: &Facility) -> bool {
    true
}

/// The facility page's profile, in the order of annex tables 1, 2 and 5.
pub static PROFILE_SECTIONS: &[Section] = &[
    Section {
        title: "基本信息",
        keys: &[
            "profile.name",
            "category",
            "profile.village",
            "profile.address",
            "profile.uscc",
            "profile.legal_form",
            "profile.ownership",
            "profile.for_profit",
            "profile.status",
            "source",
        ],
        open: true,
        show: always,
    },
    Section {
        title: "规模",
        keys: &[
            "profile.beds",
            "profile.residents",
            "profile.care_staff",
            "profile.building_area_m2",
            "profile.premises",
            "profile.branches",
        ],
        open: true,
        show: always,
    },
    Section {
        title: "未经登记场所",
        keys: &[
            "profile.venue.nature",
            "profile.venue.houses_elderly",
            "profile.venue.services",
        ],
        open: true,
        show: is_venue,
    },
    Section {
        title: "备案",
        keys: &[
            "profile.filing_date",
            "profile.filing_authority",
            "profile.filing_receipt_no",
        ],
        open: false,
        show: is_filed,
    },
    Section {
        title: "负责人与关联方",
        keys: &[
            "profile.legal_representative",
            "profile.contact_person",
            "profile.contact_phone",
            "profile.actual_controller",
            "profile.investors",
            "profile.operator",
            "profile.affiliated_companies",
        ],
        open: false,
        show: always,
    },
    Section {
        title: "涉足多产业",
        keys: &["profile.other_industries", "profile.other_industries_note"],
        open: false,
        show: always,
    },
];

#[cfg(test)]
mod tests {
    use super::*;
    use crate::form::field::{Control, find, set};
    use crate::form::value::Value;

    #[test]
    fn every_section_key_names_a_field_and_keys_are_unique() {
        for s in PROFILE_SECTIONS {
            for k in s.keys {
                assert!(find(FACILITY_FIELDS, k).is_some(), "{k}");
            }
        }
        let mut keys: Vec<_> = FACILITY_FIELDS.iter().map(|f| f.key).collect();
        keys.sort();
        keys.dedup();
        assert_eq!(keys.len(), FACILITY_FIELDS.len());
    }

    #[test]
    fn profile_fields_write_where_validation_looks() {
        let mut f = Facility::default();
        set(
            FACILITY_FIELDS,
            &mut f,
            "profile.beds",
            Value::Number(Some(120)),
        )
        .unwrap();
        set(
            FACILITY_FIELDS,
            &mut f,
            "profile.ownership",
            Value::Code(Some("private".into())),
        )
        .unwrap();
        set(
            FACILITY_FIELDS,
            &mut f,
            "profile.investors",
            Value::Lines(vec!["甲".into()]),
        )
        .unwrap();
        set(
            FACILITY_FIELDS,
            &mut f,
            "profile.other_industries",
            Value::Pick("tourism".into(), Some(true)),
        )
        .unwrap();
        assert_eq!(f.profile.beds, Some(120));
        assert_eq!(f.profile.ownership, Some(Ownership::Private));
        assert_eq!(f.profile.investors, vec!["甲"]);
        assert_eq!(
            f.profile.other_industries.get(Industry::Tourism),
            Some(true)
        );
        let view = find(FACILITY_FIELDS, "profile.ownership").unwrap().view(&f);
        assert!(matches!(
            view.control,
            Control::One {
                value: Some("private"),
                ..
            }
        ));
    }

    #[test]
    fn wrong_values_are_refused() {
        let mut f = Facility::default();
        let bad_code = set(
            FACILITY_FIELDS,
            &mut f,
            "category",
            Value::Code(Some("x".into())),
        );
        assert!(bad_code.is_err());
        let bad_kind = set(FACILITY_FIELDS, &mut f, "profile.name", Value::Flag(None));
        assert!(bad_kind.is_err());
        let too_big = set(
            FACILITY_FIELDS,
            &mut f,
            "profile.beds",
            Value::Number(Some(i64::from(u32::MAX) + 1)),
        );
        assert!(too_big.is_err());
        assert_eq!(f, Facility::default());
    }

    #[test]
    fn filing_fields_hide_for_unfiled_and_venues() {
        let filing = find(FACILITY_FIELDS, "profile.filing_date").unwrap();
        let mut f = Facility::default();
        assert!(filing.visible(&f));
        f.category = Some(Category::UnfiledInstitution);
        assert!(!filing.visible(&f));
    }
}
