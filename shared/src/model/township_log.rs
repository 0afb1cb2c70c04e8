//! A township's own record of the campaign: leadership group, work plan and
//! publicity activities (annex table 4 counts 宣传活动场次). This is the body
//! of a township log document, which the township lead writes.

use autosurgeon::{Hydrate, Reconcile};
use serde::{Deserialize, Serialize};

use super::coded::coded_enum;
use super::when::Day;
use crate::ids::{ActivityId, MemberId};

#[derive(Debug, Clone, PartialEq, Eq, Default, Reconcile, Hydrate, Serialize, Deserialize)]
pub struct TownshipLog {
    pub leadership_group: Vec<GroupMember>,
    pub work_plan: WorkPlan,
    pub activities: Vec<PublicityActivity>,
}

#[derive(Debug, Clone, PartialEq, Eq, Reconcile, Hydrate, Serialize, Deserialize)]
pub struct GroupMember {
    #[key]
    pub id: MemberId,
    pub name: String,
    /// 职务 in the township government.
    pub position: String,
    pub group_role: Option<GroupRole>,
    pub phone: String,
}

coded_enum! {
    pub enum GroupRole {
        Leader => "leader", "组长";
        DeputyLeader => "deputy_leader", "副组长";
        Member => "member", "成员";
    }
}

#[derive(Debug, Clone, PartialEq, Eq, Default, Reconcile, Hydrate, Serialize, Deserialize)]
pub struct WorkPlan {
    pub title: String,
    pub issued_on: Option<Day>,
    pub text: String,
}

#[derive(Debug, Clone, PartialEq, Eq, Reconcile, Hydrate, Serialize, Deserialize)]
pub struct PublicityActivity {
    #[key]
    pub id: ActivityId,
    pub date: Day,
    pub venue_type: VenueType,
    /// The place itself, e.g. "城关镇文化广场".
    pub venue: String,
    pub participants: u32,
    pub note: String,
}

coded_enum! {
    pub enum VenueType {
        Community => "community", "社区";
        Institution => "institution", "机构";
        Park => "park", "公园";
        Square => "square", "广场";
        Other => "other", "其他";
    }
}
