//! `POST /api/login`, `POST /api/logout`, `GET /api/me`.

use std::sync::Arc;

use axum::Json;
use axum::extract::State;
use axum::extract::rejection::JsonRejection;
use axum::http::StatusCode;
use mopai_shared::api::{LoginRequest, LoginResponse, Me};

use crate::AppState;
use crate::auth::{AuthUser, ClientIp, session};
use crate::error::{AppError, AppResult};

pub async fn login(
    State(state): State<Arc<AppState>>,
    ClientIp(peer): ClientIp,
    body: Result<Json<LoginRequest>, JsonRejection>,
) -> AppResult<Json<LoginResponse>> {
    let Json(request) = body.map_err(|rejection| {
        if rejection.status() == StatusCode::PAYLOAD_TOO_LARGE {
            return AppError::TooLarge("登录请求".into());
        }
        AppError::bad_request(
            "bad_login_body",
            "登录请求格式错误：须为 JSON {\"username\", \"password\"}",
        )
    })?;
    Ok(Json(session::login(&state, request, peer).await?))
}

pub async fn logout(State(state): State<Arc<AppState>>, user: AuthUser) -> AppResult<StatusCode> {
    session::logout(&state, user).await?;
    Ok(StatusCode::NO_CONTENT)
}

pub async fn me(user: AuthUser) -> Json<Me> {
    Json(user.me())
}
