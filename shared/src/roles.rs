//! Roles (DOMAIN §1) and what each may read, write and export.
//!
//! One set of rules for both sides: the page asks them to hide what a user
//! cannot do, the server asks them again to refuse it. Authority is decided
//! per document (its kind and its scope), never per field, because documents
//! are split by who writes them (see [`crate::doc`]).
//!
//! | role | reads | writes |
//! |---|---|---|
//! | inspector | own township + county settings | `facility` of own township |
//! | township_lead | own township + county settings | `facility`, `review`, `township_log` of own township |
//! | county_staff | everything | `county` of any township |
//! | admin | everything | `settings` |

use crate::doc::{DocKind, Scope};
use crate::ids::TownshipId;
use crate::model::coded::coded_enum;

coded_enum! {
    /// What a user does; the code is stored with the account.
    pub enum Role {
        Inspector => "inspector", "排查员";
        TownshipLead => "township_lead", "乡镇分管领导";
        CountyStaff => "county_staff", "县民政局养老服务股";
        Admin => "admin", "管理员";
    }
}

impl Role {
    /// Township roles belong to exactly one township; county roles to none.
    pub const fn is_township_role(self) -> bool {
        matches!(self, Self::Inspector | Self::TownshipLead)
    }

    /// The kinds this role writes at all, before scope is considered.
    pub const fn writes_kind(self, kind: DocKind) -> bool {
        matches!(
            (self, kind),
            (Self::Inspector, DocKind::Facility)
                | (
                    Self::TownshipLead,
                    DocKind::Facility | DocKind::Review | DocKind::TownshipLog
                )
                | (Self::CountyStaff, DocKind::County)
                | (Self::Admin, DocKind::Settings)
        )
    }

    /// The kinds this role writes, for the page to offer.
    pub fn writable_kinds(self) -> impl Iterator<Item = DocKind> {
        DocKind::ALL
            .iter()
            .copied()
            .filter(move |&kind| self.writes_kind(kind))
    }
}

/// Whether a document of `kind` may live in `scope` at all: the settings
/// document belongs to the county, every other kind to one township.
pub fn scope_fits(kind: DocKind, scope: Scope) -> bool {
    matches!(
        (kind, scope),
        (DocKind::Settings, Scope::County)
            | (DocKind::Facility, Scope::Township(_))
            | (DocKind::Review, Scope::Township(_))
            | (DocKind::County, Scope::Township(_))
            | (DocKind::TownshipLog, Scope::Township(_))
    )
}

/// A user as the rules see them: a role and, for township roles, the
/// township. A township role without a township may read only the settings.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub struct Principal {
    pub role: Role,
    pub township: Option<TownshipId>,
}

impl Principal {
    pub const fn new(role: Role, township: Option<TownshipId>) -> Self {
        Self { role, township }
    }

    /// True when `scope` is this user's own township.
    fn is_home(&self, scope: Scope) -> bool {
        matches!(scope, Scope::Township(t) if Some(t) == self.township)
    }

    /// May this user see documents of `scope` (any kind)?
    pub fn may_read(&self, scope: Scope) -> bool {
        !self.role.is_township_role() || scope == Scope::County || self.is_home(scope)
    }

    /// May this user change a document of `kind` in `scope`? Township
    /// roles write only in their own township.
    pub fn may_write(&self, kind: DocKind, scope: Scope) -> bool {
        scope_fits(kind, scope)
            && self.role.writes_kind(kind)
            && (!self.role.is_township_role() || self.is_home(scope))
    }

    /// May this user download the annex tables of `scope`? The lead signs
    /// the township's tables; the county consolidates all of them. Inspectors
    /// record; they do not report.
    pub fn may_export(&self, scope: Scope) -> bool {
        match self.role {
            Role::Inspector => false,
            Role::TownshipLead => self.is_home(scope),
            Role::CountyStaff | Role::Admin => true,
        }
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    fn township() -> TownshipId {
        TownshipId::random()
    }

    #[test]
    fn role_codes_and_labels() {
        for role in Role::ALL {
            assert_eq!(role.code().parse::<Role>(), Ok(*role));
            assert!(!role.label_zh().is_empty());
        }
        assert_eq!(
            serde_json::to_string(&Role::TownshipLead).unwrap(),
            "\"township_lead\""
        );
    }

    #[test]
    fn township_roles_read_their_township_and_the_settings_only() {
        let (home, other) = (township(), township());
        for role in [Role::Inspector, Role::TownshipLead] {
            let p = Principal::new(role, Some(home));
            assert!(p.may_read(Scope::Township(home)));
            assert!(p.may_read(Scope::County));
            assert!(!p.may_read(Scope::Township(other)));
            let lost = Principal::new(role, None);
            assert!(!lost.may_read(Scope::Township(home)));
        }
        for role in [Role::CountyStaff, Role::Admin] {
            let p = Principal::new(role, None);
            assert!(p.may_read(Scope::Township(other)) && p.may_read(Scope::County));
        }
    }

    #[test]
    fn writes_follow_the_document_split() {
        let (home, other) = (township(), township());
        let (h, o, c) = (Scope::Township(home), Scope::Township(other), Scope::County);
        let inspector = Principal::new(Role::Inspector, Some(home));
        let lead = Principal::new(Role::TownshipLead, Some(home));
        let staff = Principal::new(Role::CountyStaff, None);
        let admin = Principal::new(Role::Admin, None);

        assert!(inspector.may_write(DocKind::Facility, h));
        assert!(!inspector.may_write(DocKind::Facility, o));
        for kind in [DocKind::Review, DocKind::County, DocKind::TownshipLog] {
            assert!(!inspector.may_write(kind, h), "inspector wrote {kind}");
        }
        for kind in [DocKind::Facility, DocKind::Review, DocKind::TownshipLog] {
            assert!(lead.may_write(kind, h));
            assert!(
                !lead.may_write(kind, o),
                "lead wrote {kind} of another township"
            );
        }
        assert!(!lead.may_write(DocKind::County, h));
        assert!(staff.may_write(DocKind::County, h) && staff.may_write(DocKind::County, o));
        assert!(!staff.may_write(DocKind::Facility, h));
        assert!(admin.may_write(DocKind::Settings, c));
        assert!(!admin.may_write(DocKind::Facility, h));
        // Settings live in the county scope only, everything else in a township.
        assert!(!admin.may_write(DocKind::Settings, h));
        assert!(!staff.may_write(DocKind::County, c));
        assert!(!Principal::new(Role::Inspector, None).may_write(DocKind::Facility, h));
    }

    #[test]
    fn exports_and_writable_kinds() {
        let (home, other) = (township(), township());
        let lead = Principal::new(Role::TownshipLead, Some(home));
        assert!(lead.may_export(Scope::Township(home)));
        assert!(!lead.may_export(Scope::Township(other)));
        assert!(!Principal::new(Role::Inspector, Some(home)).may_export(Scope::Township(home)));
        assert!(Principal::new(Role::CountyStaff, None).may_export(Scope::County));
        let kinds: Vec<_> = Role::TownshipLead.writable_kinds().collect();
        assert_eq!(
            kinds,
            [DocKind::Facility, DocKind::Review, DocKind::TownshipLog]
        );
        let admin: Vec<_> = Role::Admin.writable_kinds().collect();
        assert_eq!(admin, [DocKind::Settings]);
    }
}
