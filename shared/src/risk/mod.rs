//! Classification (plan §一.三 推进分类处置, DOMAIN §4): a facility's level,
//! the rules that fired with the plan's words and the facts behind them,
//! the measures for the level, the disposal path of an unregistered venue,
//! and what is still to verify.
//!
//! The same code runs on the phone (provisional level) and on the server
//! (authoritative level); the server never takes the phone's word for it.
//! The level is the highest of the rules that fired, green when none did.
//!
//! # Evaluating several visits
//!
//! A facility may be visited several times (自查自改, 全面摸排, 暗访督查, a
//! return visit). Each fact is resolved over all visits, drafts included,
//! ordered by arrival time and then by visit id (a visit with no arrival
//! time counts as the earliest):
//!
//! - **Blank never clears.** `None` is "not answered": a visit that left a
//!   question blank says nothing about it, so an earlier answer stands.
//!   Multi-selects ([`Choices`](crate::model::Choices)) work option by
//!   option, so unticking needs an explicit "no" on that option.
//! - **State: the latest answer holds.** What describes the facility now —
//!   prepayment figures, fee methods and fund use, solvency, whether
//!   operations are stable, rapid expansion, the 3-year change counts,
//!   marketing, the inspector's "other risk" — takes the latest visit that
//!   answered it. A later explicit "no" or a lower figure clears an earlier
//!   "yes": money refunded, a use regularised, solvency restored. A visit
//!   that says no prepayment is collected answers every amount it leaves
//!   blank with 0; amounts it does write down win over its own "no".
//!   Figures residents gave in a visit's interviews count as that visit's
//!   answer for the largest amount and longest period per person, when
//!   larger than the checklist's.
//! - **Events stay.** What happened cannot un-happen: 涉嫌非法集资/诈骗,
//!   已"爆雷", 群访, 舆情 and 承诺回报 stay once any visit records them, and
//!   complaints count at the highest number any visit recorded. A later
//!   "no" means nothing new was found, not that the earlier event was
//!   false. A wrong record is put right by correcting the visit that holds
//!   it (its history is kept), or by the lead confirming another level with
//!   a reason ([`LevelView`]) — never silently by a later form.
//! - **Online checks** in the county document all count; county staff
//!   correct or remove a wrong one there.
//!
//! # Layout
//!
//! - [`facts`]: gathering facts over visits, checks and profile; [`Fact`].
//! - [`prepay`]: 大额预付费 from the county thresholds.
//! - [`rules`]: the rules table ([`RULES`]), [`RuleId`], [`Clause`].
//! - [`measures`]: measures per level.
//! - [`disposal`]: U1/U2 paths and routing for unregistered venues.
//! - [`plan`]: who needs a 一院一策 plan and the measures it starts with.
//! - `verify`: the to-verify list.
//! - [`assessment`]: [`classify`] and [`Assessment`].
//! - [`level_view`]: computed beside confirmed level.

pub mod assessment;
pub mod disposal;
pub mod facts;
pub mod level_view;
pub mod measures;
pub mod plan;
pub mod prepay;
pub mod rules;
mod verify;

pub use assessment::{Assessment, FiredRule, classify};
pub use disposal::{DisposalPath, Routing};
pub use facts::{Fact, Facts, Source};
pub use level_view::{Confirmation, LevelView};
pub use measures::SuggestedMeasure;
pub use prepay::LargePrepay;
pub use rules::{Clause, RULES, Rule, RuleId};

/// Names the rules and the fact policy above. Bump it whenever either
/// changes, so a stored [`Assessment`] says which rules produced it.
pub const RULE_SET_VERSION: &str = "shanminfa-2022-1/v1";
