//! The support page: a form anyone can send, reachable from every page's footer and from the
//! privacy notice, and its thank-you page.

use crate::AppState;
use crate::accounts::is_child_account;
use crate::kit::extract::{ClientIp, MaybeSignedIn};
use crate::kit::page::{CsrfForm, Page, render, see_other};
use crate::support::requests::{self, MESSAGE_CHARS, NewSupportRequest, Topic};
use askama::Template;
use axum::Router;
use axum::extract::State;
use axum::http::{HeaderValue, StatusCode, header};
use axum::response::Response;
use axum::routing::get;
use kodlek_domain::now_millis;

pub fn routes() -> Router<AppState> {
    Router::new()
        .route("/support", get(form).post(send))
        .route("/support/sent", get(sent))
}

/// What was typed, given back with an error so that nothing has to be typed again.
#[derive(Default)]
struct Typed {
    topic: String,
    message: String,
    reply_to: String,
}

#[derive(Template)]
#[template(path = "support/form.html")]
struct FormT {
    p: Page,
    topics: Vec<(&'static str, String)>,
    typed: Typed,
    /// A child's own address is not asked for: the page says so instead.
    child: bool,
    max_chars: usize,
}

fn page(state: &AppState, p: Page, status: StatusCode, typed: Typed, child: bool) -> Response {
    let topics = Topic::ALL
        .iter()
        .map(|t| (t.as_str(), p.t(format!("support-topic-{}", t.as_str()))))
        .collect();
    let t = FormT {
        p: p.clone(),
        topics,
        typed,
        child,
        max_chars: MESSAGE_CHARS,
    };
    render(state, &p, status, &t)
}

fn is_child(me: &MaybeSignedIn) -> bool {
    me.0.as_ref()
        .is_some_and(|m| is_child_account(&m.account, now_millis()))
}

async fn form(State(state): State<AppState>, p: Page, me: MaybeSignedIn) -> Response {
    let child = is_child(&me);
    page(&state, p, StatusCode::OK, Typed::default(), child)
}

async fn send(
    State(state): State<AppState>,
    p: Page,
    me: MaybeSignedIn,
    ClientIp(ip): ClientIp,
    form: CsrfForm,
) -> Response {
    let child = is_child(&me);
    let typed = Typed {
        topic: form.get("topic").to_owned(),
        message: form.get("message").to_owned(),
        reply_to: if child {
            String::new()
        } else {
            form.get("reply_to").to_owned()
        },
    };
    let Some(topic) = Topic::parse(&typed.topic) else {
        let p = p.with_alert_key("support-choose-topic");
        return page(&state, p, StatusCode::UNPROCESSABLE_ENTITY, typed, child);
    };
    let body = NewSupportRequest {
        topic,
        message: typed.message.clone(),
        reply_to: form.opt("reply_to"),
    };
    let account = me.0.as_ref().map(|m| &m.account);
    match requests::send_support_request(&state, account, body, ip).await {
        Ok(_) => see_other("/support/sent"),
        Err(e) => {
            let retry = e.retry_after;
            let mut r = page(&state, p.with_alert(&e), e.status, typed, child);
            if let Some(s) = retry {
                r.headers_mut()
                    .insert(header::RETRY_AFTER, HeaderValue::from(s));
            }
            r
        }
    }
}

#[derive(Template)]
#[template(path = "support/sent.html")]
struct SentT {
    p: Page,
}

async fn sent(State(state): State<AppState>, p: Page) -> Response {
    render(&state, &p, StatusCode::OK, &SentT { p: p.clone() })
}
