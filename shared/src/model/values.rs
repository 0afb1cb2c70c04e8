//! Small value types used by several aggregates: money, GPS fixes, risk
//! levels, comments.

use autosurgeon::{Hydrate, Reconcile};
use serde::{Deserialize, Serialize};

use super::coded::coded_enum;
use super::when::Timestamp;
use crate::ids::{CommentId, UserId};

/// Money in whole 元 (yuan).
///
/// Whole yuan because every figure the plan and the county settings use is in
/// yuan (50,000 元, 500,000 元) and inspectors write down what operators say,
/// never fen. The annex tables show 万元, derived at export. Signed so that a
/// mistyped negative reaches validation instead of wrapping.
pub type Yuan = i64;

/// A GPS fix as the phone reported it.
#[derive(Debug, Clone, PartialEq, Reconcile, Hydrate, Serialize, Deserialize)]
pub struct GpsFix {
    /// Degrees, WGS-84, as the browser's Geolocation API gives them.
    pub lat: f64,
    pub lon: f64,
    /// 95% radius in metres, as reported.
    pub accuracy_m: f64,
    pub taken_at: Option<Timestamp>,
}

coded_enum! {
    /// A risk level (风险等级). Declared from lowest to highest, so `max()`
    /// over fired rules gives the level and `Ord` compares severity.
    pub enum RiskLevel {
        Green => "green", "绿";
        Yellow => "yellow", "黄";
        Orange => "orange", "橙";
        Red => "red", "红";
    }
}

/// One message in a thread: a lead's review comment, or an inspector's reply
/// carried in the facility document (an inspector may not write the review
/// document).
#[derive(Debug, Clone, PartialEq, Eq, Reconcile, Hydrate, Serialize, Deserialize)]
pub struct Comment {
    #[key]
    pub id: CommentId,
    pub author: UserId,
    pub at: Timestamp,
    pub text: String,
}
