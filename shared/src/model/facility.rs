//! The facility aggregate (DOMAIN §2): category, listing source, profile, and
//! the visits recorded against it. This is the body of a facility document.
//!
//! 运营主体 (operator) and 关联公司 (affiliated companies) are profile facts:
//! a visit that learns them updates the profile, so the annex tables read one
//! place for them.

use autosurgeon::{Hydrate, Reconcile};
use serde::{Deserialize, Serialize};

use super::coded::{Choices, coded_enum};
use super::settings::Thresholds;
use super::values::GpsFix;
use super::visit::Visit;
use super::when::Day;

/// One surveyed facility. Its id and township live in the document header.
#[derive(Debug, Clone, PartialEq, Default, Reconcile, Hydrate, Serialize, Deserialize)]
pub struct Facility {
    /// `None` until known: a police or market-supervision lead may only say
    /// "someone houses old people there" until the first visit.
    pub category: Option<Category>,
    pub source: Option<ListingSource>,
    pub profile: Profile,
    pub visits: Vec<Visit>,
}

coded_enum! {
    /// The three survey categories (摸排对象); every facility is exactly one.
    pub enum Category {
        FiledInstitution => "filed_institution", "已备案养老机构";
        UnfiledInstitution => "unfiled_institution", "未备案养老机构";
        UnregisteredVenue => "unregistered_venue", "未经登记从事养老服务经营活动的服务场所";
    }
}

coded_enum! {
    /// Where the listing came from (日常掌握 + 公安 + 市场监管 + …).
    pub enum ListingSource {
        Daily => "daily", "日常掌握";
        Police => "police", "公安部门提供";
        MarketSupervision => "market_supervision", "市场监管部门提供";
        NewMarketEntity => "new_market_entity", "新登记经营范围含养老服务的市场主体";
        PublicReport => "public_report", "群众举报";
    }
}

coded_enum! {
    /// Legal form; the first four are what USCC characters 1–2 encode.
    pub enum LegalForm {
        PublicInstitution => "public_institution", "事业单位";
        PrivateNonEnterprise => "private_non_enterprise", "民办非企业单位(社会服务机构)";
        Enterprise => "enterprise", "企业";
        IndividualBusiness => "individual_business", "个体工商户";
        Unregistered => "unregistered", "未登记";
    }
}

impl LegalForm {
    /// The registration type that USCC characters 1–2 encode (GB 32100-2015):
    /// registering body then type. Other prefixes (机关, 社会团体, 基金会…) are
    /// not forms an elderly-care operator takes here.
    pub fn from_uscc_prefix(prefix: &str) -> Option<Self> {
        match prefix {
            "12" => Some(Self::PublicInstitution),
            "52" => Some(Self::PrivateNonEnterprise),
            "91" => Some(Self::Enterprise),
            "92" => Some(Self::IndividualBusiness),
            _ => None,
        }
    }
}

coded_enum! {
    pub enum Ownership {
        Public => "public", "公办";
        PublicBuiltPrivatelyRun => "public_built_privately_run", "公建民营";
        Private => "private", "民办";
    }
}

coded_enum! {
    pub enum Premises {
        Owned => "owned", "自有";
        Leased => "leased", "租赁";
    }
}

coded_enum! {
    /// Other industries the operator's group runs (涉足多产业).
    pub enum Industry {
        HealthProducts => "health_products", "保健品";
        Tourism => "tourism", "旅游";
        RealEstate => "real_estate", "房地产";
        WealthManagement => "wealth_management", "理财";
        Other => "other", "其他";
    }
}

coded_enum! {
    pub enum OperatingStatus {
        Operating => "operating", "运营";
        Suspended => "suspended", "停业";
        Preparing => "preparing", "筹建";
    }
}

coded_enum! {
    /// 场所性质 of an unregistered venue; decides where a U2 case is sent.
    pub enum VenueNature {
        PrivateNonEnterprise => "private_non_enterprise", "民非性质";
        Enterprise => "enterprise", "企业性质";
        Individual => "individual", "个人";
    }
}

/// What is known about a facility, whoever recorded it. Empty strings and
/// `None` mean "not recorded".
#[derive(Debug, Clone, PartialEq, Default, Reconcile, Hydrate, Serialize, Deserialize)]
pub struct Profile {
    pub name: String,
    /// 村(社区).
    pub village: String,
    pub address: String,
    pub gps: Option<GpsFix>,
    /// 统一社会信用代码, as written (checked by `validate`).
    pub uscc: String,
    pub legal_form: Option<LegalForm>,
    pub ownership: Option<Ownership>,
    pub for_profit: Option<bool>,
    pub filing_date: Option<Day>,
    pub filing_authority: String,
    /// 备案回执号.
    pub filing_receipt_no: String,
    /// 法定代表人 or 主要负责人.
    pub legal_representative: String,
    pub contact_person: String,
    pub contact_phone: String,
    pub actual_controller: String,
    pub investors: Vec<String>,
    /// 运营主体.
    pub operator: String,
    pub affiliated_companies: Vec<String>,
    pub beds: Option<u32>,
    /// 入住老人数; for an unregistered venue, 收住老人数.
    pub residents: Option<u32>,
    pub care_staff: Option<u32>,
    /// 服务设施面积, whole square metres.
    pub building_area_m2: Option<u32>,
    pub premises: Option<Premises>,
    pub other_industries: Choices<Industry>,
    pub other_industries_note: String,
    pub branches: Option<u32>,
    pub status: Option<OperatingStatus>,
    /// Only meaningful for an unregistered venue.
    pub venue: VenueInfo,
}

/// The facts DOMAIN §3 asks only of unregistered venues.
#[derive(Debug, Clone, PartialEq, Eq, Default, Reconcile, Hydrate, Serialize, Deserialize)]
pub struct VenueInfo {
    pub nature: Option<VenueNature>,
    pub houses_elderly: Option<bool>,
    /// 服务内容.
    pub services: String,
}

impl Facility {
    /// 重点排查 (plan §一.二 "第三"): 民办 or 公建民营, large, or active in
    /// other industries. Lists sort these first.
    pub fn is_priority(&self, thresholds: &Thresholds) -> bool {
        let p = &self.profile;
        matches!(
            p.ownership,
            Some(Ownership::Private | Ownership::PublicBuiltPrivatelyRun)
        ) || p.beds.is_some_and(|b| b >= thresholds.priority_beds)
            || p.other_industries.ticked().next().is_some()
    }
}
