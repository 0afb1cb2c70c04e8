//! `GET /api/problems` and `GET /healthz`: stored documents that no longer
//! project are listed for the admin and county staff, and counted for
//! monitoring, so none is ever silently missing from the lists and tables.

use std::sync::Arc;

use axum::Json;
use axum::extract::State;
use mopai_shared::api::{Health, ProblemDoc};

use crate::AppState;
use crate::auth::AuthUser;
use crate::error::{AppError, AppResult};

/// Problem documents one answer lists.
const MAX_PROBLEMS: usize = 1000;

pub async fn problems(
    State(state): State<Arc<AppState>>,
    user: AuthUser,
) -> AppResult<Json<Vec<ProblemDoc>>> {
    if user.principal().role.is_township_role() {
        return Err(AppError::forbidden(
            "problems_not_allowed",
            "只有县级人员和管理员可以查看问题文档",
        ));
    }
    let problems = state
        .blocking(|app| Ok(app.storage.read(|tx| tx.problems(MAX_PROBLEMS))?))
        .await?;
    Ok(Json(problems))
}

pub async fn healthz(State(state): State<Arc<AppState>>) -> AppResult<Json<Health>> {
    let problem_docs = state
        .blocking(|app| Ok(app.storage.read(|tx| tx.problem_count())?))
        .await?;
    Ok(Json(Health {
        status: "ok".into(),
        version: env!("CARGO_PKG_VERSION").into(),
        problem_docs,
    }))
}
